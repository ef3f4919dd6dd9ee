"""CSS gradients as users write them: strings parsed by a CSS tokenizer, the same canonical model
(and key) as the object form, colours at points checked against CSS's definition."""

from __future__ import annotations

import math
from typing import Any

import pytest
from PIL import Image

import pinrender
from pinrender import Renderer, TemplateError
from tests.conftest import decode

RED, BLUE = (255, 0, 0), (0, 0, 255)


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def canvas(background: Any, width: int = 200, height: int = 100, **layers: Any) -> dict[str, Any]:
    return {"canvas": {"width": width, "height": height, "background": background},
            "layers": [{"name": name, **props} for name, props in layers.items()]}


def mix(t: float, a: tuple[int, ...] = RED, b: tuple[int, ...] = BLUE) -> tuple[float, ...]:
    return tuple(x + (y - x) * t for x, y in zip(a, b))


def near(pixel: tuple[int, ...], expected: tuple[float, ...], tolerance: float = 4) -> bool:
    return all(abs(p - e) <= tolerance for p, e in zip(pixel, expected))


def paint(renderer: Renderer, background: Any, width: int = 200, height: int = 100) -> Image.Image:
    return decode(renderer.render(canvas(background, width, height))).convert("RGB")


def test_angle_gradient_samples_pixel_centres_as_css(renderer: Renderer) -> None:
    image = paint(renderer, "linear-gradient(90deg, #f00 0%, #00f 100%)")
    for x in (0, 50, 100, 150, 199):
        assert near(image.getpixel((x, 50)), mix((x + 0.5) / 200)), x


@pytest.mark.parametrize(("css", "first_at", "last_at"), [
    ("linear-gradient(to right, red, blue)", (0, 50), (199, 50)),
    ("linear-gradient(to left, red, blue)", (199, 50), (0, 50)),
    ("linear-gradient(red, blue)", (100, 0), (100, 99)),  # CSS's default: to bottom
    ("linear-gradient(0deg, red, blue)", (100, 99), (100, 0)),  # 0deg points up
    ("linear-gradient(0.25turn, red, blue)", (0, 50), (199, 50)),
    ("linear-gradient(-90deg, red, blue)", (199, 50), (0, 50)),
])
def test_directions_follow_css(renderer: Renderer, css: str, first_at: tuple[int, int],
                               last_at: tuple[int, int]) -> None:
    image = paint(renderer, css)
    assert near(image.getpixel(first_at), RED, 6) and near(image.getpixel(last_at), BLUE, 6)


def test_corner_gradient_puts_the_middle_on_the_other_diagonal(renderer: Renderer) -> None:
    # CSS: `to bottom right` makes the 50% line join the top-right and bottom-left corners,
    # whatever the box's shape, so on a 3:1 box the angle is not 135deg.
    image = paint(renderer, "linear-gradient(to bottom right, red, blue)", 300, 100)
    assert near(image.getpixel((299, 0)), mix(0.5), 8)
    assert near(image.getpixel((0, 99)), mix(0.5), 8)
    assert near(image.getpixel((0, 0)), RED, 6) and near(image.getpixel((299, 99)), BLUE, 6)


def test_stops_without_positions_are_spread_and_clamped(renderer: Renderer) -> None:
    image = paint(renderer, "linear-gradient(to right, red, lime, blue)")
    assert near(image.getpixel((100, 50)), (0, 255, 0), 8)
    # a position before an earlier one moves up to it: a hard edge at 50%
    hard = paint(renderer, "linear-gradient(to right, red 50%, blue 20%)")
    assert near(hard.getpixel((97, 50)), RED, 2) and near(hard.getpixel((102, 50)), BLUE, 2)


def test_radial_circle_centre_and_farthest_corner(renderer: Renderer) -> None:
    image = paint(renderer, "radial-gradient(circle at 30% 40%, red, blue)")
    assert near(image.getpixel((60, 40)), RED, 6)  # the centre: 30% of 200, 40% of 100
    radius = math.hypot(140, 60)  # farthest-corner: the bottom-right corner
    x = round(60 + radius / 2 - 0.5)
    assert near(image.getpixel((x, 40)), mix(0.5), 8)
    assert near(image.getpixel((199, 99)), BLUE, 6)


def test_radial_ellipse_closest_side(renderer: Renderer) -> None:
    image = paint(renderer, "radial-gradient(closest-side, red, blue)")
    # an ellipse with radii 100 x 50 about the centre: half way is 50 px across, 25 px down
    assert near(image.getpixel((150, 49)), mix(0.5), 10)
    assert near(image.getpixel((99, 75)), mix(0.5), 10)
    assert near(image.getpixel((0, 0)), BLUE, 2)  # past the ending shape: the last colour


