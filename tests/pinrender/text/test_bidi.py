"""Right-to-left and mixed-direction text."""

from __future__ import annotations

from pinrender._text import draw_text, layout_text
from pinrender._text.registry import FontRegistry

from .helpers import ink_columns, make_layer

HEBREW = "שלום עולם"
ARABIC = "مرحبا بالعالم"


def test_hebrew_line_is_rtl_and_logical(fonts: FontRegistry) -> None:
    layout = layout_text(make_layer(text=HEBREW, fontSize=40), fonts)
    line = layout.lines[0]
    assert layout.direction == "rtl" and line.direction == "rtl"
    assert line.text == HEBREW  # Line.text keeps the typed (logical) order
    assert all(run.rtl for run in line.runs)
    # Display order: a Latin word typed after the Hebrew one sits to its left.
    line = layout_text(make_layer(text=HEBREW + " ABC", fontSize=40), fonts).lines[0]
    hebrew = next(run for run in line.runs if run.text.startswith("שלום"))
    latin = next(run for run in line.runs if run.text == "ABC")
    assert line.direction == "rtl" and latin.x < hebrew.x and not latin.rtl


def test_rtl_right_alignment_puts_ink_at_right_edge(fonts: FontRegistry) -> None:
    layer = make_layer(text=ARABIC, fontSize=40, textAlign="right")
    layout = layout_text(layer, fonts)
    cols = ink_columns(draw_text(layer, layout, fonts))
    assert cols is not None and cols[1] >= 600 - 6 and cols[0] > 300


def test_mixed_direction_order(fonts: FontRegistry) -> None:
    # LTR paragraph with an embedded Hebrew phrase: English, then the Hebrew run, then English.
    text = f"Hello {HEBREW} world"
    line = layout_text(make_layer(text=text, fontSize=30), fonts).lines[0]
    assert line.direction == "ltr"
    ordered = sorted(line.runs, key=lambda r: r.x)
    assert ordered[0].text.startswith("Hello") and not ordered[0].rtl
    assert ordered[-1].text.endswith("world") and not ordered[-1].rtl
    hebrew = [r for r in line.runs if r.rtl]
    assert hebrew and "".join(r.text for r in hebrew).strip() == HEBREW


def test_numbers_in_rtl_paragraph_stay_ltr(fonts: FontRegistry) -> None:
    line = layout_text(make_layer(text="שנה 2024 טובה", fontSize=30), fonts).lines[0]
    digits = next(r for r in line.runs if "2024" in r.text)
    assert not digits.rtl
    first = next(r for r in line.runs if r.text.startswith("שנה"))
    last = next(r for r in line.runs if "טובה" in r.text)
    assert last.x < digits.x < first.x


def test_arabic_is_joined(fonts: FontRegistry) -> None:
    from pinrender._text.loader import measure
    from pinrender._text.runs import Style, text_width

    style = Style("Inter", 400, False, 40, 0)
    word = "بالعالم"
    joined = text_width(word, style, fonts)
    match = fonts.match("Noto Sans Arabic", 400, False)
    assert match is not None
    isolated = sum(measure(match, 40, ch) for ch in word)
    assert joined < isolated  # contextual forms are narrower than isolated ones
