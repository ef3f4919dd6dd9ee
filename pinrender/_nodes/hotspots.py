"""Hotspot markers drawn onto an image: numbered, anti-aliased discs in each hotspot's colour.

This is what a share card (og:image) shows of an interactive image: the picture with a visible
marker wherever the live widget would put one. Markers scale with the image so they read the same
on a 600-pixel and a 2000-pixel card.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyvips
from PIL import Image, ImageDraw, ImageFont

from .._graph import ExecutionContext, Node
from .pixels import SUPERSAMPLE, paste_over, vips_to_pil

RING = (255, 255, 255, 255)
SHADOW = (0, 0, 0, 90)


@dataclass(frozen=True)
class Marker:
    x: float  # percent of the width, 0-100
    y: float  # percent of the height, 0-100
    color: tuple[int, int, int, int]
    label: str  # drawn inside the disc, usually its 1-based number


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    # Pillow's bundled scalable face: digits only, so no shaping or fallback is needed here.
    return ImageFont.load_default(size=size)


def marker_radius(width: int, height: int) -> int:
    return max(8, round(min(width, height) * 0.035))


def draw_marker(radius: int, color: tuple[int, int, int, int], label: str) -> Image.Image:
    """One marker as an RGBA patch of side 2 * (radius + 2), drawn big and box-filtered down."""
    side = 2 * (radius + 2)
    s = SUPERSAMPLE
    big = Image.new("RGBA", (side * s, side * s), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    c = side * s / 2
    r = radius * s
    draw.ellipse((c - r, c - r + s, c + r, c + r + s), fill=SHADOW)  # a 1-pixel drop shadow
    draw.ellipse((c - r, c - r, c + r, c + r), fill=RING)
    inner = r * 0.84
    draw.ellipse((c - inner, c - inner, c + inner, c + inner), fill=color[:3] + (255,))
    if label:
        font = _font(max(6, round(inner * (0.95 if len(label) == 1 else 0.8))))
        draw.text((c, c), label, font=font, fill=(255, 255, 255, 255), anchor="mm")
    return big.resize((side, side), Image.Resampling.BOX)


@dataclass(frozen=True)
class HotspotOverlay(Node):
    image: Node
    markers: tuple[Marker, ...]
    kind = "hotspots"

    def run(self, ctx: ExecutionContext, *inputs: Any) -> Image.Image:
        (source,) = inputs
        canvas = vips_to_pil(source) if isinstance(source, pyvips.Image) else source.convert("RGBA")
        canvas = canvas.copy()
        radius = marker_radius(canvas.width, canvas.height)
        for marker in self.markers:
            patch = draw_marker(radius, marker.color, marker.label)
            cx = round(canvas.width * marker.x / 100)
            cy = round(canvas.height * marker.y / 100)
            paste_over(canvas, patch, cx - patch.width // 2, cy - patch.height // 2)
        return canvas