def test_transparent_fades_in_premultiplied_alpha(renderer: Renderer) -> None:
    # CSS interpolates premultiplied: red to transparent stays red (no grey in between)
    image = decode(renderer.render(canvas("#ffffff", box={
        "type": "rect", "width": 200, "height": 100,
        "fill": "linear-gradient(to right, red, transparent)"}))).convert("RGB")
    r, g, b = image.getpixel((100, 50))
    assert r == 255 and abs(g - b) <= 2 and 100 < g < 150


def test_gradient_text_fills_the_glyphs(renderer: Renderer) -> None:
    template = canvas("#ffffff", 400, 120, title={
        "type": "text", "x": 0, "y": 0, "width": 400, "height": 120, "text": "HHHHHHHHH",
        "fontSize": 90, "fontWeight": 700, "color": "linear-gradient(to right, #f00, #00f)"})
    image = decode(renderer.render(template)).convert("RGB")
    # fully covered glyph pixels (no white blended in at an anti-aliased edge) have no green
    ink = [(x, image.getpixel((x, 60))) for x in range(400) if image.getpixel((x, 60))[1] < 4]
    assert len(ink) > 100 and ink[-1][0] - ink[0][0] > 200
    for x, pixel in ink:  # the gradient spans the layer box, as background-clip: text does
        assert near(pixel, mix((x + 0.5) / 400), 6), (x, pixel)


OBJECT_FORM = {"type": "linear-gradient", "angle": 90,
               "stops": [{"color": "#f00", "offset": 0}, {"color": "blue", "offset": 1}]}
RADIAL_OBJECT = {"type": "radial-gradient", "shape": "circle", "position": "30% 40%",
                 "stops": [{"color": "red", "offset": 0}, {"color": "#0000ff", "offset": 1}]}


@pytest.mark.parametrize(("css", "obj"), [
    ("linear-gradient(90deg, #f00 0%, #00f 100%)", OBJECT_FORM),
    ("linear-gradient(to right, red, blue)", OBJECT_FORM),
    ("linear-gradient(0.25turn, rgb(255, 0, 0), #0000ff)", OBJECT_FORM),
    ("radial-gradient(circle at 30% 40%, #f00, blue 100%)", RADIAL_OBJECT),
    ("radial-gradient(circle farthest-corner at 30% 40%, red 0, blue)", RADIAL_OBJECT),
])
def test_string_and_object_forms_share_one_key(css: str, obj: dict[str, Any]) -> None:
    for where in ("background", "fill"):
        if where == "background":
            a, b = canvas(css), canvas(obj)
        else:
            a = canvas("#fff", box={"type": "rect", "width": 50, "height": 50, "fill": css})
            b = canvas("#fff", box={"type": "rect", "width": 50, "height": 50, "fill": obj})
        assert pinrender.render_key(a) == pinrender.render_key(b)
    assert pinrender.render_key(canvas(css)) != pinrender.render_key(canvas("#ffffff"))


BASE = canvas("#fff", bg={"type": "rect", "width": 50, "height": 50, "fill": "#000"})


@pytest.mark.parametrize(("fill", "message"), [
    ("radial-gradient(circle, 12qx, blue)",
     "layers.bg.fill: radial-gradient: expected a colour stop, got '12qx'"),
    ("radial-gradient(circle, red 12qx, blue)",
     "layers.bg.fill: radial-gradient: expected a stop position in %, got '12qx'"),
    ("linear-gradient(to middle, red, blue)",
     "layers.bg.fill: linear-gradient: expected 'to' and one or two sides, got 'to middle'"),
    ("linear-gradient(45deg, red)", "layers.bg.fill: linear-gradient: needs at least two colour stops"),
    ("linear-gradient(red, notacolour)", "layers.bg.fill: linear-gradient: 'notacolour' is not a colour"),
    ("conic-gradient(red, blue)",
     "layers.bg.fill: conic-gradient is not supported (use linear-gradient or radial-gradient)"),
    ({"type": "radial-gradient", "shape": "square", "stops": []},
     "layers.bg.fill: radial-gradient: shape: Input should be 'circle' or 'ellipse'"),
    ({"type": "spiral"},
     "layers.bg.fill: a gradient object needs type 'linear-gradient' or 'radial-gradient'"),
])
def test_errors_name_the_field_and_the_problem(fill: Any, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        pinrender.resolve(BASE, {"bg": {"fill": fill}})
    assert str(info.value) == message
    assert info.value.path == "layers.bg.fill"


def test_background_and_text_colour_errors_name_their_field() -> None:
    with pytest.raises(TemplateError) as info:
        pinrender.resolve(canvas("radial-gradient(circle at nowhere, red, blue)"))
    assert info.value.path == "canvas.background" and "expected a position" in str(info.value)
    text = canvas("#fff", t={"type": "text", "width": 10, "height": 10, "text": "x"})
    with pytest.raises(TemplateError) as info:
        pinrender.resolve(text, {"t": {"color": "linear-gradient(red 200%, blue)"}})
    assert str(info.value) == ("layers.t.color: linear-gradient: stop positions must be within "
                               "0%-100%, got '200%'")
