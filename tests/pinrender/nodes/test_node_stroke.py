"""textStroke: a line of the given width centred on the glyph outlines, painted over the fill."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

import pinrender
from pinrender import Renderer
from tests.conftest import decode


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


TITLE = {"type": "text", "x": 40, "y": 40, "width": 320, "height": 120, "text": "HI",
         "fontSize": 96, "fontWeight": 700, "color": "#000000"}


def render(renderer: Renderer, **props: Any) -> Image.Image:
    template = {"canvas": {"width": 400, "height": 200, "background": "#ffffff"},
                "layers": [{"name": "t", **TITLE, **props}]}
    return decode(renderer.render(template)).convert("RGB")


def bbox(image: Image.Image, test: Any) -> tuple[int, int, int, int]:
    pixels = image.load()
    assert pixels is not None
    hits = [(x, y) for y in range(image.height) for x in range(image.width) if test(pixels[x, y])]
    assert hits
    xs, ys = [x for x, _ in hits], [y for _, y in hits]
    return min(xs), min(ys), max(xs) + 1, max(ys) + 1


def is_black(p: tuple[int, int, int]) -> bool:
    return max(p) < 60


def is_red(p: tuple[int, int, int]) -> bool:
    return p[0] > 200 and p[1] < 60 and p[2] < 60


def test_stroke_straddles_the_outline(renderer: Renderer) -> None:
    plain = bbox(render(renderer), is_black)
    stroked = render(renderer, textStroke="8px #ff0000")
    red = bbox(stroked, is_red)
    # half the line lies outside the glyphs: the red ink reaches 4 px past the plain ink
    for side, (a, b) in enumerate(zip(red, plain)):
        grow = b - a if side < 2 else a - b
        assert 3 <= grow <= 5, (red, plain)
    # the other half covers the fill's edge: the black that is left sits 4 px inside
    black = bbox(stroked, is_black)
    assert 3 <= black[0] - plain[0] <= 5 and 3 <= plain[2] - black[2] <= 5


def test_stroke_colour_at_glyph_edges(renderer: Renderer) -> None:
    image = render(renderer, textStroke={"width": 6, "color": "#f00"})
    pixels = image.load()
    assert pixels is not None
    # walk a row through the middle of the H: every run of ink starts and ends in red
    y = (bbox(image, is_red)[1] + bbox(image, is_red)[3]) // 2
    row = [pixels[x, y] for x in range(image.width)]
    inked = [x for x, p in enumerate(row) if p != (255, 255, 255)]
    edges = [x for x in inked if row[x - 1] == (255, 255, 255) or row[x + 1] == (255, 255, 255)]
    assert edges
    for x in edges:
        near = row[x - 2:x + 3]
        assert any(is_red(p) for p in near), (x, near)


def test_stroke_without_a_colour_uses_the_text_colour(renderer: Renderer) -> None:
    image = render(renderer, color="#0000ff", textStroke="6px")
    plain = render(renderer, color="#0000ff")
    blue = lambda p: p[2] > 200 and p[0] < 60  # noqa: E731
    wide, narrow = bbox(image, blue), bbox(plain, blue)
    assert wide[0] < narrow[0] and wide[2] > narrow[2]
    pixels = image.load()
    assert pixels is not None
    assert not any(is_black(pixels[x, y]) for x in range(0, 400, 2) for y in range(0, 200, 2))


def test_string_and_object_forms_share_one_key() -> None:
    base = {"canvas": {"width": 100, "height": 100}, "layers": [{"name": "t", **TITLE}]}
    a = pinrender.render_key(base, {"t": {"textStroke": "2px red"}})
    b = pinrender.render_key(base, {"t": {"textStroke": {"width": 2, "color": "#ff0000"}}})
    c = pinrender.render_key(base, {"t": {"textStroke": "3px red"}})
    assert a == b != c
