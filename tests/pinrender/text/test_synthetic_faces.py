"""Synthetic bold and oblique for a family without those faces (Noto Serif: regular only)."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

import pinrender


def card(text: str, family: str = "Noto Serif", **fields: Any) -> dict[str, Any]:
    layer = {"type": "text", "name": "t", "x": 0, "y": 0, "width": 600, "height": 100,
             "fontSize": 48, "fontFamily": family, "text": text, **fields}
    return {"canvas": {"width": 600, "height": 100, "background": "#ffffff"}, "layers": [layer]}


def ink(template: dict[str, Any]) -> int:
    image = Image.open(io.BytesIO(pinrender.render(template))).convert("L")
    return sum((255 - v) * n for v, n in enumerate(image.histogram()))


def spans(template: dict[str, Any]) -> tuple[pinrender.Line, ...]:
    return pinrender.layout(template).layers["t"].lines


def test_layout_says_which_spans_are_synthetic() -> None:
    line = spans(card("plain **bold** *slanted*"))[0]
    assert [(s.text, s.synthetic) for s in line.spans] == [
        ("plain ", ()), ("bold", ("bold",)), (" ", ()), ("slanted", ("oblique",))]
    # A family with real bold and italic faces makes up nothing.
    real = spans(card("plain **bold** *slanted*", family="Inter"))[0]
    assert all(s.synthetic == () for s in real.spans)


def test_synthetic_bold_is_darker_and_keeps_the_advances() -> None:
    regular, bold = card("Heavy words"), card("Heavy words", fontWeight=700)
    assert spans(bold)[0].width == spans(regular)[0].width  # outlines grow, advances do not
    assert ink(bold) > ink(regular) * 1.15


def test_medium_weight_is_not_made_bold() -> None:
    assert spans(card("Heavy", fontWeight=500))[0].spans[0].synthetic == ()
    assert ink(card("Heavy", fontWeight=500)) == ink(card("Heavy"))
