"""The line box: fallback glyphs that reach past it enlarge it; the primary font's never do."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

import pinrender


def template(text: str, **fields: Any) -> dict[str, Any]:
    layer = {"type": "text", "name": "t", "x": 0, "y": 0, "width": 600, "height": 400,
             "fontSize": 40, "lineHeight": 1.0, "text": text, **fields}
    return {"canvas": {"width": 600, "height": 400, "background": "#ffffff"}, "layers": [layer]}


def boxes(text: str, **fields: Any) -> list[tuple[float, float]]:
    lines = pinrender.layout(template(text, **fields)).layers["t"].lines
    return [(line.y, line.height) for line in lines]


@pytest.mark.parametrize("tall", ["😀", "नमस्ते स्त्री", "xy بِّ"])
def test_fallback_glyphs_enlarge_their_line_only(tall: str) -> None:
    (y0, h0), (y1, h1), (y2, h2) = boxes(f"Ab\n{tall}\nAb")
    assert h0 == h2 == 40.0
    assert h1 > 40.0
    assert (y1, y2) == (y0 + h0, y1 + h1)  # the lines after it move down


def test_primary_font_keeps_a_tight_line_height() -> None:
    assert [h for _, h in boxes("Ab\nÅÉ gjpq\nAb")] == [40.0, 40.0, 40.0]


def test_enlarged_line_holds_its_glyphs() -> None:
    """The emoji's coloured ink lies inside its own (enlarged) line box."""
    text = "Ab\n😀\nAb"
    tight = template(text, lineHeight=0.8)
    line = pinrender.layout(tight).layers["t"].lines[1]
    image = Image.open(io.BytesIO(pinrender.render(tight))).convert("RGB")
    colour = Image.eval(image.convert("HSV").getchannel("S"), lambda v: 255 if v > 80 else 0)
    ink = colour.getbbox()
    assert ink is not None
    assert line.y - 1 <= ink[1] and ink[3] <= line.y + line.height + 1


def test_auto_fit_counts_enlarged_lines() -> None:
    fields = {"height": 100, "autoFit": True, "minFontSize": 40}
    lines = pinrender.layout(template("Ab\n😀\nAb", **fields)).layers["t"].lines
    assert sum(line.height for line in lines) <= 100
