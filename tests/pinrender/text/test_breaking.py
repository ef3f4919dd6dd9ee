from __future__ import annotations

from pinrender._text import TextLayout, layout_text
from pinrender._text.registry import FontRegistry

from .helpers import make_layer


def texts(layout) -> list[str]:  # type: ignore[no-untyped-def]
    return [line.text for line in layout.lines]


def test_breaks_at_spaces_within_width(fonts: FontRegistry) -> None:
    layer = make_layer(text="alpha beta gamma delta epsilon zeta eta theta", fontSize=40, width=300)
    layout = layout_text(layer, fonts)
    assert len(layout.lines) > 1
    assert " ".join(texts(layout)) == layer.text
    for line in layout.lines:
        assert line.width <= layer.width
        assert not line.text.endswith(" ")


def test_break_after_hyphen(fonts: FontRegistry) -> None:
    layer = make_layer(text="well-known", fontSize=40, width=150)
    assert texts(layout_text(layer, fonts)) == ["well-", "known"]


def test_no_break_before_closing_punctuation(fonts: FontRegistry) -> None:
    # "word!" must move together; a lone "!" or ")" never starts a line while the word and its
    # punctuation fit the box (a narrower box cuts them anywhere, as Chromium's break-word does).
    for width in range(130, 400, 7):
        layer = make_layer(text="(hello) world! again, (yes)", fontSize=30, width=width)
        for line in layout_text(layer, fonts).lines:
            assert not line.text.startswith(("!", ")", ","))


def test_explicit_newline_forces_break(fonts: FontRegistry) -> None:
    layer = make_layer(text="one\ntwo\n\nfour", fontSize=20, width=600)
    assert texts(layout_text(layer, fonts)) == ["one", "two", "", "four"]


def test_long_word_breaks_inside(fonts: FontRegistry) -> None:
    layer = make_layer(text="Supercalifragilisticexpialidocious", fontSize=40, width=200)
    layout = layout_text(layer, fonts)
    assert len(layout.lines) > 1
    assert "".join(texts(layout)) == layer.text
    assert all(line.width <= 200 for line in layout.lines)


def test_long_word_moves_to_its_own_line_first(fonts: FontRegistry) -> None:
    layer = make_layer(text="a Supercalifragilisticexpialidocious", fontSize=40, width=200)
    assert texts(layout_text(layer, fonts))[0] == "a"


def test_max_lines_cuts_with_ellipsis(fonts: FontRegistry) -> None:
    layer = make_layer(text="word " * 60, fontSize=30, width=300, maxLines=2)
    layout = layout_text(layer, fonts)
    assert len(layout.lines) == 2
    assert layout.truncated
    assert layout.lines[-1].text.endswith("…")
    assert layout.lines[-1].width <= 300


def test_no_ellipsis_when_text_fits(fonts: FontRegistry) -> None:
    layout = layout_text(make_layer(text="short", maxLines=2), fonts)
    assert not layout.truncated
    assert texts(layout) == ["short"]


def test_nowrap_keeps_one_line(fonts: FontRegistry) -> None:
    layer = make_layer(
        text="a b c d e f g h i j k l m n o p", fontSize=60, width=100, textWrap="nowrap"
    )
    layout = layout_text(layer, fonts)
    assert len(layout.lines) == 1 and layout.lines[0].width > 100


def test_nowrap_with_max_lines_ellipsizes(fonts: FontRegistry) -> None:
    layer = make_layer(
        text="a b c d e f g h i j", fontSize=60, width=200, textWrap="nowrap", maxLines=1
    )
    layout = layout_text(layer, fonts)
    assert layout.lines[0].text.endswith("…") and layout.lines[0].width <= 200


def test_balance_evens_lines(fonts: FontRegistry) -> None:
    text = "The quick brown fox jumps over the lazy dog and keeps running far"
    greedy = layout_text(make_layer(text=text, fontSize=40, width=700), fonts)
    balanced = layout_text(make_layer(text=text, fontSize=40, width=700, textWrap="balance"), fonts)
    assert len(balanced.lines) == len(greedy.lines) >= 2
    def spread(layout: TextLayout) -> float:
        return max(line.width for line in layout.lines) - min(line.width for line in layout.lines)

    assert spread(balanced) < spread(greedy)
    assert max(line.width for line in balanced.lines) <= max(line.width for line in greedy.lines)


def test_cjk_breaks_between_ideographs(system_fonts: FontRegistry) -> None:
    import pytest

    if not any("CJK" in f.name for f in system_fonts.families()):
        pytest.skip("needs a system CJK font (apt package fonts-noto-cjk)")
    layer = make_layer(text="日本語のテキストは、文字の間で改行されます。", fontSize=40, width=300)
    layout = layout_text(layer, system_fonts)
    assert len(layout.lines) > 1
    assert "".join(texts(layout)) == layer.text
    assert all(not line.text.startswith(("、", "。")) for line in layout.lines)
    assert all("CJK" in run.match.face.family for line in layout.lines for run in line.runs)
