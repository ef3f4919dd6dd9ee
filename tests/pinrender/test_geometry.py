"""CSS object-fit geometry and the transform size rules, as properties."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinrender._geometry import (
    Offset,
    Position,
    fit,
    parse_position,
    short_edge_size,
    width_size,
)

sides = st.floats(min_value=1, max_value=10_000)
fractions = st.floats(min_value=0, max_value=1)
positions = st.builds(lambda x, y: Position(Offset(x), Offset(y)), fractions, fractions)
EPS = 1e-6


@given(sides, sides, sides, sides, positions)
def test_cover_fills_the_box_and_keeps_aspect(sw: float, sh: float, bw: float, bh: float,
                                              pos: Position) -> None:
    p = fit(sw, sh, bw, bh, "cover", pos)
    assert p.width >= bw - EPS and p.height >= bh - EPS
    assert min(p.width - bw, p.height - bh) <= EPS * max(bw, bh)  # one side fits exactly
    assert p.width / p.height == pytest.approx(sw / sh)
    assert p.left <= EPS and p.top <= EPS  # cropped, never leaving a gap
    assert p.left + p.width >= bw - EPS and p.top + p.height >= bh - EPS


@given(sides, sides, sides, sides, positions)
def test_contain_fits_inside_and_keeps_aspect(sw: float, sh: float, bw: float, bh: float,
                                              pos: Position) -> None:
    p = fit(sw, sh, bw, bh, "contain", pos)
    assert p.width <= bw + EPS and p.height <= bh + EPS
    assert p.width / p.height == pytest.approx(sw / sh)
    assert p.left >= -EPS and p.top >= -EPS
    assert p.left + p.width <= bw + EPS * bw and p.top + p.height <= bh + EPS * bh


@given(sides, sides, sides, sides, positions)
def test_scale_down_is_the_smaller_of_none_and_contain(sw: float, sh: float, bw: float,
                                                       bh: float, pos: Position) -> None:
    p = fit(sw, sh, bw, bh, "scale-down", pos)
    contain = fit(sw, sh, bw, bh, "contain", pos)
    none = fit(sw, sh, bw, bh, "none", pos)
    assert p.width == pytest.approx(min(contain.width, none.width))
    assert p.width <= sw + EPS  # never enlarged


@given(sides, sides, sides, sides)
def test_fill_stretches_to_the_box(sw: float, sh: float, bw: float, bh: float) -> None:
    p = fit(sw, sh, bw, bh, "fill")
    assert (p.width, p.height, p.left, p.top) == (bw, bh, 0, 0)


def test_object_position_keywords_and_percentages() -> None:
    assert parse_position("center") == Position(Offset(0.5), Offset(0.5))
    assert parse_position("top") == Position(Offset(0.5), Offset(0.0))
    assert parse_position("left top") == parse_position("top left")
    assert parse_position("25% 75%") == Position(Offset(0.25), Offset(0.75))
    assert parse_position("10px 0") == Position(Offset(10, "px"), Offset(0, "px"))
    assert parse_position("attention").smart == "attention"
    # a 200x100 image covering a 100x100 box, pinned right: its right edge meets the box's
    p = fit(200, 100, 100, 100, "cover", parse_position("right"))
    assert p.left == -100
    for bad in ("up", "left right", "top bottom", "1 2 3", "50"):
        with pytest.raises(ValueError):
            parse_position(bad)


@given(st.integers(1, 20_000), st.integers(1, 20_000), st.sampled_from([320, 640, 1080]))
def test_short_edge_rule(w: int, h: int, edge: int) -> None:
    tw, th = short_edge_size(w, h, edge)
    if min(w, h) <= edge:
        assert (tw, th) == (w, h)  # never upscaled
    else:
        assert min(tw, th) == edge or abs(min(tw, th) - edge) <= 1
        assert abs(tw / th - w / h) <= 2 / min(tw, th) * (w / h) + 1e-9


@given(st.integers(1, 20_000), st.integers(1, 20_000),
       st.sampled_from([256, 512, 720, 1024, 1500, 2000]))
def test_width_rule(w: int, h: int, target: int) -> None:
    tw, th = width_size(w, h, target)
    assert tw == min(w, target)
    assert th >= 1
