"""Rich text: markup and runs, through the public contract (render, layout, render_key)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import pinrender

RED = (0xE6, 0x39, 0x46)


def card(text: Any, width: float = 700, **fields: Any) -> dict[str, Any]:
    layer = {"type": "text", "name": "title", "x": 0, "y": 0, "width": width, "height": 400,
             "fontSize": 48, "text": text, **fields}
    return {"canvas": {"width": 720, "height": 400, "background": "#ffffff"},
            "variables": [{"name": "product", "default": "pinrender"}], "layers": [layer]}


def lines(template: dict[str, Any], layers: Any = None, **kw: Any) -> tuple[pinrender.Line, ...]:
    return pinrender.layout(template, layers, **kw).layers["title"].lines


def pixels(template: dict[str, Any]) -> Image.Image:
    return Image.open(io.BytesIO(pinrender.render(template))).convert("RGB")


def colours(image: Image.Image) -> list[tuple[int, int, int]]:
    data = image.load()
    assert data is not None
    return [data[x, y] for y in range(image.height) for x in range(image.width)]  # type: ignore[misc]


def darkness(image: Image.Image, box: tuple[float, float, float, float]) -> int:
    crop = image.crop(tuple(round(v) for v in box)).convert("L")  # type: ignore[arg-type]
    return sum((255 - v) * n for v, n in enumerate(crop.histogram()))


def test_bold_span_is_wider_and_darker_than_regular() -> None:
    plain = lines(card("Ship faster now"))[0]
    rich = lines(card("Ship **faster** now"))[0]
    assert [s.text for s in rich.spans] == ["Ship ", "faster", " now"]
    assert [s.fontWeight for s in rich.spans] == [400, 700, 400]
    regular_word, bold_word = plain.spans[0], rich.spans[1]
    assert plain.text == rich.text == "Ship faster now"
    assert rich.width > plain.width
    # The same word, regular and bold, measured by their own boxes in the rendered pixels.
    x0 = rich.spans[1].x
    bold_ink = darkness(pixels(card("Ship **faster** now")), (x0, 0, x0 + bold_word.width, 80))
    ink = darkness(pixels(card("Ship faster now")), (x0, 0, x0 + bold_word.width, 80))
    assert regular_word.width < rich.width and bold_ink > ink * 1.2


def test_coloured_span_pixels_are_that_colour() -> None:
    template = card("Ship [faster]{color=#e63946} now")
    line = lines(template)[0]
    word = line.spans[1]
    assert (word.text, word.color) == ("faster", "#e63946")
    image = pixels(template)
    inside = image.crop((round(word.x) + 2, 0, round(word.x + word.width) - 2, 80))
    solid = [p for p in colours(inside) if p != (255, 255, 255)]
    assert solid and max(solid, key=lambda p: 255 * 3 - sum(p)) == RED  # full coverage is red
    before = image.crop((0, 0, round(word.x) - 4, 80))
    assert all(abs(r - g) < 8 and abs(g - b) < 8 for r, g, b in colours(before))  # grey ink only


def test_underline_draws_below_the_baseline_only_under_its_span() -> None:
    template = card("aa [aa]{underline} aa")
    word = lines(template)[0].spans[1]
    image = pixels(template)
    # A row under the glyphs (lowercase "a" has no descender) carries ink only under the span.
    rows = [y for y in range(40, 80)
            if darkness(image, (word.x + 2, y, word.x + word.width - 2, y + 1)) > 0]
    assert rows
    y = rows[-1]
    assert darkness(image, (0, y, word.x - 6, y + 1)) == 0
    assert darkness(image, (word.x + word.width + 6, y, 720, y + 1)) == 0


def test_runs_are_the_same_text_as_markup() -> None:
    runs = [{"text": "Ship "}, {"text": "faster", "fontWeight": "bold", "color": "#e63946"},
            {"text": " with *stars* and [brackets]", "underline": True}]
    markup = r"Ship [faster]{weight=700 color=#e63946}[ with \*stars\* and \[brackets\]]{underline}"
    assert pinrender.render_key(card(runs)) == pinrender.render_key(card(markup))
    spans = lines(card(runs, fontSize=24))[0].spans
    assert spans[-1].text == " with *stars* and [brackets]" and spans[-1].underline


@pytest.mark.parametrize(
    ("text", "rich", "shown"),
    [
        ("5 * 3 = 15, a* and *b", True, "5 * 3 = 15, a* and *b"),
        (r"\*\*kept\*\* C:\path", True, r"**kept** C:\path"),
        ("**as typed** [x]{color=red}", False, "**as typed** [x]{color=red}"),
        ("[no attributes] here", True, "[no attributes] here"),
    ],
)
def test_escapes_and_the_escape_hatch(text: str, rich: bool, shown: str) -> None:
    found = lines(card(text, richText=rich))
    assert [line.text for line in found] == [shown]
    assert len(found[0].spans) == 1


def test_a_line_breaks_inside_a_span() -> None:
    found = lines(card("Go **much faster than you ever thought possible** today", width=300))
    assert len(found) >= 3
    assert " ".join(line.text for line in found) == (
        "Go much faster than you ever thought possible today")
    middle = found[1]
    assert all(s.fontWeight == 700 for s in middle.spans)
    for line in found:
        assert line.width <= 300 + 0.01
        assert sum(s.width for s in line.spans) == pytest.approx(line.width)


def test_kerning_survives_a_colour_boundary() -> None:
    plain = lines(card("AVAVAV"))[0]
    coloured = lines(card("A[VAV]{color=#e63946}AV"))[0]
    assert coloured.width == pytest.approx(plain.width)
    assert [s.text for s in coloured.spans] == ["A", "VAV", "AV"]


def test_variables_are_text_and_overrides_take_runs() -> None:
    found = lines(card("Ship **faster** with {{product}}"), variables={"product": "*A* [b]{x}"})
    assert found[0].text == "Ship faster with *A* [b]{x}"
    overridden = lines(card("x"), {"title": {"text": [{"text": "Hi "},
                                                      {"text": "{{product}}", "color": "red"}]}})
    assert [(s.text, s.color) for s in overridden[0].spans] == [("Hi ", None),
                                                                ("pinrender", "#ff0000")]


def test_max_lines_and_ellipsis_keep_the_span_style() -> None:
    layout = pinrender.layout(card("Plain start **then a very long bold tail that will not fit**",
                                   width=320, maxLines=2))
    block = layout.layers["title"]
    assert block.truncated and len(block.lines) == 2
    last = block.lines[-1]
    assert last.text.endswith("…") and last.spans[-1].text.endswith("…")
    assert last.spans[-1].fontWeight == 700 and last.width <= 320 + 0.01


def test_auto_fit_measures_spans() -> None:
    template = card("A **bold** claim that is long", width=300, autoFit=True, maxLines=1)
    block = pinrender.layout(template).layers["title"]
    assert not block.truncated and len(block.lines) == 1
    assert block.font_size < 48 and block.lines[0].width <= 300 + 0.01


def test_rtl_spans_stay_inside_their_line() -> None:
    line = lines(card("שלום [עולם]{color=#e63946} hello"))[0]
    xs = sorted((s.x, s.x + s.width) for s in line.spans)
    assert xs[0][0] == pytest.approx(line.x) and xs[-1][1] == pytest.approx(line.x + line.width)
    assert all(a[1] <= b[0] + 0.01 for a, b in zip(xs, xs[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("[x]{colour=red}", "span attribute 'colour=red'"),
        ("[x]{color=nope}", "color=nope"),
        ([{"text": "x", "fontWeight": "heavy"}], "run 0: weight"),
        ([{"text": "x", "size": 3}], "unknown property 'size'"),
    ],
)
def test_bad_spans_name_the_field(text: Any, problem: str) -> None:
    with pytest.raises(pinrender.TemplateError) as caught:
        pinrender.layout(card(text))
    assert "layers.title.text" in str(caught.value) and problem in str(caught.value)


_word = st.text(alphabet="abcdefgh *[]{}\\AV", min_size=0, max_size=8)
_run = st.fixed_dictionaries({"text": _word}, optional={
    "fontWeight": st.sampled_from([400, 700]), "fontStyle": st.sampled_from(["normal", "italic"]),
    "color": st.sampled_from(["#e63946", "blue"]), "underline": st.booleans()})


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_run, min_size=1, max_size=5))
def test_runs_draw_their_text_exactly(runs: list[dict[str, Any]]) -> None:
    """Whatever characters runs hold, the drawn text is theirs, and spans tile each line."""
    expected = "".join(r["text"] for r in runs)
    found = lines(card(runs, width=700, textWrap="nowrap"))
    assert found[0].text == expected.rstrip(" ")
    assert "".join(s.text for s in found[0].spans) == found[0].text


@pytest.mark.parametrize("hostile", ["*a " * 1_600, "[a " * 1_600, "**a " * 1_200, "[a]{" * 1_200])
def test_unclosed_delimiters_stay_text(hostile: str) -> None:
    """Thousands of unclosed `*` or `[` (linear to read, not quadratic) draw as typed."""
    block = pinrender.layout(card(hostile, width=700, fontSize=8)).layers["title"]
    assert "".join(line.text for line in block.lines).replace(" ", "") == hostile.replace(" ", "")
    assert all(len(line.spans) == 1 for line in block.lines)


def test_deep_nesting_is_refused() -> None:
    with pytest.raises(pinrender.TemplateError, match="nested more than"):
        pinrender.layout(card("[" * 20 + "a" + "]{bold}" * 20))


@pytest.mark.parametrize(
    ("text", "how", "shown"),
    [("**h**ello [w]{color=red}orld", "capitalize", "Hello World"),
     ("stra**ß**e", "uppercase", "STRASSE")],
)
def test_text_transform_sees_words_across_spans(text: str, how: str, shown: str) -> None:
    line = lines(card(text, textTransform=how))[0]
    assert line.text == shown
    assert "".join(s.text for s in line.spans) == shown
