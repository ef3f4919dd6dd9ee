"""Clip: a paint shown only where a mask is drawn (CSS `background-clip: text`), so a title can
be filled with a gradient while its glyphs are shaped and cached as for a plain colour."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

from .._graph import ExecutionContext, Node


@dataclass(frozen=True)
class Clip(Node):
    """`paint` with its alpha multiplied by `mask`'s (both the same size)."""

    kind = "clip"
    paint: Node
    mask: Node

    def run(self, ctx: ExecutionContext, paint: Image.Image, mask: Image.Image) -> Image.Image:
        out = paint.copy()
        out.putalpha(ImageChops.multiply(paint.getchannel("A"), mask.getchannel("A")))
        return out
