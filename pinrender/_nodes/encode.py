"""Encode an image (pyvips or Pillow) to bytes: the node whose value is worth caching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips

from .._codecs import encode, source_format
from .._errors import RenderError
from .._graph import ExecutionContext, Node

# Where the source's own format cannot be written, what "keep the format" becomes.
WRITABLE = {"jpeg": "jpeg", "png": "png", "webp": "webp", "avif": "avif", "gif": "gif",
            "svg": "png", "bmp": "png", "heic": "jpeg", "tiff": "png"}


def output_format(requested: str | None, image: Any) -> str:
    if requested is not None:
        return requested
    if isinstance(image, pyvips.Image):
        return WRITABLE.get(source_format(image) or "", "png")
    return "png"


@dataclass(frozen=True)
class Encode(Node):
    """`format=None` keeps the source's format where it can be written (see WRITABLE)."""

    image: Node
    format: str | None
    quality: int | None = None
    keep_metadata: bool = False
    kind = "encode"
    cacheable = True

    def run(self, ctx: ExecutionContext, *inputs: Any) -> bytes:
        (image,) = inputs
        fmt = output_format(self.format, image)
        limit = ctx.services.limits.max_output_pixels
        if isinstance(image, pyvips.Image) and image.width * image.height > limit:
            raise RenderError(f"the output would be {image.width}x{image.height}, over the "
                              f"limit of {limit} pixels")
        return encode(image, fmt, self.quality, keep_metadata=self.keep_metadata,
                      animated=fmt in ("webp", "gif"))
