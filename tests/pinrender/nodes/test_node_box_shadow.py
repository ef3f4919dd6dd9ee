"""boxShadow: a real Gaussian blur (CSS: sigma = blur / 2), offset, spread, following
borderRadius, stacked in CSS order, drawn outside the box only."""

from __future__ import annotations

from statistics import NormalDist

import pytest
from PIL import Image

from pinrender import Renderer

from .shadows import box, card, rgb


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


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
