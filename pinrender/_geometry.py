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


# Transforms: imgix-style frames (`w`, `h`, `fit`, `crop`, focal point), planned from the source's
# full size alone, so the same arithmetic serves the node and a Pillow reference in the tests.
FitMode = Literal["clip", "crop", "fill", "max", "min", "scale"]
FIT_MODES: tuple[FitMode, ...] = ("clip", "crop", "fill", "max", "min", "scale")
GravityMode = Literal["align", "focal", "attention", "entropy"]


@dataclass(frozen=True)
class Gravity:
    """Where a crop window (or, for `fill`, the image on its padded canvas) sits: `align` puts
    the window at fractions (x, y) of the free space (0 left/top, 1 right/bottom); `focal`
    centres it on the point (x, y), fractions of the image, clamped inside; `attention` and
    `entropy` let libvips choose from the content."""

    mode: GravityMode = "align"
    x: float = 0.5
    y: float = 0.5


@dataclass(frozen=True)
class FrameLayout:
    """A frame of a `source` image: scaled to `scaled`, then cut to `crop` (left, top, width,
    height in the scaled image) or placed on a `canvas` (width, height, left, top) padded with
    the background. At most one of `crop` and `canvas`."""

    scaled: tuple[int, int]
    crop: tuple[int, int, int, int] | None = None
    canvas: tuple[int, int, int, int] | None = None

    @property
    def size(self) -> tuple[int, int]:
        if self.crop is not None:
            return self.crop[2], self.crop[3]
        if self.canvas is not None:
            return self.canvas[0], self.canvas[1]
        return self.scaled


def frame_layout(source_w: int, source_h: int, width: int | None, height: int | None,
                 fit: FitMode = "clip", gravity: Gravity = Gravity()) -> FrameLayout:
    """The imgix `fit` modes, never upscaling except `scale` and `fill` (which are asked for):

    clip, max   the whole image inside width x height, aspect kept
    crop, min   the box's aspect ratio, cut at the gravity; a source smaller than the box is cut
                to the box's aspect at its own size rather than upscaled (so crop == min here)
    fill        the whole image inside the box, scaled to touch it, padded to exactly the box
    scale       exactly width x height, aspect ignored

    A missing side follows from the other by the source's aspect ratio.
    """
    if min(source_w, source_h) <= 0:
        raise ValueError("sizes must be positive")
    if width is None and height is None:
        return FrameLayout((source_w, source_h))
    if width is None:
        width = max(1, round(source_w * height / source_h))  # type: ignore[operator]
    if height is None:
        height = max(1, round(source_h * width / source_w))
    if fit == "scale":
        return FrameLayout((width, height))
    if fit in ("clip", "max"):
        scale = min(width / source_w, height / source_h, 1.0)
        return FrameLayout(_scaled(source_w, source_h, scale))
    if fit == "fill":
        scale = min(width / source_w, height / source_h)
        w, h = max(1, min(width, round(source_w * scale))), max(1, min(height, round(source_h * scale)))
        left, top = _place(width - w, height - h, w, h, gravity)
        return FrameLayout((w, h), canvas=(width, height, left, top))
    if fit not in ("crop", "min"):
        raise ValueError(f"unknown fit {fit!r}")
    scale = max(width / source_w, height / source_h)
    if scale > 1.0:
        # Too small to cover the box: the largest window of the box's aspect, at full size.
        w = min(source_w, max(1, round(source_h * width / height)))
        h = min(source_h, max(1, round(source_w * height / width)))
        scaled = (source_w, source_h)
    else:
        scaled = (max(width, round(source_w * scale)), max(height, round(source_h * scale)))
        w, h = width, height
    left, top = _place(scaled[0] - w, scaled[1] - h, scaled[0], scaled[1], gravity, window=(w, h))
    return FrameLayout(scaled, crop=(left, top, w, h))


def _place(free_w: int, free_h: int, full_w: int, full_h: int, gravity: Gravity,
           window: tuple[int, int] | None = None) -> tuple[int, int]:
    """The offset of a window (crop) or an image (fill) in `free_*` spare pixels."""
    if gravity.mode == "focal" and window is not None:
        left = round(gravity.x * full_w - window[0] / 2)
        top = round(gravity.y * full_h - window[1] / 2)
        return max(0, min(free_w, left)), max(0, min(free_h, top))
    x, y = (gravity.x, gravity.y) if gravity.mode == "align" else (0.5, 0.5)
    return round(free_w * x), round(free_h * y)
