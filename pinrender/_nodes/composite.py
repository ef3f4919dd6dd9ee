"""Composite: put one layer over what is below it."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from .._graph import ExecutionContext, Node
from .pixels import paste_over


@dataclass(frozen=True)
class Over(Node):
    """`layer` drawn over `below` with its box's top-left at (x, y), rotated about its centre.

    A template is a chain of these, one per layer, so a prefix of layers that many renders share
    (background, shade, logo) is composed once and found in the cache by key.
    """

    kind = "over"
    below: Node
    layer: Node
    x: float
    y: float
    rotation: float = 0.0

    def run(self, ctx: ExecutionContext, below: Image.Image, layer: Image.Image) -> Image.Image:
        canvas = below.copy()  # values may be cached: never draw into an input
        x, y = self.x, self.y
        if self.rotation % 360:
            w, h = layer.size
            # CSS rotates clockwise for positive angles; Pillow counter-clockwise.
            layer = layer.rotate(-self.rotation, resample=Image.Resampling.BICUBIC, expand=True)
            x -= (layer.width - w) / 2
            y -= (layer.height - h) / 2
        paste_over(canvas, layer, round(x), round(y))
        return canvas
