"""Frame and matte: the imgix-style `w`/`h`/`fit`/`crop` of a transform, and its `bg`.

The arithmetic is `_geometry.frame_layout` (pure, planned from the source's full size); this node
only applies it to a lazy libvips image, frame by frame for animations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pyvips

from .._codecs.decode import FULL_HEIGHT, FULL_WIDTH
from .._codecs.ops import frame_size, per_frame, resize_to
from .._errors import DecodeError, RenderError
from .._geometry import FitMode, FrameLayout, Gravity, frame_layout
from .._graph import ExecutionContext, Node

RGBA = tuple[int, int, int, int]


def _with_alpha(image: pyvips.Image) -> pyvips.Image:
    return image if image.hasalpha() else image.bandjoin_const(255)


def apply_layout(image: pyvips.Image, layout: FrameLayout, gravity: Gravity,
                 background: RGBA | None) -> pyvips.Image:
    """One frame scaled, then cropped or padded as `layout` says."""
    image = resize_to(image, *layout.scaled)
    if layout.crop is not None:
        left, top, width, height = layout.crop
        if (width, height) == (image.width, image.height):
            return image
        if gravity.mode in ("attention", "entropy"):
            # smartcrop reads the whole (already scaled) frame before cutting: random access
            return image.copy_memory().smartcrop(width, height, interesting=gravity.mode)
        return image.crop(left, top, width, height)
    if layout.canvas is not None:
        width, height, left, top = layout.canvas
        if background is None:  # transparent padding; JPEG output flattens it on white
            image, fill = _with_alpha(image), [0, 0, 0, 0]
        elif background[3] < 255 or image.hasalpha():
            image, fill = _with_alpha(image), list(background)
        else:
            fill = list(background[:3])
        return image.embed(left, top, width, height, extend="background", background=fill)
    return image


@dataclass(frozen=True)
class Frame(Node):
    """`width` x `height` (either may be None: from the aspect ratio) by an imgix `fit` mode at
    a `gravity`; `fill` pads with `background` (None: transparent)."""

    image: Node
    width: int | None
    height: int | None
    fit: FitMode = "clip"
    gravity: Gravity = Gravity()
    background: RGBA | None = None
    kind = "frame"
    cacheable = False  # lazy, like resize: the encoded result is what is worth keeping
    failure = DecodeError

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        (image,) = inputs
        full_w, full_h = frame_size(image)
        if image.get_typeof(FULL_WIDTH):  # shrunk on load: plan from the full frame
            full_w, full_h = int(image.get(FULL_WIDTH)), int(image.get(FULL_HEIGHT))
        layout = frame_layout(full_w, full_h, self.width, self.height, self.fit, self.gravity)
        limits = ctx.services.limits
        out_w, out_h = layout.size
        biggest = max(out_w, out_h, *layout.scaled)
        if biggest > limits.max_canvas_side or out_w * out_h > limits.max_output_pixels:
            raise RenderError(f"the output would be {out_w}x{out_h}, over the limit of "
                              f"{limits.max_canvas_side} px a side")
        return per_frame(image, lambda frame: apply_layout(frame, layout, self.gravity,
                                                           self.background))


@dataclass(frozen=True)
class Matte(Node):
    """Transparent pixels composed over `background` (imgix `bg`); an opaque image is unchanged.
    A translucent background keeps an alpha channel (formats without one flatten on white)."""

    image: Node
    background: RGBA
    kind = "matte"
    cacheable = False
    failure = DecodeError

    def run(self, ctx: ExecutionContext, *inputs: Any) -> pyvips.Image:
        (image,) = inputs
        if not isinstance(image, pyvips.Image):
            raise RenderError("a matte goes under a decoded image, not a composed one")
        if not image.hasalpha():
            return image
        if self.background[3] == 255:
            return image.flatten(background=list(self.background[:3])).cast("uchar")
        under = (image.new_from_image(list(self.background)).copy(interpretation="srgb"))
        return under.composite2(image, "over").cast("uchar")
