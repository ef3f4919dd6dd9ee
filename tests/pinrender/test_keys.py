"""Content keys as properties: equal inputs give equal keys, and any change that changes the
pixels or the format changes the key."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from pinrender import Renderer

RENDERER = Renderer()
TEMPLATE = {
    "canvas": {"width": 300, "height": 200, "background": "#ffffff"},
    "layers": [
        {"name": "title", "type": "text", "width": 280, "height": 100, "text": "x"},
        {"name": "box", "type": "rect", "width": 50, "height": 50},
    ],
}
title_props = st.fixed_dictionaries({}, optional={
    "text": st.text(min_size=1, max_size=30).filter(lambda t: "{{" not in t and t.strip()),
    "fontSize": st.integers(8, 120),
    "color": st.sampled_from(["#000000", "#ff0000", "rgba(0,0,255,0.5)"]),
    "x": st.integers(-50, 250),
    "letterSpacing": st.integers(-2, 20),
})
box_props = st.fixed_dictionaries({}, optional={
    "fill": st.sampled_from(["#00ff00", "#0000ff"]),
    "borderRadius": st.integers(0, 25),
    "opacity": st.sampled_from([0.25, 0.5, 1.0]),
})
formats = st.sampled_from(["png", "jpeg", "webp", "avif"])


def key(layers: dict[str, Any], fmt: str) -> str:
    return RENDERER.render_key(TEMPLATE, layers, format=fmt)


@settings(max_examples=60, deadline=None)
@given(title=title_props, box=box_props, fmt=formats)
def test_equal_inputs_give_equal_keys(title: dict[str, Any], box: dict[str, Any],
                                      fmt: str) -> None:
    layers = {"title": title, "box": box}
    reordered = {"box": dict(reversed(list(box.items()))), "title": title}
    assert key(layers, fmt) == key(reordered, fmt) == Renderer().render_key(TEMPLATE, layers,
                                                                             format=fmt)


@settings(max_examples=60, deadline=None)
@given(a=title_props, b=title_props, fmt_a=formats, fmt_b=formats)
def test_different_effective_inputs_give_different_keys(a: dict[str, Any], b: dict[str, Any],
                                                        fmt_a: str, fmt_b: str) -> None:
    same_pixels = RENDERER.resolve(TEMPLATE, {"title": a}) == RENDERER.resolve(TEMPLATE,
                                                                               {"title": b})
    if same_pixels and fmt_a == fmt_b:
        assert key({"title": a}, fmt_a) == key({"title": b}, fmt_b)
    else:
        assert key({"title": a}, fmt_a) != key({"title": b}, fmt_b)
