"""Pure geometry: CSS object-fit / object-position boxes, size rules for transforms."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

SmartCrop = Literal["attention", "entropy"]


@dataclass(frozen=True)
class Offset:
    """One axis of an object-position: a fraction of the free space, or pixels from the start."""

    value: float
    unit: Literal["fraction", "px"] = "fraction"

    def place(self, free: float) -> float:
        return free * self.value if self.unit == "fraction" else self.value


@dataclass(frozen=True)
class Position:
    x: Offset
    y: Offset
    smart: SmartCrop | None = None


CENTER = Offset(0.5)
_X_WORDS = {"left": 0.0, "center": 0.5, "right": 1.0}
_Y_WORDS = {"top": 0.0, "center": 0.5, "bottom": 1.0}
_NUMBER = re.compile(r"^(-?\d+(?:\.\d+)?)(%|px)?$")


def _offset(token: str) -> Offset:
    m = _NUMBER.match(token)
    if not m:
        raise ValueError(f"{token!r} is not a position")
    number, unit = float(m.group(1)), m.group(2)
    if unit == "%":
        return Offset(number / 100.0)
    if unit == "px" or number == 0:
        return Offset(number, "px")
    raise ValueError(f"{token!r} needs a unit (% or px)")


@lru_cache(maxsize=256)
def parse_position(text: str) -> Position:
    """Parse a CSS object-position (`center`, `top left`, `25% 75%`, `10px 0`), or a smart crop
    strategy (`attention`, `entropy`) that lets the image's content choose the crop."""
    tokens = text.strip().lower().split()
    if tokens in (["attention"], ["entropy"]):
        return Position(CENTER, CENTER, smart=tokens[0])  # type: ignore[arg-type]
    if not 1 <= len(tokens) <= 2:
        raise ValueError(f"{text!r} is not a position: use keywords, percentages or px")
    if len(tokens) == 1:
        (t,) = tokens
        if t in _Y_WORDS and t not in _X_WORDS:
            return Position(CENTER, Offset(_Y_WORDS[t]))
        if t in _X_WORDS:
            return Position(Offset(_X_WORDS[t]), CENTER)
        return Position(_offset(t), CENTER)
    a, b = tokens
    # Keywords may come in either order ("top left" == "left top"), as in CSS.
    if (a in _Y_WORDS and a not in _X_WORDS) or (b in _X_WORDS and b not in _Y_WORDS):
        a, b = b, a
    x = Offset(_X_WORDS[a]) if a in _X_WORDS else _offset(a)
    if a in _Y_WORDS and a not in _X_WORDS:
        raise ValueError(f"{text!r} is not a position")
    if b in _Y_WORDS:
        y = Offset(_Y_WORDS[b])
    elif b in _X_WORDS:
        raise ValueError(f"{text!r} is not a position")
    else:
        y = _offset(b)
    return Position(x, y)


def canonical_position(text: str) -> str:
    """A position as `X Y`, each a percentage or px (`center` -> `50% 50%`), for use where a
    position is part of a model's identity (a radial gradient's centre)."""
    position = parse_position(text)
    if position.smart:
        raise ValueError(f"{text!r} is not a position")

    def one(offset: Offset) -> str:
        if offset.unit == "px":
            return f"{offset.value:g}px"
        return f"{round(offset.value * 100, 4):g}%"

    return f"{one(position.x)} {one(position.y)}"


@dataclass(frozen=True)
class Placement:
    """Where a source image lands in a box: scaled to `width` x `height`, its top-left corner at
    (`left`, `top`) in box coordinates (negative when it is cropped)."""

    width: float
    height: float
    left: float
    top: float


def fit(source_w: float, source_h: float, box_w: float, box_h: float,
        mode: str, position: Position = Position(CENTER, CENTER)) -> Placement:
    """CSS object-fit: the size and offset of a `source_w` x `source_h` image in a box."""
    if min(source_w, source_h, box_w, box_h) <= 0:
        raise ValueError("sizes must be positive")
    if mode == "fill":
        return Placement(box_w, box_h, 0.0, 0.0)
    contain = min(box_w / source_w, box_h / source_h)
    if mode == "contain":
        scale = contain
    elif mode == "cover":
        scale = max(box_w / source_w, box_h / source_h)
    elif mode == "none":
        scale = 1.0
    elif mode == "scale-down":
        scale = min(1.0, contain)
    else:
        raise ValueError(f"unknown object-fit {mode!r}")
    w, h = source_w * scale, source_h * scale
    return Placement(w, h, position.x.place(box_w - w), position.y.place(box_h - h))


# Transforms: seed 001's short-edge presets and seed 000's variant widths.
SIZE_PRESETS = {"s": 320, "m": 640, "l": 1080}
VARIANT_WIDTHS = (256, 512, 720, 1024, 1500, 2000)
VARIANT_ALIASES = dict(zip(("thumbnail", "small", "card", "medium", "large", "xlarge"),
                           VARIANT_WIDTHS))


def short_edge_size(width: int, height: int, short_edge: int) -> tuple[int, int]:
    """Scale so the short edge becomes `short_edge`, aspect kept, never upscaled."""
    scale = min(1.0, short_edge / min(width, height))
    return _scaled(width, height, scale)


def width_size(width: int, height: int, target_width: int) -> tuple[int, int]:
    """Scale so the width becomes `target_width`, aspect kept, never upscaled."""
    return _scaled(width, height, min(1.0, target_width / width))


def _scaled(width: int, height: int, scale: float) -> tuple[int, int]:
    if scale >= 1.0:
        return width, height
    return max(1, round(width * scale)), max(1, round(height * scale))
