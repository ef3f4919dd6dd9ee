"""Image layers may name a stored object (`pinrender.stored`) from Python: read through the
renderer's store, keyed by its digest; JSON can never name one."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

import pinrender


def png(color: tuple[int, int, int]) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (30, 30), color).save(buf, "PNG")
    return buf.getvalue()


TEMPLATE: dict[str, Any] = {
    "canvas": {"width": 40, "height": 40, "background": "#000000"},
    "layers": [{"name": "photo", "type": "image", "x": 0, "y": 0, "width": 40, "height": 40,
                "image_url": "{{url}}"},
               {"name": "box", "type": "stack", "x": 0, "y": 0, "width": 10, "height": 10,
                "children": [{"name": "inner", "type": "image", "width": 10, "height": 10}]}],
    "variables": [{"name": "url", "default": "https://example.com/a.png"}],
}


def with_refs(renderer: pinrender.Renderer, ref: pinrender.SourceRef) -> pinrender.Template:
    spec = renderer.resolve(TEMPLATE)
    photo, box = spec.layers
    inner = box.children[0]  # type: ignore[union-attr]
    box = box.model_copy(update={"children": [inner.model_copy(update={"image_url": ref})]})
    return spec.model_copy(update={"layers": [photo.model_copy(update={"image_url": ref}), box]})


def test_a_stored_layer_renders_from_the_store_and_keys_by_digest() -> None:
    reads: list[str] = []
    blobs = {"a": png((250, 0, 0)), "b": png((0, 0, 250))}

    def store(name: str) -> bytes | None:
        reads.append(name)
        return blobs.get(name)

    renderer = pinrender.Renderer(store=store)
    red = with_refs(renderer, pinrender.stored("a", "digest-a"))
    key = renderer.render_key(red)
    assert reads == []  # keyed without reading a byte
    image = Image.open(io.BytesIO(renderer.render(red))).convert("RGB")
    assert image.getpixel((30, 30)) == pytest.approx((250, 0, 0), abs=3)
    assert reads
    blue = with_refs(renderer, pinrender.stored("b", "digest-b"))
    assert renderer.render_key(blue) != key
    # The same digest is the same key, whatever the name.
    assert renderer.render_key(with_refs(renderer, pinrender.stored("other", "digest-a"))) == key


def test_json_cannot_name_a_stored_object() -> None:
    spec = {**TEMPLATE, "layers": [{**TEMPLATE["layers"][0], "image_url": {
        "kind": "stored", "value": "a", "digest": "digest-a"}}]}
    with pytest.raises(pinrender.TemplateError) as err:
        pinrender.parse_template(spec)
    assert err.value.path == "layers.photo.image_url"
    schema = pinrender.Template.model_json_schema()
    assert "SourceRef" not in str(schema)
