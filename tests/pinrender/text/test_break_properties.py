"""overflowWrap, wordBreak and hyphens, and the break opportunities Chromium has and ICU lacks,
through `pinrender.layout` (the lines' text)."""

from __future__ import annotations

from typing import Any

import pytest

import pinrender
from pinrender._text.hyphenation import hyphenation_points

HYPHEN = "\u2010"  # Inter has U+2010, so that is the hyphen drawn at a break
SHY = "\u00ad"


def lines(text: str, width: float, **props: Any) -> list[str]:
    layer = {"name": "t", "type": "text", "x": 0, "y": 0, "width": width, "height": 4000,
             "text": text, "fontSize": 40, **props}
    template = {"canvas": {"width": 1200, "height": 4000}, "layers": [layer]}
    return [line.text for line in pinrender.layout(template).layers["t"].lines]


def width_of(text: str) -> float:
    layer = {"name": "t", "type": "text", "x": 0, "y": 0, "width": 100, "height": 100,
             "text": text, "fontSize": 40, "textWrap": "nowrap"}
    template = {"canvas": {"width": 200, "height": 200}, "layers": [layer]}
    return pinrender.layout(template).layers["t"].lines[0].width


def widths(text: str, **props: Any) -> list[float]:
    layer = {"name": "t", "type": "text", "x": 0, "y": 0, "width": 160, "height": 4000,
             "text": text, "fontSize": 40, **props}
    template = {"canvas": {"width": 1200, "height": 4000}, "layers": [layer]}
    return [line.width for line in pinrender.layout(template).layers["t"].lines]


# -- Chromium's opportunities (Blink's pair table) ------------------------------------------------

@pytest.mark.parametrize(("text", "first"), [
    ("2026-11-22", "2026-"),  # a hyphen before digits breaks after a digit ...
    ("ABCD-1234", "ABCD-"),  # ... or a letter
    ("well-known", "well-"),
])
def test_breaks_after_a_hyphen(text: str, first: str) -> None:
    width = width_of(first) + 1  # room for the first piece only
    assert lines(text, width)[0] == first


@pytest.mark.parametrize(("text", "fits"), [
    ("$5-$10 each", "$5-$10"),  # a price range stays whole
    ("x -5 degrees", "x -5"),  # a minus sign stays with its number
    ("see example.com/articles/2026", "see"),  # no break after '/': the URL moves down whole
])
def test_no_break_where_chromium_has_none(text: str, fits: str) -> None:
    # A box a little too narrow for the whole text but wide enough for the first piece.
    width = width_of(text) - 2
    got = lines(text, width)
    assert got[0] == fits, got


# -- overflowWrap ----------------------------------------------------------------------------------

WORD = "Donaudampfschifffahrtsgesellschaft"


def test_overflow_wrap_normal_lets_a_long_word_overflow() -> None:
    assert lines(f"a {WORD}", 200, overflowWrap="normal") == ["a", WORD]
    assert max(widths(f"a {WORD}", overflowWrap="normal")) > 160


@pytest.mark.parametrize("value", ["break-word", "anywhere"])
def test_overflow_wrap_cuts_a_long_word_on_its_own_line(value: str) -> None:
    got = lines(f"a {WORD}", 200, overflowWrap=value)
    assert got[0] == "a" and len(got) > 2 and "".join(got[1:]) == WORD
    assert max(widths(f"a {WORD}", overflowWrap=value)) <= 160


def test_break_word_is_the_default() -> None:
    assert lines(f"a {WORD}", 200) == lines(f"a {WORD}", 200, overflowWrap="break-word")


# -- wordBreak -----------------------------------------------------------------------------------

def test_word_break_break_all_fills_lines_between_letters() -> None:
    text = "Lorem ipsum dolor sit amet consectetur adipiscing elit"
    got = lines(text, 300, wordBreak="break-all")
    assert got != lines(text, 300)
    assert " ".join(got).replace(" ", "") == text.replace(" ", "")
    # Every line but the last is full: with the next letter it would not have fitted.
    position = 0
    for line in got[:-1]:
        position = text.index(line, position) + len(line)
        following = text[position:].lstrip(" ")[:1]
        assert width_of(line + text[position : text.index(following, position) + 1]) > 300


