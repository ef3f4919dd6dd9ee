"""What the shadow and stroke node tests share: a small card, a box, decoded pixels."""

from __future__ import annotations

from typing import Any

from PIL import Image

from pinrender import Renderer
from tests.conftest import decode


def card(**layers: Any) -> dict[str, Any]:
    return {"canvas": {"width": 400, "height": 400, "background": "#ffffff"},
            "layers": [{"name": name, **props} for name, props in layers.items()]}


def box(**props: Any) -> dict[str, Any]:
    return {"type": "rect", "x": 150, "y": 150, "width": 100, "height": 100, "fill": "#888888",
            **props}


def rgb(renderer: Renderer, template: dict[str, Any]) -> Image.Image:
    return decode(renderer.render(template)).convert("RGB")


def ink(image: Image.Image, test: Any) -> tuple[int, int, int, int] | None:
    """The bounding box of the pixels that pass `test`."""
    pixels = image.load()
    assert pixels is not None
    hits = [(x, y) for y in range(image.height) for x in range(image.width) if test(pixels[x, y])]
    if not hits:
        return None
    xs, ys = [x for x, _ in hits], [y for _, y in hits]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


TITLE = {"type": "text", "x": 50, "y": 100, "width": 300, "height": 120, "text": "Hi!",
         "fontSize": 80, "fontWeight": 700, "color": "#000000"}
