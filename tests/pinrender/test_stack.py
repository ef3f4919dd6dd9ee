"""Stacks (auto layout): children placed in a row or a column with gap, padding, align and
justify; hug or fill; text children at their natural width; nesting; the boxes layout() reports
and the pixels a render draws."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import pinrender
from pinrender import Renderer, TemplateError
from tests.conftest import decode


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def rect(name: str, width: float, height: float, fill: str = "#000000") -> dict[str, Any]:
    return {"name": name, "type": "rect", "width": width, "height": height, "fill": fill}


def template(*layers: dict[str, Any], width: int = 600, height: int = 400) -> dict[str, Any]:
    return {"canvas": {"width": width, "height": height, "background": "#ffffff"},
            "layers": list(layers)}


def stack(name: str, children: list[dict[str, Any]], **props: Any) -> dict[str, Any]:
    return {"name": name, "type": "stack", "children": children, **props}


def boxes(renderer: Renderer, spec: dict[str, Any], layers: Any = None) -> dict[str, tuple]:
    found = renderer.layout(spec, layers).boxes
    return {name: (b.x, b.y, b.width, b.height) for name, b in found.items()}


def test_row_with_gap_padding_and_centred_cross_axis(renderer: Renderer) -> None:
    spec = template(stack("s", [rect("a", 40, 20), rect("b", 60, 50), rect("c", 10, 30)],
                          x=10, y=20, gap=5, padding=[4, 8], align="center"))
    got = boxes(renderer, spec)
    assert got["s"] == (10, 20, 8 + 40 + 5 + 60 + 5 + 10 + 8, 4 + 50 + 4)  # hug
    assert got["a"] == (18, 24 + 15, 40, 20)
    assert got["b"] == (63, 24, 60, 50)
    assert got["c"] == (128, 24 + 10, 10, 30)


def test_column_fill_justify_and_align(renderer: Renderer) -> None:
    kids = [rect("a", 40, 20), rect("b", 60, 30)]
    spec = template(stack("s", kids, x=0, y=0, width=200, height=100, direction="column",
                          sizing="fill", justify="end", align="end", padding=10))
    got = boxes(renderer, spec)
    assert got["s"] == (0, 0, 200, 100)
    assert got["a"] == (150, 40, 40, 20) and got["b"] == (130, 60, 60, 30)
    centred = boxes(renderer, spec, {"s": {"justify": "center", "align": "center"}})
    assert centred["a"] == (80, 25, 40, 20) and centred["b"] == (70, 45, 60, 30)
    between = boxes(renderer, spec, {"s": {"justify": "space-between", "align": "stretch"}})
    assert between["a"] == (10, 10, 180, 20) and between["b"] == (10, 60, 180, 30)


def test_hug_shrinks_and_fill_keeps_the_box(renderer: Renderer) -> None:
    kids = [rect("a", 40, 20), rect("b", 60, 30)]
    spec = template(stack("s", kids, width=300, height=200, gap=10))
    assert boxes(renderer, spec)["s"][2:] == (110, 30)
    assert boxes(renderer, spec, {"s": {"sizing": "fill"}})["s"][2:] == (300, 200)


def test_nested_stacks(renderer: Renderer) -> None:
    inner = stack("inner", [rect("b", 30, 10), rect("c", 30, 10)], direction="column", gap=4)
    spec = template(stack("outer", [rect("a", 20, 50), inner], x=100, y=100, gap=6,
                          align="center"))
    got = boxes(renderer, spec)
    assert got["inner"] == (126, 100 + (50 - 24) / 2, 30, 24)
    assert got["b"] == (126, 113, 30, 10) and got["c"] == (126, 127, 30, 10)
    assert got["outer"] == (100, 100, 56, 50)


BYLINE = stack("byline", [
    {**rect("avatar", 48, 48, "#ff8800"), "borderRadius": 24},
    {"name": "author", "type": "text", "text": "Ada", "fontSize": 24, "fontWeight": 700},
    {"name": "date", "type": "text", "text": "23 Nov 2026", "fontSize": 18, "color": "#666666"},
], x=20, y=20, width=560, gap=12, align="center")


def test_text_children_take_their_natural_width(renderer: Renderer) -> None:
    short = renderer.layout(template(BYLINE))
    long = renderer.layout(template(BYLINE), {"author": {"text": "Ada Lovelace, Countess"}})
    for layout in (short, long):
        author, date = layout.boxes["author"], layout.boxes["date"]
        line = layout.layers["author"].lines[0]
        assert len(layout.layers["author"].lines) == 1
        assert line.width <= author.width <= line.width + 1  # hugs its text
        assert date.x == author.x + author.width + 12  # the date follows it
    assert long.boxes["date"].x > short.boxes["date"].x + 100


def test_text_wraps_within_the_stack_box(renderer: Renderer) -> None:
    words = "a title long enough to need more than one line in a narrow stack " * 2
    spec = template(stack("s", [rect("logo", 40, 40),
                                {"name": "title", "type": "text", "text": words, "fontSize": 20}],
                          width=300, gap=10, padding=5))
    layout = renderer.layout(spec)
    title = layout.boxes["title"]
    assert title.x == 5 + 40 + 10 and title.width <= 300 - 5 - 40 - 10 - 5
    assert len(layout.layers["title"].lines) > 1
    assert all(line.x + line.width <= title.x + title.width + 0.5
               for line in layout.layers["title"].lines)
    assert title.height == pytest.approx(len(layout.layers["title"].lines) * 24, abs=1)


def test_rendered_pixels_follow_the_boxes(renderer: Renderer) -> None:
    spec = template(stack("s", [rect("a", 40, 40, "#ff0000"), rect("b", 40, 40, "#0000ff")],
                          x=100, y=100, gap=20, direction="column", opacity=0.5), width=300,
                    height=300)
    image = decode(renderer.render(spec)).convert("RGB")
    assert image.getpixel((120, 120)) == pytest.approx((255, 127, 127), abs=2)  # faded with the stack
    assert image.getpixel((120, 150)) == (255, 255, 255)  # the gap
    assert image.getpixel((120, 180)) == pytest.approx((127, 127, 255), abs=2)
    assert image.getpixel((150, 120)) == (255, 255, 255)


def test_overrides_address_children_by_name(renderer: Renderer) -> None:
    spec = template(BYLINE)
    moved = boxes(renderer, spec, {"avatar": {"width": 80, "height": 80}})
    assert moved["author"][0] == 20 + 80 + 12
    hidden = boxes(renderer, spec, {"avatar": {"hidden": True}})
    assert "avatar" not in hidden and hidden["author"][0] == 20
    assert pinrender.render_key(spec) != pinrender.render_key(spec, {"date": {"text": "today"}})


@pytest.mark.parametrize(("spec", "layers", "path", "message"), [
    (template(BYLINE), {"byline": {"children": []}}, "layers.byline.children", "cannot be overridden"),
    (template(BYLINE), {"author": {"fontSize": -2}}, "layers.author.fontSize", "greater than 0"),
    (template(BYLINE), {"nobody": {"text": "x"}}, "layers.nobody", "no layer has this name"),
    (template(BYLINE), {"byline": {"rotation": 10}}, "layers.byline.rotation",
     "a stack cannot be rotated"),
    (template(stack("s", [rect("s", 1, 1)])), None, "", "layer name 's' is used twice"),
    (template(stack("s", [{"name": "t", "type": "text", "fontSize": "big"}])), None,
     "layers.t.fontSize", "valid number"),
    (template(stack("a", [stack("b", [stack("c", [stack("d", [stack("e", [])])])])])), None, "",
     "layers.e: stacks nest at most 4 deep"),
])
def test_errors(spec: dict[str, Any], layers: Any, path: str, message: str) -> None:
    with pytest.raises(TemplateError) as info:
        pinrender.resolve(spec, layers)
    assert info.value.path == path and message in str(info.value), str(info.value)


sizes = st.tuples(st.integers(1, 80), st.integers(1, 80))


@settings(max_examples=40, deadline=None)
@given(kids=st.lists(sizes, min_size=1, max_size=6), gap=st.integers(0, 30),
       pad=st.lists(st.integers(0, 20), min_size=4, max_size=4),
       direction=st.sampled_from(["row", "column"]),
       align=st.sampled_from(["start", "center", "end", "stretch"]),
       justify=st.sampled_from(["start", "center", "end", "space-between"]),
       sizing=st.sampled_from(["hug", "fill"]), box=sizes)
def test_children_never_overlap_and_stay_inside_when_they_fit(
        renderer: Renderer, kids: list[tuple[int, int]], gap: int, pad: list[int],
        direction: str, align: str, justify: str, sizing: str, box: tuple[int, int]) -> None:
    children = [rect(f"k{i}", w, h) for i, (w, h) in enumerate(kids)]
    spec = template(stack("s", children, x=7, y=9, gap=gap, padding=pad, direction=direction,
                          align=align, justify=justify, sizing=sizing, width=box[0] * 5,
                          height=box[1] * 5), width=1000, height=1000)
    got = renderer.layout(spec).boxes
    placed = [got[f"k{i}"] for i in range(len(kids))]
    row = direction == "row"
    spans = [(b.x, b.x + b.width) if row else (b.y, b.y + b.height) for b in placed]
    for (_, end), (start, _) in zip(spans, spans[1:]):
        assert start >= end + gap - 1e-9  # in order, at least `gap` apart
    s = got["s"]
    top, right, bottom, left = pad
    main = sum(w if row else h for w, h in kids) + gap * (len(kids) - 1)
    cross = max(h if row else w for w, h in kids)
    inner_main = (s.width - left - right) if row else (s.height - top - bottom)
    inner_cross = (s.height - top - bottom) if row else (s.width - left - right)
    if main <= inner_main + 1e-9 and cross <= inner_cross + 1e-9:
        for b in placed:
            assert s.x + left - 1e-9 <= b.x and b.x + b.width <= s.x + s.width - right + 1e-9
            assert s.y + top - 1e-9 <= b.y and b.y + b.height <= s.y + s.height - bottom + 1e-9
    if sizing == "hug":
        assert inner_main == pytest.approx(main) and inner_cross == pytest.approx(cross)
