"""Stroke: CSS -webkit-text-stroke, a line of `width` centred on the outline of what is drawn,
painted over it.

The line is the drawn shape's coverage grown by width / 2 less the coverage shrunk by width / 2:
grey-scale dilation and erosion, so anti-aliased edges stay anti-aliased. The structuring element
is an octagon (3x3 squares alternating with crosses), close to a disc at every radius and cheap
(one small rank filter per pixel of radius).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pyvips
from PIL import Image

from .._color import parse_color
from .._graph import ExecutionContext, Node
from .pixels import alpha_to_vips, paste_over, tinted


def stroke_margin(width: float) -> int:
    return math.ceil(width / 2) + 1


def morph(alpha: pyvips.Image, radius: float, grow: bool) -> pyvips.Image:
    """Grey-scale dilation (`grow`) or erosion of a one-band mask by an octagon of `radius` px;
    a fractional radius blends the two nearest whole ones."""
    steps = math.ceil(radius)
    before = out = alpha
    for step in range(steps):
        before = out
        if step % 2 == 0:
            out = out.rank(3, 3, 8 if grow else 0)
        else:
            across, down = out.rank(3, 1, 2 if grow else 0), out.rank(1, 3, 2 if grow else 0)
            out = across.bandrank([down], index=1 if grow else 0)
    fraction = radius - math.floor(radius)
    if steps and fraction:
        out = before + (out - before) * fraction
    return out


@dataclass(frozen=True)
class Stroke(Node):
    """`image` with a `width` px line of `color` along its edges, in a box grown by
    stroke_margin(width) on every side (half the line lies outside the shape)."""

    kind = "stroke"
    image: Node
    width: float
    color: str

    def run(self, ctx: ExecutionContext, image: Image.Image) -> Image.Image:
        m = stroke_margin(self.width)
        alpha = alpha_to_vips(image, m)
        ring = morph(alpha, self.width / 2, True) - morph(alpha, self.width / 2, False)
        out = Image.new("RGBA", (image.width + 2 * m, image.height + 2 * m), (0, 0, 0, 0))
        paste_over(out, image, m, m)
        out.alpha_composite(tinted(ring, parse_color(self.color)))
        return out