def test_word_break_keep_all_keeps_cjk_words_whole(system_fonts: Any) -> None:
    if not any("CJK" in f.name for f in system_fonts.families()):
        pytest.skip("needs a system CJK font (apt package fonts-noto-cjk)")
    text = "한국어 텍스트는 공백에서 줄바꿈됩니다"
    normal = lines(text, 280)
    kept = lines(text, 280, wordBreak="keep-all")
    words = set(text.split())
    assert any(line not in words and " " not in line for line in normal)  # normal: inside words
    assert all(set(line.split()) <= words for line in kept)


def test_bad_values_name_the_field() -> None:
    for field, value in (("overflowWrap", "wrap"), ("wordBreak", "break-word"),
                         ("hyphens", "yes")):
        with pytest.raises(pinrender.PinrenderError) as error:
            lines("x", 100, **{field: value})
        assert field in str(error.value)


# -- hyphens -------------------------------------------------------------------------------------

SOFT = f"ex{SHY}tra{SHY}or{SHY}di{SHY}nary"


def test_manual_breaks_at_soft_hyphens_and_draws_a_hyphen() -> None:
    got = lines(SOFT, width_of("extraor") + width_of(HYPHEN) + 1)
    assert got[0] == "extraor" + HYPHEN and got[1] == "dinary"
    assert all(SHY not in line for line in got)


def test_soft_hyphens_are_invisible_when_the_word_fits() -> None:
    assert lines(SOFT, 1000) == ["extraordinary"]
    assert width_of(SOFT) == width_of("extraordinary")


def test_none_ignores_soft_hyphens() -> None:
    got = lines(f"a {SOFT}", width_of("extraor") + width_of(HYPHEN) + 1, hyphens="none",
                overflowWrap="normal")
    assert got == ["a", "extraordinary"]


def test_manual_never_hyphenates_on_its_own() -> None:
    got = lines("an extraordinarily international title", 260)
    assert not any(line.endswith(HYPHEN) for line in got)


def test_auto_hyphenates_at_dictionary_points() -> None:
    text = "an extraordinarily international characteristically complicated title"
    got = lines(text, 260, hyphens="auto")
    assert any(line.endswith(HYPHEN) for line in got)
    points = set(hyphenation_points(text))
    position = 0
    for line in got[:-1]:
        body = line.removesuffix(HYPHEN)
        position = text.index(body, position) + len(body)
        if line.endswith(HYPHEN):
            assert position in points, (line, got)
    assert " ".join(line.removesuffix(HYPHEN) for line in got).replace(" ", "") == \
        text.replace(" ", "")


def test_auto_fills_lines_better_than_manual() -> None:
    text = "characteristically complicated internationalization"
    assert len(lines(text, 200, hyphens="auto")) <= len(lines(text, 200))
    assert any(line.endswith(HYPHEN) for line in lines(text, 200, hyphens="auto"))


def test_auto_leaves_capitals_urls_and_soft_hyphenated_words_alone() -> None:
    for text in ("Internationalization", "https://example.com/internationalization", SOFT):
        got = lines(text, 150, hyphens="auto")
        soft_points = text.count(SHY)
        hyphenated = sum(line.endswith(HYPHEN) for line in got)
        assert hyphenated <= soft_points, got


def test_auto_draws_the_hyphen() -> None:
    import io

    from PIL import Image

    def ink(props: dict[str, Any]) -> int:
        layer = {"name": "t", "type": "text", "x": 0, "y": 0, "width": 220, "height": 400,
                 "text": "characteristically", "fontSize": 40, "color": "#000000",
                 "overflowWrap": "normal", **props}
        png = pinrender.render({"canvas": {"width": 600, "height": 400}, "layers": [layer]})
        image = Image.open(io.BytesIO(png)).convert("L")
        return sum(i * n for i, n in enumerate(reversed(image.histogram())))

    # The same letters, plus one hyphen glyph's ink.
    assert ink({"hyphens": "auto"}) > ink({})
