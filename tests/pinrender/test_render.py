"""Rendering templates: decode what we render and check sizes, pixels, keys and caching."""

from __future__ import annotations

import base64
import io
from typing import Any

import pytest
from PIL import Image

import pinrender
from pinrender import FetchError, Renderer, SourceError, TemplateError
from pinrender.testing import ink_box
from tests.conftest import EXAMPLES, decode


def png_data_url(image: Image.Image) -> str:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


CHECKER = Image.new("RGB", (400, 200), (200, 30, 30))
CHECKER.paste((30, 30, 200), (200, 0, 400, 200))  # left half red, right half blue
PHOTO = png_data_url(CHECKER)


def card(**layers: dict[str, Any]) -> dict[str, Any]:
    return {"canvas": {"width": 400, "height": 300, "background": "#ffffff"},
            "layers": [{"name": name, **props} for name, props in layers.items()]}


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.mark.parametrize("fmt", ["png", "jpeg", "jpg", "webp", "avif"])
def test_every_output_format_decodes_at_canvas_size(renderer: Renderer, fmt: str) -> None:
    data = renderer.render(card(box={"type": "rect", "x": 10, "y": 10, "width": 50,
                                     "height": 50, "fill": "#00ff00"}), format=fmt)
    image = decode(data)
    assert image.size == (400, 300)
    assert image.format == {"jpg": "JPEG"}.get(fmt, fmt.upper())


def test_rect_and_background_pixels(renderer: Renderer) -> None:
    image = decode(renderer.render(card(
        box={"type": "rect", "x": 100, "y": 50, "width": 100, "height": 80, "fill": "#00ff00"},
        half={"type": "rect", "x": 300, "y": 200, "width": 50, "height": 50,
              "fill": "rgba(0, 0, 255, 0.5)"})))
    assert image.getpixel((150, 90))[:3] == (0, 255, 0)
    assert image.getpixel((10, 10))[:3] == (255, 255, 255)
    r, g, b = image.getpixel((325, 225))[:3]
    assert abs(r - 127) <= 2 and abs(g - 127) <= 2 and b == 255


def test_linear_gradient_runs_along_its_angle(renderer: Renderer) -> None:
    template = {"canvas": {"width": 200, "height": 100, "background": {
        "type": "linear-gradient", "angle": 90,
        "stops": [{"color": "#000000", "offset": 0}, {"color": "#ffffff", "offset": 1}]}}}
    image = decode(renderer.render(template)).convert("L")
    row = [image.getpixel((x, 50)) for x in range(0, 200, 20)]
    assert row == sorted(row) and row[0] < 10 and image.getpixel((199, 50)) > 245


def test_image_cover_fills_its_box_and_crops_by_position(renderer: Renderer) -> None:
    # a 2:1 image into a square box: cover crops the sides; left keeps the red half
    base = {"type": "image", "x": 100, "y": 100, "width": 100, "height": 100, "image_url": PHOTO}
    left = decode(renderer.render(card(img={**base, "objectPosition": "left"}))).convert("RGB")
    right = decode(renderer.render(card(img={**base, "objectPosition": "right"}))).convert("RGB")
    assert left.getpixel((150, 150))[0] > 150 and right.getpixel((150, 150))[2] > 150
    assert left.getpixel((101, 101)) != (255, 255, 255)  # no gap at the box edge
    assert left.getpixel((99, 150)) == (255, 255, 255)  # nothing outside the box


def test_image_contain_letterboxes(renderer: Renderer) -> None:
    image = decode(renderer.render(card(img={
        "type": "image", "x": 100, "y": 100, "width": 100, "height": 100, "image_url": PHOTO,
        "objectFit": "contain"}))).convert("RGB")
    assert image.getpixel((150, 110)) == (255, 255, 255)  # above the 100x50 letterboxed image
    assert image.getpixel((110, 150))[0] > 150  # its red left half
    assert image.getpixel((190, 150))[2] > 150  # its blue right half


def test_rounded_corners_are_transparent_and_anti_aliased(renderer: Renderer) -> None:
    template = {"canvas": {"width": 120, "height": 120, "background": "rgba(0,0,0,0)"},
                "layers": [{"name": "avatar", "type": "image", "width": 120, "height": 120,
                            "image_url": PHOTO, "borderRadius": 60}]}
    image = decode(renderer.render(template))
    assert image.mode == "RGBA"
    alpha = image.getchannel("A")
    assert alpha.getpixel((0, 0)) == 0 and alpha.getpixel((119, 119)) == 0
    assert alpha.getpixel((60, 60)) == 255 and alpha.getpixel((60, 1)) == 255
    edge = [alpha.getpixel((x, x)) for x in range(15, 22)]  # along the diagonal near the rim
    assert any(0 < a < 255 for a in edge), edge


def test_opacity_and_hidden(renderer: Renderer) -> None:
    box = {"type": "rect", "x": 0, "y": 0, "width": 100, "height": 100, "fill": "#000000"}
    faded = decode(renderer.render(card(box={**box, "opacity": 0.5}))).convert("L")
    assert abs(faded.getpixel((50, 50)) - 128) <= 2
    hidden = decode(renderer.render(card(box={**box, "hidden": True}))).convert("L")
    assert hidden.getpixel((50, 50)) == 255


def test_text_is_drawn_inside_its_box(renderer: Renderer) -> None:
    image = decode(renderer.render(card(title={
        "type": "text", "x": 50, "y": 60, "width": 300, "height": 100, "text": "Hello, world",
        "fontSize": 40, "color": "#000000"})))
    box = ink_box(image)
    assert box is not None
    left, top, right, bottom = box
    assert left >= 50 and top >= 60 and right <= 350 and bottom <= 160


