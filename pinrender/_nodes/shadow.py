"""Shadows: CSS text-shadow (a blurred, tinted copy of what is drawn) and box-shadow (a blurred,
tinted copy of the layer's rounded box, spread and shown outside the box only).

Blur is a real Gaussian (libvips gaussblur); CSS defines a blur radius r as a Gaussian of
standard deviation r / 2. Offsets are not part of a DropShadow, so one blurred title is shared by
every shadow that differs only in where it falls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyvips
from PIL import Image, ImageChops

from .._color import parse_color
from .._graph import ExecutionContext, Node
from .pixels import alpha_to_vips, mask_to_vips, rounded_mask, tinted

# gaussblur drops the kernel's tail below this amplitude: 1% is about 3 sigma, past which a
# shadow has no visible ink; libvips's own default (20%) would cut the falloff short.
MIN_AMPLITUDE = 0.01

Radii = tuple[float, float, float, float]


def sigma(blur: float) -> float:
    return blur / 2


def blur_margin(blur: float) -> int:
    """How far past its shape a shadow with this CSS blur radius can have ink."""
    return math.ceil(3.1 * sigma(blur)) + 1 if blur > 0 else 0


def blurred(mask: pyvips.Image, blur: float) -> pyvips.Image:
    if blur <= 0:
        return mask
    return mask.gaussblur(sigma(blur), min_ampl=MIN_AMPLITUDE).cast("uchar")


@dataclass(frozen=True)
class DropShadow(Node):
    """`image`'s alpha, blurred and tinted, in a box `margin` pixels larger on every side."""

    kind = "drop_shadow"
    image: Node
    blur: float
    color: str
    margin: int

    def run(self, ctx: ExecutionContext, image: Image.Image) -> Image.Image:
        return tinted(blurred(alpha_to_vips(image, self.margin), self.blur), parse_color(self.color))


def box_shadow_margin(x: float, y: float, blur: float, spread: float) -> int:
    return math.ceil(max(abs(x), abs(y)) + max(spread, 0.0)) + blur_margin(blur)


def _box(width: int, height: int, radii: Radii) -> Image.Image:
    if any(r >= 0.5 for r in radii):
        return rounded_mask(width, height, radii)
    return Image.new("L", (width, height), 255)


@dataclass(frozen=True)
class BoxShadow(Node):
    """The shadow of a `width` x `height` box with corner `radii`, in a box `margin` pixels
    larger on every side: the box grown by `spread` (its radii too, sharp corners staying sharp),
    moved by (x, y), blurred, tinted, and cut away where the box itself is (CSS draws an outer
    shadow only outside the border box, so it never shows through a translucent layer)."""

    kind = "box_shadow"
    width: int
    height: int
    radii: Radii
    x: float
    y: float
    blur: float
    spread: float
    color: str
    margin: int

    def run(self, ctx: ExecutionContext) -> Image.Image:
        m = self.margin
        size = (self.width + 2 * m, self.height + 2 * m)
        mask = Image.new("L", size, 0)
        w, h = round(self.width + 2 * self.spread), round(self.height + 2 * self.spread)
        if w > 0 and h > 0:
            radii = tuple(max(0.0, r + self.spread) if r > 0 else 0.0 for r in self.radii)
            mask.paste(_box(w, h, radii), (round(m - self.spread + self.x),  # type: ignore[arg-type]
                                           round(m - self.spread + self.y)))
        shadow = blurred(mask_to_vips(mask), self.blur)
        out = tinted(shadow, parse_color(self.color))
        hole = Image.new("L", size, 255)
        hole.paste(ImageChops.invert(_box(self.width, self.height, self.radii)), (m, m))
        out.putalpha(ImageChops.multiply(out.getchannel("A"), hole))
        return out
