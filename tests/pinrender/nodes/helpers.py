"""What the node tests share: run one node (with its inputs) through the executor, and small
images whose every pixel is known."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pyvips
from PIL import Image

import pinrender
from pinrender._graph import ExecutionContext, Node, execute
from pinrender._nodes.source import Source
from tests.images import encoded

SERVICES = pinrender.Services(pinrender.SafeLoader(allow_local=False), pinrender.default_fonts())


def run(node: Node, services: pinrender.Services = SERVICES) -> Any:
    """The node's value: a Pillow image, a libvips image or bytes, as the node makes it."""
    return execute(node, ExecutionContext(services))


def pil(value: Any) -> Image.Image:
    """A node's image value as a Pillow image, pixels pulled."""
    if isinstance(value, pyvips.Image):
        value = Image.open(io.BytesIO(value.pngsave_buffer()))
    value.load()
    return value


def source(data: bytes) -> Source:
    return Source(pinrender.source_ref(data, allow_local=False))


@dataclass(frozen=True)
class Painted(Node):
    """A node whose value is a given Pillow image (its PNG, in hex, is the parameter, so it has a
    key): the input for testing one node kind alone."""

    kind = "test-painted"
    png_hex: str

    @classmethod
    def of(cls, image: Image.Image) -> Painted:
        return cls(encoded(image).hex())

    def run(self, ctx: ExecutionContext) -> Image.Image:
        image = Image.open(io.BytesIO(bytes.fromhex(self.png_hex)))
        image.load()
        return image
