"""Source-side nodes: the bytes of a source, decoded (shrunk on load), oriented and in sRGB."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips

from .._codecs import ShrinkHint, decode
from .._codecs.ops import orient, to_srgb
from .._errors import DecodeError, SourceError
from .._graph import ExecutionContext, Node, digest
from .._sources import SourceRef

__all__ = ["Decode", "Orient", "ShrinkHint", "Source", "ToSrgb"]


@dataclass(frozen=True)
class Source(Node):
    """The bytes of a source. Keyed by the source's content digest, never by its bytes."""

    ref: SourceRef
    kind = "source"
    cacheable = False  # the loader keeps its own byte-bounded cache of fetched URLs
    failure = SourceError

    @property
    def key(self) -> str:
        return digest(self.kind, self.ref.digest)

    def run(self, ctx: ExecutionContext, *inputs: Any) -> bytes:
        return ctx.services.load(self.ref)


@dataclass(frozen=True)
class Decode(Node):
    """A lazy pyvips image of the source; with a hint it may be shrunk on load, never below
    what covering / fitting the hint's box needs; `animated` keeps every frame."""

    source: Node
    hint: ShrinkHint | None = None
    animated: bool = False
    kind = "decode"
    cacheable = False  # lazy: it costs nothing until pixels are pulled through it
    failure = DecodeError

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        (data,) = inputs
        # The estimate is reserved from the process's decode budget before the decoder starts;
        # the executor gives it back once every image derived from this one is released.
        return decode(data, ctx.services.limits, hint=self.hint, animated=self.animated,
                      reserve=ctx.reserve)


@dataclass(frozen=True)
class Orient(Node):
    """Applies the EXIF orientation, so nothing downstream ever sees a rotated image."""

    image: Node
    kind = "orient"
    cacheable = False
    failure = DecodeError

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        return orient(inputs[0])


@dataclass(frozen=True)
class ToSrgb(Node):
    """8-bit sRGB: ICC profiles and CMYK converted, 16-bit reduced, alpha kept."""

    image: Node
    kind = "to_srgb"
    cacheable = False
    failure = DecodeError

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        return to_srgb(inputs[0])
