"""Shadows: textShadow and boxShadow drawn with a real Gaussian blur (CSS: sigma = blur / 2),
offset, spread, following borderRadius, stacked in CSS order, keyed and cached as nodes."""

from __future__ import annotations

from statistics import NormalDist
from typing import Any

import pytest
from PIL import Image

import pinrender
from pinrender import Renderer, TemplateError
from tests.conftest import decode


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def card(**layers: Any) -> dict[str, Any]:
    return {"canvas": {"width": 400, "height": 400, "background": "#ffffff"},
            "layers": [{"name": name, **props} for name, props in layers.items()]}


def box(**props: Any) -> dict[str, Any]:
    return {"type": "rect", "x": 150, "y": 150, "width": 100, "height": 100, "fill": "#888888",
            **props}


def rgb(renderer: Renderer, template: dict[str, Any]) -> Image.Image:
    return decode(renderer.render(template)).convert("RGB")


def test_blur_falls_off_as_a_gaussian_of_half_the_radius(renderer: Renderer) -> None:
    image = rgb(renderer, card(b=box(boxShadow="0 0 20px #000")))
    sigma = 10.0
    # right of the box (its last column is x = 249): a blurred edge, 50% at the edge itself
    for distance in (0.5, 5.5, 10.5, 15.5, 20.5, 25.5):
        x = round(249.5 + distance)
        darkness = 1 - image.getpixel((x, 200))[0] / 255
        expected = 1 - NormalDist(0, sigma).cdf(distance)
        assert abs(darkness - expected) < 0.04, (distance, darkness, expected)
    assert image.getpixel((290, 200)) == (255, 255, 255)  # past about 3 sigma: no ink


def test_offset_moves_the_shadow(renderer: Renderer) -> None:
    image = rgb(renderer, card(b=box(boxShadow={"x": 30, "y": -20, "color": "#ff0000"})))
    assert image.getpixel((278, 140)) == (255, 0, 0)  # right of and above the box
    assert image.getpixel((281, 140)) == (255, 255, 255)  # the box's right edge, moved 30 px
    assert image.getpixel((270, 231)) == (255, 255, 255)  # its bottom edge, moved 20 px up
    assert image.getpixel((140, 200)) == (255, 255, 255)  # nothing on the left


def test_spread_grows_and_shrinks_the_shape(renderer: Renderer) -> None:
    image = rgb(renderer, card(b=box(boxShadow="0 0 0 10px red")))
    assert image.getpixel((255, 200)) == (255, 0, 0) and image.getpixel((261, 200)) == (255,) * 3
    inset = rgb(renderer, card(b=box(boxShadow="20px 0 0 -10px red")))
    assert inset.getpixel((255, 200)) == (255, 0, 0) and inset.getpixel((261, 200)) == (255,) * 3
    assert inset.getpixel((255, 155)) == (255, 255, 255)  # the shrunk shadow starts lower


def test_shadow_follows_border_radius(renderer: Renderer) -> None:
    corner = (146, 146)  # just outside the box's top-left corner, on the diagonal
    square = rgb(renderer, card(b=box(boxShadow="0 0 0 8px red")))
    round_ = rgb(renderer, card(b=box(borderRadius=50, boxShadow="0 0 0 8px red")))
    assert square.getpixel(corner) == (255, 0, 0)
    assert round_.getpixel(corner) == (255, 255, 255)
    assert round_.getpixel((200, 146)) == (255, 0, 0)  # the edge's middle is still shadowed


def test_shadow_is_not_drawn_under_a_translucent_box(renderer: Renderer) -> None:
    image = rgb(renderer, card(b=box(fill="rgba(0,0,255,0.2)", boxShadow="0 0 0 10px #000")))
    r, g, b = image.getpixel((200, 200))
    assert b == 255 and r > 190  # light blue over white: no black shadow beneath


def test_several_shadows_first_on_top(renderer: Renderer) -> None:
    image = rgb(renderer, card(b=box(boxShadow="0 0 0 10px #f00, 0 0 0 20px #00f")))
    assert image.getpixel((255, 200)) == (255, 0, 0)
    assert image.getpixel((265, 200)) == (0, 0, 255)


