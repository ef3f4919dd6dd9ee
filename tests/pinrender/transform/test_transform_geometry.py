"""Size rules as properties: the short edge / width becomes the target, aspect is kept within
rounding, nothing is ever upscaled — and the pipeline produces exactly the planned size."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinrender._codecs.ops import resize, target_size
from pinrender._geometry import SIZE_PRESETS, VARIANT_WIDTHS
from tests import images as g

sides = st.integers(min_value=1, max_value=40_000)


@given(sides, sides, st.sampled_from(sorted(SIZE_PRESETS.values())))
def test_short_edge_rule(w: int, h: int, target: int) -> None:
    tw, th = target_size(w, h, "short_edge", target)
    assert tw <= w and th <= h
    if min(w, h) <= target:
        assert (tw, th) == (w, h)
    else:
        assert min(tw, th) == target
        assert abs(tw / th - w / h) <= max(1 / th, 1 / tw) * (w / h + 1)


@given(sides, sides, st.sampled_from(VARIANT_WIDTHS))
def test_width_rule(w: int, h: int, target: int) -> None:
    tw, th = target_size(w, h, "width", target)
    assert tw == min(w, target) and th >= 1
    assert abs(th - h * tw / w) <= 0.5 + 1e-9 or th == 1


@settings(max_examples=25, deadline=None)
@given(st.integers(8, 900), st.integers(8, 900), st.sampled_from(["short_edge", "width"]),
       st.sampled_from([16, 100, 256, 320]))
def test_pipeline_gives_the_planned_size(w: int, h: int, rule: str, target: int) -> None:
    image = g.vips_of(g.quadrants(w, h))
    out = resize(image, rule, target)
    assert (out.width, out.height) == target_size(w, h, rule, target)


@pytest.mark.parametrize("fmt", ["jpeg", "webp"])
@pytest.mark.parametrize("w,h", [(2725, 2225), (1001, 999), (3001, 2000)])
def test_shrink_on_load_gives_the_same_size_as_a_full_decode(fmt: str, w: int, h: int) -> None:
    from pinrender import transform

    data = g.ALL_FORMATS[fmt](w, h)
    for size, short in SIZE_PRESETS.items():
        out = g.decoded(transform(data, size=size, format="png"))
        assert out.size == target_size(w, h, "short_edge", short)
