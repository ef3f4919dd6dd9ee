"""Resize by a transform size rule: never upscaling, Lanczos3, frame by frame."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import pyvips

from .._codecs.ops import resize
from .._errors import DecodeError
from .._graph import ExecutionContext, Node

SizeRule = Literal["short_edge", "width"]


@dataclass(frozen=True)
class Resize(Node):
    image: Node
    rule: SizeRule
    target: int
    kind = "resize"
    cacheable = False  # lazy; the encoded result after it is what is worth keeping
    failure = DecodeError  # lazy too: pixels of a damaged source may first fail here

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        return resize(inputs[0], self.rule, self.target)