def test_image_layers_take_box_shadows(renderer: Renderer) -> None:
    red = Image.new("RGB", (20, 20), (0, 200, 0))
    import base64
    import io

    buf = io.BytesIO()
    red.save(buf, "PNG")
    url = "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()
    image = rgb(renderer, card(photo={"type": "image", "x": 150, "y": 150, "width": 100,
                                      "height": 100, "image_url": url, "borderRadius": 10,
                                      "boxShadow": [{"x": 0, "y": 12, "color": "#000"}]}))
    assert image.getpixel((200, 200)) == (0, 200, 0)
    assert image.getpixel((200, 255)) == (0, 0, 0)


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


def test_text_shadow_is_the_glyphs_moved(renderer: Renderer) -> None:
    image = rgb(renderer, card(t={**TITLE, "textShadow": "20px 12px 0 #ff0000"}))
    black = ink(image, lambda p: max(p) < 60)
    red = ink(image, lambda p: p[0] > 200 and p[1] < 60)
    assert black and red
    assert abs(red[2] - (black[2] + 20)) <= 1 and abs(red[3] - (black[3] + 12)) <= 1


def test_blurred_text_shadow_spreads_past_the_glyphs(renderer: Renderer) -> None:
    sharp = rgb(renderer, card(t={**TITLE, "textShadow": "0 0 0 #f00"}))
    soft = rgb(renderer, card(t={**TITLE, "textShadow": "0 0 30px #f00"}))
    outside = lambda p: p != (255, 255, 255)  # noqa: E731
    a, b = ink(sharp, outside), ink(soft, outside)
    assert a and b and b[0] <= a[0] - 8 and b[2] >= a[2] + 8
    # the blur is also why the shadow still shows at the box edge: it hangs past the layer box
    assert b[1] < 100


def test_shadow_colour_defaults_to_the_text_colour(renderer: Renderer) -> None:
    image = rgb(renderer, card(t={**TITLE, "color": "#00aa00", "textShadow": "10px 10px"}))
    assert ink(image, lambda p: p[1] > 150 and p[0] < 60) is not None
    assert ink(image, lambda p: max(p) < 60) is None  # no black anywhere


def test_string_and_object_forms_share_one_key() -> None:
    a = card(t={**TITLE, "textShadow": "2px 2px 4px rgba(0,0,0,.5), red 0 0 1px"},
             b=box(boxShadow="0 4px 8px 2px #000"))
    b = card(t={**TITLE, "textShadow": [{"x": 2, "y": 2, "blur": 4, "color": "#00000080"},
                                        {"blur": 1, "color": "#f00"}]},
             b=box(boxShadow=[{"y": 4, "blur": 8, "spread": 2, "color": "black"}]))
    assert pinrender.render_key(a) == pinrender.render_key(b)


def test_a_new_shadow_reuses_the_drawn_glyphs() -> None:
    renderer = Renderer()
    renderer.render(card(t={**TITLE, "textShadow": "2px 2px 4px #000"}))
    drawn = renderer.stats["text"]
    renderer.render(card(t={**TITLE, "textShadow": "6px 6px 10px #f00"}))
    assert renderer.stats["text"] == drawn  # same glyphs: from the cache
    assert renderer.stats["drop_shadow"] == 2


@pytest.mark.parametrize(("field", "value", "message"), [
    ("textShadow", "2px 2px 4px 1px red",
     "expected x y blur in px (2 to 3 lengths), got '2px 2px 4px 1px red'"),
    ("textShadow", "inset 2px 2px red", "inset shadows are not supported"),
    ("textShadow", "2px 2px 4px notacolour", "'notacolour' is not a colour"),
    ("textShadow", [{"x": 1, "blur": -3}], "blur: Input should be greater than or equal to 0"),
    ("textStroke", "2px 3px", "expected a width in px and a colour, got '3px'"),
    ("textStroke", {"color": "red"}, "width: required"),
])
def test_errors_name_the_field(field: str, value: Any, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        pinrender.resolve(card(t=TITLE), {"t": {field: value}})
    assert str(info.value) == f"layers.t.{field}: {message}"
