"""Shape nodes: a filled canvas and rect layers with border and radius."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops

from .._color import parse_color
from .._graph import ExecutionContext, Node
from .._model import Paint
from .paint import fill
from .pixels import apply_mask, rounded_mask


@dataclass(frozen=True)
class Fill(Node):
    """A box filled with a colour or a gradient: the canvas background."""

    kind = "fill"
    width: int
    height: int
    paint: Paint

    def run(self, ctx: ExecutionContext) -> Image.Image:
        return fill(self.width, self.height, self.paint)


@dataclass(frozen=True)
class Shape(Node):
    """A rectangle: fill, an inside border (CSS border-box), rounded corners."""

    kind = "shape"
    width: int
    height: int
    paint: Paint
    border_width: float = 0.0
    border_color: str = "#000000"
    radii: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    def run(self, ctx: ExecutionContext) -> Image.Image:
        w, h = self.width, self.height
        rounded = any(r >= 0.5 for r in self.radii)
        image = fill(w, h, self.paint)
        outer = rounded_mask(w, h, self.radii) if rounded else None
        bw = round(self.border_width)
        if bw > 0:
            inner_w, inner_h = max(0, w - 2 * bw), max(0, h - 2 * bw)
            inner = Image.new("L", (w, h), 0)
            if inner_w and inner_h:
                inner_radii = tuple(max(0.0, r - bw) for r in self.radii)
                inner.paste(rounded_mask(inner_w, inner_h, inner_radii), (bw, bw))  # type: ignore[arg-type]
            ring = ImageChops.invert(inner)
            if outer is not None:
                ring = ImageChops.multiply(ring, outer)
            border = Image.new("RGBA", (w, h), parse_color(self.border_color))
            border.putalpha(ImageChops.multiply(border.getchannel("A"), ring))
            image.alpha_composite(border)
        if outer is not None:
            image = apply_mask(image, outer)
        return image
