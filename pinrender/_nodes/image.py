"""Image layer nodes: fit a decoded image into a box, round its corners, fade it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips
from PIL import Image

from .._errors import DecodeError
from .._geometry import fit, parse_position
from .._graph import ExecutionContext, Node
from .pixels import apply_mask, rounded_mask, vips_to_pil


def fit_image(image: pyvips.Image, width: int, height: int, mode: str,
              position: str) -> Image.Image:
    """CSS object-fit/object-position of a decoded sRGB image into a `width` x `height` RGBA box."""
    pos = parse_position(position)
    if image.bands in (2, 4):
        image = image.premultiply()
    placement = fit(image.width, image.height, width, height, mode, pos)
    target_w, target_h = round(placement.width), round(placement.height)
    if mode == "cover":  # rounding must never leave a transparent hairline at an edge
        target_w, target_h = max(width, target_w), max(height, target_h)
    target_w, target_h = max(1, target_w), max(1, target_h)
    if (target_w, target_h) != (image.width, image.height):
        image = image.resize(target_w / image.width, vscale=target_h / image.height)
    if pos.smart and mode == "cover":
        # smartcrop looks at the whole image before cutting: it needs random access, and the
        # image is already scaled to about the box, so holding it in memory is cheap
        image = image.copy_memory().smartcrop(width, height, interesting=pos.smart)
        left = top = 0
    else:
        left, top = round(placement.left), round(placement.top)
    if image.bands in (2, 4):
        image = image.unpremultiply().cast("uchar")
    else:
        image = image.cast("uchar").bandjoin_const(255)
    if (left, top, image.width, image.height) != (0, 0, width, height):
        image = image.embed(left, top, width, height, extend="background", background=[0] * image.bands)
    return vips_to_pil(image)


@dataclass(frozen=True)
class Fit(Node):
    """Scale and crop or pad an image into a box, as CSS object-fit and object-position do."""

    kind = "fit"
    failure = DecodeError  # the first node to pull a source's pixels: damage shows itself here
    image: Node
    width: int
    height: int
    mode: str = "cover"
    position: str = "center"

    def run(self, ctx: ExecutionContext, image: Any) -> Image.Image:
        return fit_image(image, self.width, self.height, self.mode, self.position)


@dataclass(frozen=True)
class RoundCorners(Node):
    """Anti-aliased rounded corners: radii top-left, top-right, bottom-right, bottom-left."""

    kind = "round"
    image: Node
    radii: tuple[float, float, float, float]

    def run(self, ctx: ExecutionContext, image: Image.Image) -> Image.Image:
        return apply_mask(image, rounded_mask(image.width, image.height, self.radii))


@dataclass(frozen=True)
class Opacity(Node):
    kind = "opacity"
    image: Node
    opacity: float

    def run(self, ctx: ExecutionContext, image: Image.Image) -> Image.Image:
        out = image.copy()
        alpha = image.getchannel("A").point(lambda v: round(v * self.opacity))
        out.putalpha(alpha)
        return out
