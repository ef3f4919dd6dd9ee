"""The checks every backend applies to what it returns, and the size table, as properties."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinrender_server.backends.ai import ASPECT_RATIOS, LONG_SIDE, QUALITIES, image_size
from pinrender_server.backends.ai.base import clean_color, clean_link, clean_text, hotspot, ratio_crop

ANYTHING = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
                        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
                        max_leaves=8)


@given(ANYTHING, ANYTHING, ANYTHING, ANYTHING, ANYTHING, ANYTHING)
def test_a_hotspot_from_anything_is_clean_or_none(x: object, y: object, title: object, description: object,
                                                   color: object, link: object) -> None:
    draft = hotspot(x, y, title, description, color, link)
    if draft is None:
        return
    assert 0 <= draft.x <= 100 and 0 <= draft.y <= 100 and math.isfinite(draft.x)
    assert draft.title and len(draft.title) <= 120 and len(draft.description) <= 1000
    assert len(draft.color) == 7 and draft.color.startswith("#") and int(draft.color[1:], 16) >= 0
    assert draft.link is None or draft.link.startswith(("http://", "https://"))


@pytest.mark.parametrize(("value", "expected"), [
    ("#AABBCC", "#aabbcc"), ("#abc", "#aabbcc"), (" #123456 ", "#123456"), ("red", "#3b82f6"),
    ("#1234567", "#3b82f6"), ("#12345g", "#3b82f6"), (None, "#3b82f6"), (0xFFFFFF, "#3b82f6"),
    ("#123456;background:url(x)", "#3b82f6"),
])
def test_colours(value: object, expected: str) -> None:
    assert clean_color(value) == expected


@pytest.mark.parametrize(("value", "expected"), [
    ("https://example.com/a?b=1", "https://example.com/a?b=1"), ("HTTP://Example.com", "HTTP://Example.com"),
    ("javascript:alert(1)", None), ("data:text/html,x", None), ("//example.com", None), ("/relative", None),
    ("http:///nohost", None), ("https://exa mple.com", None), ("https://x.com/\x00", None),
    ("https://" + "a" * 3000 + ".com", None), ("http://[::1", None), (5, None),
])
def test_links(value: object, expected: str | None) -> None:
    assert clean_link(value) == expected


def test_text_is_capped_and_printable() -> None:
    assert clean_text("a\u202eb\x07c  ", 10) == "abc"
    assert clean_text("x" * 50, 10) == "x" * 9 + "…"
    assert clean_text(["not text"], 10) == ""


@pytest.mark.parametrize("quality", QUALITIES)
@pytest.mark.parametrize("ratio", sorted(ASPECT_RATIOS))
def test_sizes_are_exact_ratios_just_under_the_long_side(ratio: str, quality: str) -> None:
    a, b = ASPECT_RATIOS[ratio]
    width, height = image_size(ratio, quality)
    assert width * b == height * a
    assert LONG_SIDE[quality] - max(a, b) < max(width, height) <= LONG_SIDE[quality]


@given(st.integers(21, 5000), st.integers(21, 5000), st.sampled_from(sorted(ASPECT_RATIOS)))
def test_ratio_crop_is_the_largest_exact_fit(width: int, height: int, ratio: str) -> None:
    a, b = ASPECT_RATIOS[ratio]
    cw, ch = ratio_crop(width, height, ratio)
    assert cw * b == ch * a and cw <= width and ch <= height
    assert cw + a > width or ch + b > height  # one more step would not fit


def test_unknown_values_are_refused() -> None:
    with pytest.raises(ValueError, match="aspect ratio"):
        image_size("7:5")
    with pytest.raises(ValueError, match="quality"):
        image_size("1:1", "ultra")
