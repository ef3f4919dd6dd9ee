"""Helpers shared by the text tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from pinrender._model import TextLayer

FONTS_DIR = Path(__file__).resolve().parents[3] / "fonts"


def make_layer(**fields: Any) -> TextLayer:
    values: dict[str, Any] = {"type": "text", "name": "t", "width": 600, "height": 400}
    values.update(fields)
    return TextLayer(**values)


def ink(image: Image.Image) -> int:
    """Sum of alpha: how much the text covers."""
    return sum(i * n for i, n in enumerate(image.getchannel("A").histogram()))


def ink_columns(image: Image.Image) -> tuple[int, int] | None:
    """Leftmost and rightmost columns with any ink."""
    box = image.getchannel("A").getbbox()
    return None if box is None else (box[0], box[2])


def renamed_font(source: Path, target: Path, family: str) -> Path:
    """Copy a font file under a new family name (name table ids 1, 4, 6, 16), as a user's own
    font would be: same outlines and metrics, a family nobody else has."""
    from fontTools.ttLib import TTFont

    with TTFont(source) as font:
        for record in font["name"].names:
            if record.nameID in (1, 16):
                record.string = family
            elif record.nameID == 4:
                record.string = f"{family} {font['name'].getDebugName(2) or 'Regular'}"
            elif record.nameID == 6:
                record.string = family.replace(" ", "") + "-" + (font["name"].getDebugName(2) or "Regular")
        target.parent.mkdir(parents=True, exist_ok=True)
        font.save(target)
    return target
