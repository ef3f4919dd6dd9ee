"""The text node: lay out and draw a text layer into its box."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from .._graph import ExecutionContext, Node
from .._model import TextLayer


@dataclass(frozen=True)
class Text(Node):
    """A text layer drawn into a transparent box of the layer's size.

    `layer` is placed at the origin with full opacity: position and fading are other nodes'
    work, so moving or fading a title does not re-shape it. `fonts` is the font registry's
    fingerprint, so installing a font changes the key of text it may affect.
    """

    kind = "text"
    layer: TextLayer
    fonts: str

    def run(self, ctx: ExecutionContext) -> Image.Image:
        from .._text import draw_text, layout_text

        fonts = ctx.services.fonts
        return draw_text(self.layer, layout_text(self.layer, fonts), fonts)
