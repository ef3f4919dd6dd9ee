"""Text: fonts, shaping with fallback and bidi, line breaking, auto-fit, and painting.

layout_text(layer, fonts) -> TextLayout     measure and break; pure, no pixels
draw_text(layer, layout, fonts) -> Image    paint a layout into an RGBA image of the layer box
default_fonts() -> FontRegistry             bundled fonts/ plus system fonts, process-wide
user_fonts(base, paths) -> FontRegistry     a copy of `base` with the user's files and folders
missing_scripts(fonts) -> [Script]          writing systems no font covers (they draw as boxes)
shaping_status() -> ShapingStatus           whether Pillow's raqm layout (HarfBuzz) is usable
"""

from __future__ import annotations

from .draw import draw_text
from .layout import ShapedLine, TextLayout, layout_text
from .registry import FamilyInfo, FontRegistry, default_fonts, user_fonts
from .scripts import SCRIPTS, Script, missing_scripts
from .shaping import ShapingStatus
from .shaping import status as shaping_status

__all__ = [
    "SCRIPTS",
    "FamilyInfo",
    "FontRegistry",
    "ShapedLine",
    "Script",
    "ShapingStatus",
    "TextLayout",
    "default_fonts",
    "draw_text",
    "layout_text",
    "missing_scripts",
    "shaping_status",
    "user_fonts",
]
