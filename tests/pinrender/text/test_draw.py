"""Pixels: fallback glyphs, emoji colour, weight, italic, colour and transparency."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops

from pinrender._text import draw_text, layout_text
from pinrender._text.registry import FontRegistry

from .helpers import ink, make_layer

MISSING = "\U000f0000"  # a private-use code point no bundled font maps: draws .notdef


def render(fonts: FontRegistry, **fields) -> Image.Image:  # type: ignore[no-untyped-def]
    layer = make_layer(**fields)
    return draw_text(layer, layout_text(layer, fonts), fonts)


def test_image_size_mode_and_colour(fonts: FontRegistry) -> None:
    image = render(fonts, text="Hi", width=100.5, height=50.2, color="rgba(255, 0, 0, 0.5)")
    assert image.mode == "RGBA" and image.size == (101, 51)
    assert image.getpixel((100, 50))[3] == 0
    alpha = image.getchannel("A")
    assert alpha.getextrema()[1] in range(126, 130)  # colour alpha applied, nothing more
    box = alpha.getbbox()
    assert box is not None
    # Every inked pixel carries the text colour itself (no dark fringes).
    r, g, b, a = image.getpixel(((box[0] + box[2]) // 2, (box[1] + box[3]) // 2))
    assert a == 0 or (r, g, b) == (255, 0, 0)


@pytest.mark.parametrize(
    "text", ["Αλφάβητο", "Кириллица", "مرحبا", "שלום", "नमस्ते", "Ελληνικά مرحبا नमस्ते"]
)
def test_fallback_glyphs_are_real(fonts: FontRegistry, text: str) -> None:
    layout = layout_text(make_layer(text=text, fontSize=40), fonts)
    for run in layout.lines[0].runs:
        assert run.match.face.covers(run.text), run
    drawn = render(fonts, text=text, fontSize=40)
    tofu = render(fonts, text=MISSING * len(text), fontSize=40)
    assert ink(drawn) > 0
    assert ImageChops.difference(drawn, tofu).getbbox() is not None


def test_emoji_draws_in_colour(fonts: FontRegistry) -> None:
    image = render(fonts, text="Launch 🚀😀", fontSize=48, color="#000000")
    data = image.tobytes()
    pixels = [tuple(data[i : i + 4]) for i in range(0, len(data), 4) if data[i + 3] > 200]
    coloured = [p for p in pixels if max(p[:3]) - min(p[:3]) > 60]
    assert len(coloured) > 100


def test_emoji_scales_with_font_size(fonts: FontRegistry) -> None:
    small = render(fonts, text="😀", fontSize=20).getchannel("A").getbbox()
    large = render(fonts, text="😀", fontSize=80).getchannel("A").getbbox()
    assert small and large
    assert (large[2] - large[0]) == pytest.approx(4 * (small[2] - small[0]), rel=0.2)


def test_bold_has_more_ink(fonts: FontRegistry) -> None:
    regular = render(fonts, text="Weight", fontSize=60, fontWeight=400)
    bold = render(fonts, text="Weight", fontSize=60, fontWeight=700)
    assert ink(bold) > ink(regular) * 1.2


def test_italic_differs(fonts: FontRegistry) -> None:
    upright = render(fonts, text="Italic", fontSize=60)
    italic = render(fonts, text="Italic", fontSize=60, fontStyle="italic")
    assert ImageChops.difference(upright, italic).getbbox() is not None
    layout = layout_text(make_layer(text="Italic", fontStyle="italic"), fonts)
    assert layout.lines[0].runs[0].match.face.italic  # Inter ships a real italic


def test_synthetic_oblique_when_no_italic(fonts: FontRegistry) -> None:
    layout = layout_text(
        make_layer(text="Serif", fontFamily="Noto Serif", fontStyle="italic"), fonts
    )
    assert layout.lines[0].runs[0].match.oblique
    upright = render(fonts, text="Serif", fontFamily="Noto Serif", fontSize=60)
    slanted = render(fonts, text="Serif", fontFamily="Noto Serif", fontSize=60, fontStyle="italic")
    assert ImageChops.difference(upright, slanted).getbbox() is not None


def test_draw_stays_inside_line_boxes(fonts: FontRegistry) -> None:
    layer = make_layer(text="Heading line\nsecond line", fontSize=40, width=400, height=200)
    layout = layout_text(layer, fonts)
    box = draw_text(layer, layout, fonts).getchannel("A").getbbox()
    assert box is not None
    assert (
        box[1] >= layout.lines[0].y and box[3] <= layout.lines[-1].y + layout.lines[-1].height + 1
    )


def test_emoji_sequences_stay_whole_and_digits_stay_text(fonts: FontRegistry) -> None:
    line = layout_text(make_layer(text="Fam 👨‍👩‍👧 🇫🇷 1️⃣ © 2024", fontSize=30), fonts).lines[0]
    families = {run.text.strip(): run.match.face.family for run in line.runs}
    assert families["👨\u200d👩\u200d👧"] == "Noto Color Emoji"
    assert families["🇫🇷"] == "Noto Color Emoji"
    assert families["1️⃣"] == "Noto Color Emoji"
    assert families["© 2024"] == "Inter"