def test_rotation_turns_a_layer_about_its_centre(renderer: Renderer) -> None:
    bar = {"type": "rect", "x": 100, "y": 140, "width": 200, "height": 20, "fill": "#000000"}
    image = decode(renderer.render(card(bar={**bar, "rotation": 90}))).convert("L")
    assert image.getpixel((200, 60)) < 50 and image.getpixel((120, 150)) > 200


def test_same_inputs_give_identical_bytes_and_keys() -> None:
    template = EXAMPLES / "blog-og.json"
    first, second = Renderer(), Renderer()
    assert first.render(template) == second.render(template)
    assert first.render_key(template) == second.render_key(template)


def test_key_changes_with_pixels_and_format_but_not_without(renderer: Renderer) -> None:
    template = EXAMPLES / "blog-og.json"
    base = renderer.render_key(template)
    assert renderer.render_key(template, {"title": {"text": "Other"}}) != base
    assert renderer.render_key(template, format="webp") != base
    assert renderer.render_key(template, format="jpeg", quality=80) != renderer.render_key(
        template, format="jpeg", quality=81)
    assert renderer.render_key(template, variables={"title": "x"}) != base
    assert renderer.render_key(template, {"title": {}}) == base
    assert renderer.render_key(template, format="jpg") == renderer.render_key(template,
                                                                               format="jpeg")


def test_render_key_renders_nothing() -> None:
    fresh = Renderer()
    key = fresh.render_key(EXAMPLES / "blog-og.json", {"title": {"text": "Keys only"}})
    assert len(key) >= 16 and int(key, 16) >= 0
    assert sum(fresh.stats.values()) == 0


def test_fifty_cards_share_one_background_decode_and_fit() -> None:
    fresh = Renderer()
    template = EXAMPLES / "blog-og.json"
    for i in range(50):
        fresh.render(template, {"title": {"text": f"Card number {i}"}}, format="jpeg")
    # two images (background, avatar) + the logo: each decoded and fitted once for 50 cards
    assert fresh.stats["decode"] == 3
    assert fresh.stats["fit"] == 3
    assert fresh.stats["text"] == 50 + 2  # the titles, plus site and subtitle once each
    assert fresh.stats["encode"] == 50


def test_layout_reports_lines_in_canvas_coordinates(renderer: Renderer) -> None:
    layout = renderer.layout(card(title={
        "type": "text", "x": 40, "y": 30, "width": 200, "height": 200,
        "text": "one two three four five six seven eight nine ten", "fontSize": 24}))
    block = layout.layers["title"]
    assert block.font_size == 24 and len(block.lines) > 1
    assert all(line.x >= 40 and line.x + line.width <= 240 + 0.5 for line in block.lines)
    assert block.lines[0].y >= 30
    assert " ".join(line.text.strip() for line in block.lines).split() == \
        ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def test_module_level_api() -> None:
    data = pinrender.render(card(box={"type": "rect", "width": 10, "height": 10}),
                            format="webp", quality=70)
    assert decode(data).format == "WEBP"
    assert isinstance(pinrender.render_key(EXAMPLES / "quote-card.json"), str)
    assert "quote" in pinrender.layout(EXAMPLES / "quote-card.json").layers


@pytest.mark.parametrize("bad", [
    {"format": "bmp"}, {"format": "png", "quality": 0}, {"format": "jpeg", "quality": 101},
])
def test_bad_output_options(renderer: Renderer, bad: dict[str, Any]) -> None:
    with pytest.raises(TemplateError) as info:
        renderer.render(card(), **bad)
    assert info.value.path in ("format", "quality")


def test_unknown_font_family_is_a_template_error(renderer: Renderer) -> None:
    with pytest.raises(TemplateError):
        renderer.render(card(t={"type": "text", "width": 100, "height": 50, "text": "x",
                                "fontFamily": "No Such Font 123"}))


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/a.png", "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/x.jpg",
    "ftp://example.com/a.png", "file:///etc/passwd",
])
def test_image_urls_to_private_or_odd_places_are_refused(url: str) -> None:
    server_like = Renderer(pinrender.Services(loader=pinrender.SafeLoader(allow_local=False),
                                              fonts=pinrender.default_fonts()))
    with pytest.raises(SourceError):
        server_like.render(card(img={"type": "image", "width": 50, "height": 50,
                                     "image_url": url}))


def test_local_paths_are_refused_when_the_loader_forbids_them() -> None:
    server_like = Renderer(pinrender.Services(loader=pinrender.SafeLoader(allow_local=False),
                                              fonts=pinrender.default_fonts()))
    with pytest.raises(FetchError):
        server_like.render(EXAMPLES / "blog-og.json")


@pytest.mark.parametrize("payload", [b"", b"not an image at all", b"\x89PNG\r\n\x1a\n" + b"\0" * 20])
def test_non_images_are_source_errors(renderer: Renderer, payload: bytes) -> None:
    url = "data:image/png;base64," + base64.b64encode(payload).decode()
    with pytest.raises(SourceError):
        renderer.render(card(img={"type": "image", "width": 50, "height": 50, "image_url": url}))


def test_raw_bytes_are_an_image_source_from_python(renderer: Renderer) -> None:
    buf = io.BytesIO()
    Image.new("RGB", (40, 40), (0, 200, 0)).save(buf, "PNG")
    template = card(img={"type": "image", "x": 0, "y": 0, "width": 100, "height": 100})
    image = decode(renderer.render(template, {"img": {"image_url": buf.getvalue()}}))
    assert image.getpixel((50, 50))[:3] == (0, 200, 0)
    # an empty source means "no image": the layer draws nothing
    blank = decode(renderer.render(template, {"img": {"image_url": ""}}))
    assert blank.getpixel((50, 50))[:3] == (255, 255, 255)
