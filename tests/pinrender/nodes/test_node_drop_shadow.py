"""textShadow: the glyphs drawn again, moved and blurred (DropShadow), first shadow on top;
the shadow forms both kinds share, and their errors."""

from __future__ import annotations

from typing import Any

import pytest

import pinrender
from pinrender import Renderer, TemplateError

from .shadows import TITLE, box, card, ink, rgb


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


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
