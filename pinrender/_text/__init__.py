"""Text: fonts, shaping with fallback and bidi, line breaking, auto-fit, and painting.

layout_text(layer, fonts) -> TextLayout     measure and break; pure, no pixels
draw_text(layer, layout, fonts) -> Image    paint a layout into an RGBA image of the layer box
default_fonts() -> FontRegistry             bundled fonts/ plus system fonts, process-wide
"""

from __future__ import annotations

from .draw import draw_text
from .layout import Line, TextLayout, layout_text
from .registry import FamilyInfo, FontRegistry, default_fonts

__all__ = [
    "FamilyInfo",
    "FontRegistry",
    "Line",
    "TextLayout",
    "default_fonts",
    "draw_text",
    "layout_text",
]
