"""Group: several drawn parts in one transparent box, so a layer and its shadows travel together
(one position, one rotation about one centre, one opacity)."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from .._graph import ExecutionContext, Node
from .pixels import paste_over


@dataclass(frozen=True)
class Group(Node):
    """`parts` drawn in order (the first at the bottom), each with its top-left at `offsets[i]`."""

    kind = "group"
    width: int
    height: int
    parts: tuple[Node, ...]
    offsets: tuple[tuple[int, int], ...]

    def run(self, ctx: ExecutionContext, *parts: Image.Image) -> Image.Image:
        canvas = Image.new("RGBA", (self.width, self.height), (0, 0, 0, 0))
        for part, (x, y) in zip(parts, self.offsets):
            paste_over(canvas, part, x, y)
        return canvas
