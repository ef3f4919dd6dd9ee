"""Which text layout engine Pillow offers, and a loud failure when text needs one it lacks.

Pillow's wheels carry HarfBuzz and raqm but load GNU FriBidi at run time; without it Pillow falls
back to its BASIC layout: no GPOS kerning or ligatures, Arabic unjoined, Devanagari unordered.
Text in such scripts is refused with the command that fixes it, since drawing it would be wrong;
other text renders with plain advances and one warning per process.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import ImageFont, features

from .._errors import RenderError
from .scripts import needs_shaping

log = logging.getLogger("pinrender")

FIX = "install GNU FriBidi: `apt-get install libfribidi0` (Debian/Ubuntu) or `brew install fribidi` (macOS)"


@dataclass(frozen=True)
class ShapingStatus:
    engine: Literal["raqm", "basic"]
    versions: str  # "raqm 0.10.1, HarfBuzz 10.0.1, FriBidi 1.0.8", empty for basic

    def describe(self) -> str:
        if self.engine == "raqm":
            return f"raqm (HarfBuzz shaping): {self.versions}"
        return ("BASIC (no shaping: Pillow's raqm layout cannot load FriBidi). Arabic, Hebrew, "
                f"Indic and Thai text is refused; Latin loses kerning and ligatures. Fix: {FIX}")


@lru_cache(maxsize=1)
def status() -> ShapingStatus:
    if not features.check_feature("raqm"):
        return ShapingStatus("basic", "")
    parts = [(name, features.version_feature(key)) for name, key in
             (("raqm", "raqm"), ("HarfBuzz", "harfbuzz"), ("FriBidi", "fribidi"))]
    return ShapingStatus("raqm", ", ".join(f"{name} {v}" for name, v in parts if v))


def layout_engine() -> ImageFont.Layout:
    return ImageFont.Layout.RAQM if status().engine == "raqm" else ImageFont.Layout.BASIC


_warned = threading.Event()


def require_shaping(text: str) -> None:
    """Raise RenderError if `text` needs a shaper and there is none; warn once for plain text."""
    if status().engine == "raqm":
        return
    script = needs_shaping(text)
    if script is not None:
        raise RenderError(f"{script} text needs a text shaper, and Pillow's raqm layout is "
                          f"unavailable because it cannot load FriBidi; {FIX}")
    if not _warned.is_set():
        _warned.set()
        log.warning("text is laid out without a shaper (Pillow's raqm layout cannot load FriBidi):"
                    " kerning and ligatures are off; %s", FIX)
