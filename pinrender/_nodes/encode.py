"""Encode an image (pyvips or Pillow) to bytes: the node whose value is worth caching."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips

from .._codecs import encode, source_format
from .._codecs.light import AUTO_FORMATS, encode_auto
from .._errors import RenderError
from .._formats import FORMATS
from .._graph import ExecutionContext, Node


def written_format(requested: str | None, image: Any) -> str:
    """The format an Encode writes: the requested one, else the source's own where pinrender can
    write it (else its stand-in, `ImageFormat.written_as`), else PNG."""
    if requested is not None:
        return requested
    source = source_format(image) if isinstance(image, pyvips.Image) else None
    found = FORMATS.get(source or "")
    return found.written_as if found is not None else "png"


@dataclass(frozen=True)
class Encode(Node):
    """`format=None` keeps the source's format where it can be written (see `written_format`);
    `auto` / `auto-webp` write the lightest of a few encodings that still look lossless
    (`_codecs/light.py`): which one is known only once the pixels are."""

    image: Node
    format: str | None
    quality: int | None = None
    keep_metadata: bool = False
    kind = "encode"
    cacheable = True

    def run(self, ctx: ExecutionContext, *inputs: Any) -> bytes:
        (image,) = inputs
        if self.format in AUTO_FORMATS:
            self._check_size(ctx, image)
            return encode_auto(image, AUTO_FORMATS[self.format])
        self._check_size(ctx, image)
        fmt = written_format(self.format, image)
        return encode(image, fmt, self.quality, keep_metadata=self.keep_metadata,
                      animated=FORMATS[fmt].animated)

    def _check_size(self, ctx: ExecutionContext, image: Any) -> None:
        limit = ctx.services.limits.max_output_pixels
        if isinstance(image, pyvips.Image) and image.width * image.height > limit:
            raise RenderError(f"the output would be {image.width}x{image.height}, over the "
                              f"limit of {limit} pixels")
