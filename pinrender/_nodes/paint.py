"""Paints: a solid colour or a CSS linear or radial gradient, filled into a box."""

from __future__ import annotations

import itertools
import math

import pyvips
from PIL import Image

from .._color import parse_color
from .._geometry import parse_position
from .._model import LinearGradient, Paint, RadialGradient
from .pixels import vips_to_pil

LUT_SIZE = 256
# Where the 0-1 gradient parameter may run past its last stop (a radial gradient's corners),
# the LUT index is clamped, so the last colour extends, as CSS says.
_PremulColour = tuple[float, float, float, float]


def _premultiplied(colour: tuple[int, int, int, int]) -> _PremulColour:
    r, g, b, a = colour
    return (r * a / 255, g * a / 255, b * a / 255, float(a))


def _gradient_lut(gradient: LinearGradient | RadialGradient) -> pyvips.Image:
    """A LUT_SIZE x 1 RGBA strip: the gradient's colour at each position along its line.

    CSS interpolates in premultiplied alpha, so a fade to `transparent` does not pass through grey.
    """
    stops = [(s.offset, _premultiplied(parse_color(s.color))) for s in gradient.stops]
    row: list[int] = []
    for i in range(LUT_SIZE):
        t = i / (LUT_SIZE - 1)
        colour = stops[0][1] if t <= stops[0][0] else stops[-1][1]
        if stops[0][0] < t < stops[-1][0]:
            for (o1, c1), (o2, c2) in itertools.pairwise(stops):
                if o1 <= t <= o2:
                    f = 0.0 if o2 == o1 else (t - o1) / (o2 - o1)
                    colour = tuple(a + (b - a) * f for a, b in zip(c1, c2))  # type: ignore[assignment]
                    break
        r, g, b, a = colour
        scale = 255 / a if a else 0.0
        row.extend((round(r * scale), round(g * scale), round(b * scale), round(a)))
    return pyvips.Image.new_from_memory(bytes(row), LUT_SIZE, 1, 4, "uchar")


def gradient_angle(gradient: LinearGradient, width: int, height: int) -> float:
    """The angle in degrees; for `to <corner>`, the one whose 50% line joins the two other
    corners (CSS Images 3), which depends on the box's aspect ratio."""
    if gradient.corner is None:
        return gradient.angle
    vertical, horizontal = gradient.corner.split()
    sx = 1.0 if horizontal == "right" else -1.0
    sy = 1.0 if vertical == "bottom" else -1.0
    return math.degrees(math.atan2(sx * height, -sy * width))


def linear_gradient(width: int, height: int, gradient: LinearGradient) -> Image.Image:
    """CSS linear-gradient(angle, stops) over a box: 0deg points up, 90deg right, 180deg down."""
    angle = math.radians(gradient_angle(gradient, width, height))
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


def radial_radii(gradient: RadialGradient, width: int, height: int,
                 cx: float, cy: float) -> tuple[float, float]:
    """The ending shape's radii (rx, ry) in px, from `radius` or a CSS extent keyword."""
    if gradient.radius is not None:
        return gradient.radius[0], gradient.radius[1]
    sides_x, sides_y = (abs(cx), abs(width - cx)), (abs(cy), abs(height - cy))
    pick = min if gradient.size.startswith("closest") else max
    if gradient.shape == "circle":
        if gradient.size.endswith("side"):
            r = pick(*sides_x, *sides_y)
        else:
            r = pick(math.hypot(x, y) for x in sides_x for y in sides_y)
        return r, r
    rx, ry = pick(sides_x), pick(sides_y)
    if gradient.size.endswith("corner"):
        # An ellipse with the -side ellipse's aspect ratio through the corner: scaled by sqrt 2.
        rx, ry = rx * math.sqrt(2), ry * math.sqrt(2)
    return rx, ry


def radial_gradient(width: int, height: int, gradient: RadialGradient) -> Image.Image:
    """CSS radial-gradient: t = the pixel centre's distance from the centre in ending-shape units."""
    position = parse_position(gradient.position)
    cx, cy = position.x.place(width), position.y.place(height)
    rx, ry = (max(r, 1e-3) for r in radial_radii(gradient, width, height, cx, cy))
    xy = pyvips.Image.xyz(width, height)
    u = (xy[0] + (0.5 - cx)) * (1 / rx)
    v = (xy[1] + (0.5 - cy)) * (1 / ry)
    t = (u * u + v * v) ** 0.5
    index = (t * (LUT_SIZE - 1) + 0.5).cast("uchar")
    return vips_to_pil(index.maplut(_gradient_lut(gradient)))


def fill(width: int, height: int, paint: Paint) -> Image.Image:
    if isinstance(paint, str):
        return Image.new("RGBA", (width, height), parse_color(paint))
    if isinstance(paint, RadialGradient):
        return radial_gradient(width, height, paint)
    return linear_gradient(width, height, paint)
