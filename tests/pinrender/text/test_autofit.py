"""autoFit: the largest size in [minFontSize, fontSize] whose layout fits the box."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender._text import layout_text
from pinrender._text.registry import FontRegistry

from .helpers import make_layer

EPS = 0.05


def inside(layout, width: float, height: float) -> bool:  # type: ignore[no-untyped-def]
    return all(
        line.x >= -EPS
        and line.y >= -EPS
        and line.x + line.width <= width + EPS
        and line.y + line.height <= height + EPS
        for line in layout.lines
    )


def test_shrinks_to_fit(fonts: FontRegistry) -> None:
    layer = make_layer(
        text="A long title that needs to shrink", fontSize=200, width=400, height=120, autoFit=True
    )
    layout = layout_text(layer, fonts)
    assert 8 <= layout.font_size < 200
    assert inside(layout, 400, 120) and not layout.truncated
    # A quarter pixel more would not fit: the search is tight.
    bigger = make_layer(text=layer.text, fontSize=layout.font_size + 1, width=400, height=120)
    assert not inside(layout_text(bigger, fonts), 400, 120)


def test_never_grows(fonts: FontRegistry) -> None:
    layout = layout_text(make_layer(text="Hi", fontSize=30, autoFit=True), fonts)
    assert layout.font_size == 30


def test_respects_max_lines(fonts: FontRegistry) -> None:
    layer = make_layer(
        text="one two three four five six",
        fontSize=100,
        width=500,
        height=400,
        autoFit=True,
        maxLines=1,
    )
    layout = layout_text(layer, fonts)
    assert len(layout.lines) == 1 and not layout.truncated and layout.lines[0].width <= 500


def test_no_fit_uses_min_size_and_truncates(fonts: FontRegistry) -> None:
    layer = make_layer(
        text="word " * 200, fontSize=40, minFontSize=20, width=200, height=70, autoFit=True
    )
    layout = layout_text(layer, fonts)
    assert layout.font_size == 20 and layout.truncated
    assert layout.lines[-1].text.endswith("…")
    assert inside(layout, 200, 70)


words = st.lists(
    st.sampled_from(
        [
            "a",
            "pinrender",
            "typography",
            "Ελληνικά",
            "مرحبا",
            "שלום",
            "नमस्ते",
            "😀",
            "W",
            "—",
            "x-y",
            "(ok)",
        ]
    ),
    min_size=1,
    max_size=30,
)


@settings(
    max_examples=int(os.environ.get("TEXT_FIT_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    words=words,
    width=st.floats(min_value=80, max_value=900),
    height=st.floats(min_value=30, max_value=600),
    size=st.floats(min_value=10, max_value=200),
    max_lines=st.none() | st.integers(min_value=1, max_value=6),
    wrap=st.sampled_from(["wrap", "balance", "nowrap"]),
)
def test_auto_fit_never_overflows(
    fonts: FontRegistry, words, width, height, size, max_lines, wrap
) -> None:  # type: ignore[no-untyped-def]
    layer = make_layer(
        text=" ".join(words),
        fontSize=size,
        minFontSize=min(8, size),
        width=width,
        height=height,
        autoFit=True,
        maxLines=max_lines,
        textWrap=wrap,
    )
    layout = layout_text(layer, fonts)
    assert layout.font_size <= size
    assert inside(layout, width, height)
    if max_lines is not None:
        assert len(layout.lines) <= max_lines
