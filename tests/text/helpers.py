"""Helpers shared by the text tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PIL import Image

from pinrender._model import TextLayer

FONTS_DIR = Path(__file__).resolve().parents[2] / "fonts"


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
