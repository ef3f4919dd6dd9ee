"""Paints: a solid colour or a CSS linear gradient, filled into a box."""

from __future__ import annotations

import itertools
import math

import pyvips
from PIL import Image

from .._color import parse_color
from .._model import LinearGradient, Paint
from .pixels import vips_to_pil

LUT_SIZE = 256


def _gradient_lut(gradient: LinearGradient) -> pyvips.Image:
    """A LUT_SIZE x 1 RGBA strip: the gradient's colour at each position along its line."""
    stops = [(s.offset, parse_color(s.color)) for s in gradient.stops]
    row: list[int] = []
    for i in range(LUT_SIZE):
        t = i / (LUT_SIZE - 1)
        if t <= stops[0][0]:
            colour = stops[0][1]
        elif t >= stops[-1][0]:
            colour = stops[-1][1]
        else:
            for (o1, c1), (o2, c2) in itertools.pairwise(stops):
                if o1 <= t <= o2:
                    f = 0.0 if o2 == o1 else (t - o1) / (o2 - o1)
                    colour = tuple(round(a + (b - a) * f) for a, b in zip(c1, c2))  # type: ignore[assignment]
                    break
        row.extend(colour)
    return pyvips.Image.new_from_memory(bytes(row), LUT_SIZE, 1, 4, "uchar")


def linear_gradient(width: int, height: int, gradient: LinearGradient) -> Image.Image:
    """CSS linear-gradient(angle, stops) over a box: 0deg points up, 90deg right, 180deg down."""
    angle = math.radians(gradient.angle)
    dx, dy = math.sin(angle), -math.cos(angle)
    # CSS: the gradient line is long enough that the corners get the first and last colours.
    length = abs(width * dx) + abs(height * dy) or 1.0
    xy = pyvips.Image.xyz(width, height)
    # t = ((x - cx) * dx + (y - cy) * dy) / length + 0.5, as a LUT index
    scale = (LUT_SIZE - 1) / length
    offset = (0.5 - ((width - 1) / 2 * dx + (height - 1) / 2 * dy) / length) * (LUT_SIZE - 1) + 0.5
    t = xy[0] * (dx * scale) + xy[1] * (dy * scale) + offset
    index = t.cast("uchar")  # cast clamps to 0..255
    return vips_to_pil(index.maplut(_gradient_lut(gradient)))


def fill(width: int, height: int, paint: Paint) -> Image.Image:
    if isinstance(paint, str):
        return Image.new("RGBA", (width, height), parse_color(paint))
    return linear_gradient(width, height, paint)
