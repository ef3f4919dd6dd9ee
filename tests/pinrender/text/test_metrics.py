"""Line boxes: lineHeight, letterSpacing, alignment, textTransform."""

from __future__ import annotations

import pytest

from pinrender._text import layout_text
from pinrender._text.registry import FontRegistry

from .helpers import make_layer


def test_line_height_spacing(fonts: FontRegistry) -> None:
    layout = layout_text(make_layer(text="a\nb\nc", fontSize=50, lineHeight=1.5), fonts)
    ys = [line.y for line in layout.lines]
    assert ys == pytest.approx([0, 75, 150])
    assert all(line.height == pytest.approx(75) for line in layout.lines)
    # Glyphs sit centred in the line box: the baseline is inside the box's lower half.
    for line in layout.lines:
        assert line.y + line.height / 2 < line.baseline < line.y + line.height


def test_letter_spacing_widens(fonts: FontRegistry) -> None:
    plain = layout_text(make_layer(text="spacing", fontSize=40), fonts).lines[0].width
    spaced = (
        layout_text(make_layer(text="spacing", fontSize=40, letterSpacing=5), fonts).lines[0].width
    )
    assert spaced == pytest.approx(plain + 5 * len("spacing"), abs=0.5)


@pytest.mark.parametrize(
    ("align", "expected"),
    [("left", lambda w: 0), ("center", lambda w: (600 - w) / 2), ("right", lambda w: 600 - w)],
)
def test_text_align(fonts: FontRegistry, align: str, expected) -> None:  # type: ignore[no-untyped-def]
    line = layout_text(make_layer(text="Title", fontSize=40, textAlign=align), fonts).lines[0]
    assert line.x == pytest.approx(expected(line.width))


@pytest.mark.parametrize(
    ("valign", "top"), [("top", 0.0), ("middle", (400 - 96) / 2), ("bottom", 400 - 96)]
)
def test_vertical_align(fonts: FontRegistry, valign: str, top: float) -> None:
    layout = layout_text(
        make_layer(text="a\nb", fontSize=40, lineHeight=1.2, verticalAlign=valign), fonts
    )
    assert layout.lines[0].y == pytest.approx(top)
    assert layout.lines[-1].y + layout.lines[-1].height == pytest.approx(top + 96)


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        ("uppercase", "HELLO WORLD-WIDE"),
        ("lowercase", "hello world-wide"),
        ("capitalize", "Hello WORLD-Wide"),
    ],
)
def test_text_transform(fonts: FontRegistry, how: str, expected: str) -> None:
    layout = layout_text(make_layer(text="hello wORLD-wide", textTransform=how), fonts)
    assert layout.lines[0].text == expected


def test_unknown_family_raises(fonts: FontRegistry) -> None:
    from pinrender._errors import FontError

    with pytest.raises(FontError) as info:
        layout_text(make_layer(text="x", fontFamily="No Such Font"), fonts)
    assert "Inter" in str(info.value)


def test_family_lookup_is_case_insensitive(fonts: FontRegistry) -> None:
    layout = layout_text(make_layer(text="x", fontFamily="inter"), fonts)
    assert layout.lines[0].runs[0].match.face.family == "Inter"
