"""Line breaks recorded from headless Chromium, replayed without it.

`chromium_lines.json` holds every sixth case of `benchmarks/text_fidelity.py --props` with the lines
Chromium drew (`white-space: normal`, the same font files, size, weight, letter spacing and box
width). Re-record after a Chromium upgrade with:

    python benchmarks/text_fidelity.py --props --record tests/pinrender/text/chromium_lines.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import pinrender

RECORDED = json.loads((Path(__file__).parent / "chromium_lines.json").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = RECORDED["cases"]
SOFT_HYPHEN = "\u00ad"


def layout_lines(case: dict[str, Any]) -> list[str]:
    layer = {
        "name": "t", "type": "text", "x": 0, "y": 0, "width": case["width"], "height": 8000,
        "text": case["text"], "fontFamily": case["family"], "fontWeight": case["weight"],
        "fontSize": case["size"], "letterSpacing": case["letter_spacing"], "lineHeight": 1.2,
        "overflowWrap": case["overflow_wrap"], "wordBreak": case["word_break"],
        "hyphens": case["hyphens"],
    }
    template = {"canvas": {"width": 1200, "height": 8000}, "layers": [layer]}
    return [line.text for line in pinrender.layout(template).layers["t"].lines]


def as_drawn(line: str, hyphens: str) -> str:
    """Chromium's line as pinrender reports it: soft hyphens gone, a hyphen where one broke."""
    hyphen = line.endswith(SOFT_HYPHEN) and hyphens != "none"
    drawn = line.replace(SOFT_HYPHEN, "").replace("\t", " ")  # a tab draws as a space
    return drawn + ("\u2010" if hyphen else "")


def test_the_recording_is_big_and_varied() -> None:
    assert len(CASES) >= 100
    assert len({c["family"] for c in CASES}) >= 3
    assert {c["overflow_wrap"] for c in CASES} == {"normal", "break-word", "anywhere"}
    assert {"break-all", "keep-all"} <= {c["word_break"] for c in CASES}


@pytest.mark.parametrize("case", CASES, ids=[f"{i}" for i in range(len(CASES))])
def test_lines_as_chromium_broke_them(case: dict[str, Any]) -> None:
    if any(0x3000 <= ord(ch) <= 0xD7FF for ch in case["text"]) and not any(
        "CJK" in f.name for f in pinrender.default_fonts().families()
    ):
        pytest.skip("needs a system CJK font (apt package fonts-noto-cjk)")
    expected = [as_drawn(line, case["hyphens"]) for line in case["lines"]]
    assert layout_lines(case) == expected
