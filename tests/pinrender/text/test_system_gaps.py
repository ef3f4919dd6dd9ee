"""What the machine lacks is said, not silently drawn wrong: no shaper (Pillow's raqm layout
without FriBidi), no font for a script (boxes). Bidi levels come from a wheel either way."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from hypothesis import given
from hypothesis import strategies as st

from pinrender._text import missing_scripts
from pinrender._text.bidi import embedding_levels
from pinrender._text.registry import FontRegistry

# Pillow's feature check is what pinrender asks; answering "no raqm" is what a machine without
# libfribidi answers (Pillow's wheels load it at run time and fall back to the BASIC layout).
NO_RAQM = """
from PIL import features
_check = features.check_feature
features.check_feature = lambda name: False if name in ("raqm", "fribidi", "harfbuzz") else _check(name)
"""
CARD = {
    "canvas": {"width": 400, "height": 100, "background": "#ffffff"},
    "layers": [{"name": "t", "type": "text", "x": 0, "y": 0, "width": 400, "height": 100,
                "text": "{{text}}", "fontSize": 30, "color": "#000000"}],
    "variables": [{"name": "text", "default": "x"}],
}


def python(code: str, system_fonts: bool = True) -> subprocess.CompletedProcess[str]:
    env = {"PINRENDER_SYSTEM_FONTS": "1" if system_fonts else "0"}
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_without_a_shaper_complex_text_fails_loudly_and_latin_warns_once() -> None:
    result = python(NO_RAQM + f"""
import pinrender
card = {json.dumps(CARD)}
for text in ("مرحبا بالعالم", "नमस्ते", "שלום"):
    try:
        pinrender.render(card, variables={{"text": text}})
        print("RENDERED", text)
    except pinrender.RenderError as exc:
        print("REFUSED", exc)
png = pinrender.render(card, variables={{"text": "AVATAR Tokyo"}})
pinrender.render(card, variables={{"text": "Second Latin card"}})
print("LATIN", png[:8] == b"\\x89PNG\\r\\n\\x1a\\n")
from pinrender.cli import main
main(["fonts"])
""", system_fonts=False)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "RENDERED" not in out and out.count("REFUSED") == 3
    for script in ("Arabic", "Devanagari", "Hebrew"):
        assert f"REFUSED {script} text needs a text shaper" in out
    assert "apt-get install libfribidi0" in out and "brew install fribidi" in out
    assert "LATIN True" in out
    assert result.stderr.count("kerning and ligatures are off") == 1  # once per process
    assert "shaping: BASIC" in out and "apt-get install libfribidi0" in out.split("\nshaping:")[1]


def test_with_a_shaper_the_same_texts_render_and_fonts_says_raqm() -> None:
    result = python(f"""
import pinrender
card = {json.dumps(CARD)}
for text in ("مرحبا بالعالم", "नमस्ते", "שלום"):
    assert pinrender.render(card, variables={{"text": text}})[:4] == b"\\x89PNG"
from pinrender.cli import main
main(["fonts"])
""", system_fonts=False)
    assert result.returncode == 0, result.stderr
    assert "shaping: raqm (HarfBuzz shaping)" in result.stdout
    assert "FriBidi" in result.stdout and "kerning" not in result.stderr


def test_missing_scripts_of_the_bundled_fonts(fonts: FontRegistry) -> None:
    missing = {s.name: s.package for s in missing_scripts(fonts)}
    # Bundled: Latin, Greek, Cyrillic, Arabic, Hebrew, Devanagari, emoji. Not CJK, not Thai.
    assert missing == {"Han": "fonts-noto-cjk", "Hiragana/Katakana": "fonts-noto-cjk",
                       "Hangul": "fonts-noto-cjk", "Thai": "fonts-noto-core"}


def test_fonts_command_reports_scripts_without_a_font() -> None:
    result = subprocess.run([sys.executable, "-m", "pinrender", "fonts"], capture_output=True,
                            text=True, timeout=120, env={**os.environ, "PINRENDER_SYSTEM_FONTS": "0"})
    assert result.returncode == 0, result.stderr
    report = result.stdout.split("scripts without a font", 1)[1]
    for line in ("Han: install fonts-noto-cjk", "Hangul: install fonts-noto-cjk",
                 "Hiragana/Katakana: install fonts-noto-cjk", "Thai: install fonts-noto-core"):
        assert line in report
    assert "Latin" not in report and "Arabic" not in report and "Emoji" not in report


def test_boxes_warn_once_per_script_per_process() -> None:
    result = python(f"""
import logging, pinrender
logging.basicConfig(format="%(name)s %(levelname)s %(message)s")
card = {json.dumps(CARD)}
for text in ("中文标题", "另一个标题", "한국어", "中文 한국어 ไทย", "Latin only"):
    png = pinrender.render(card, variables={{"text": text}})
    assert png[:4] == b"\\x89PNG"
""", system_fonts=False)
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("pinrender WARNING")]
    assert len(warnings) == 3, result.stderr
    han, hangul, thai = warnings
    assert "no font has Han characters" in han and "apt-get install fonts-noto-cjk" in han
    assert "no font has Hangul characters" in hangul and "fonts-noto-cjk" in hangul
    assert "no font has Thai characters" in thai and "fonts-noto-core" in thai


@given(st.text(alphabet=st.sampled_from(list("ab שלום مرح 12()\t\u2067\u2069\u200f")), max_size=40))
def test_bidi_levels_one_per_code_point(text: str) -> None:
    rtl, levels = embedding_levels(text)
    assert len(levels) == len(text) and all(0 <= lv <= 125 for lv in levels)
    # UAX #9 L1: trailing whitespace and tabs sit at the paragraph level.
    stripped = text.rstrip(" \t")
    assert all(lv == int(rtl) for lv in levels[len(stripped):])
    assert all(lv == int(rtl) for ch, lv in zip(text, levels) if ch == "\t")


def test_bidi_levels_of_known_paragraphs() -> None:
    assert embedding_levels("abc") == (False, (0, 0, 0))
    assert embedding_levels("שלום 123 abc") == (True, (1, 1, 1, 1, 1, 2, 2, 2, 1, 2, 2, 2))
    assert embedding_levels("Hi שלום! ") == (False, (0, 0, 0, 1, 1, 1, 1, 0, 0))
