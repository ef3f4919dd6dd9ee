"""Loaded FreeType fonts, cached by (file, face, size, weight), and shaped-width measurement."""

from __future__ import annotations

import threading
from collections import OrderedDict
from functools import lru_cache

from PIL import ImageFont

from .matching import Match
from .shaping import layout_engine

# Each FreeTypeFont holds a FreeType face (tens of KB); a bounded LRU keeps the hot ones.
MAX_FONTS = 128
MAX_WIDTHS = 20_000

_lock = threading.Lock()
_fonts: OrderedDict[tuple[str, int, float, int], ImageFont.FreeTypeFont] = OrderedDict()
_widths: OrderedDict[tuple[str, int, float, int, str, str, str | None], float] = OrderedDict()


def load_size(match: Match, size: float) -> float:
    """The size to load at: a colour bitmap font only exists at its strike sizes."""
    if match.face.strikes:
        return float(match.face.strikes[-1])
    return size


def scale_for(match: Match, size: float) -> float:
    """Factor from the loaded size to the wanted size (1 except for bitmap fonts)."""
    return size / load_size(match, size)


def get_font(match: Match, size: float) -> ImageFont.FreeTypeFont:
    real = round(load_size(match, size), 3)
    weight = match.weight if match.face.variable else 0
    key = (match.face.path, match.face.index, real, weight)
    with _lock:
        font = _fonts.get(key)
        if font is not None:
            _fonts.move_to_end(key)
            return font
    font = ImageFont.truetype(match.face.path, real, index=match.face.index, layout_engine=layout_engine())
    if match.face.variable:
        _set_weight(font, match.face.axes, match.weight)
    with _lock:
        _fonts[key] = font
        while len(_fonts) > MAX_FONTS:
            _fonts.popitem(last=False)
    return font


def _set_weight(font: ImageFont.FreeTypeFont, tags: tuple[str, ...], weight: int) -> None:
    # Pillow lists axes in fvar order, the same order fontTools read the tags in.
    axes = font.get_variation_axes()
    values = [
        float(weight if tag == "wght" else axis["default"] or 0) for tag, axis in zip(tags, axes)
    ]
    font.set_variation_by_axes(values)


def direction_arg(rtl: bool) -> str | None:
    if layout_engine() != ImageFont.Layout.RAQM:
        return None
    return "rtl" if rtl else "ltr"


def language_arg(lang: str | None) -> str | None:
    """The BCP 47 tag for raqm (HarfBuzz picks the font's `locl` glyphs for it); BASIC has none."""
    if lang is None or layout_engine() != ImageFont.Layout.RAQM:
        return None
    return lang


def measure(match: Match, size: float, text: str, rtl: bool = False,
            lang: str | None = None) -> float:
    """Shaped advance width of `text` drawn with one face at `size` px (kerning, ligatures)."""
    weight = match.weight if match.face.variable else 0
    key = (match.face.path, match.face.index, round(size, 3), weight, text, "r" if rtl else "l",
           lang)
    with _lock:
        found = _widths.get(key)
    if found is not None:
        return found
    font = get_font(match, size)
    width = font.getlength(text, direction=direction_arg(rtl), language=language_arg(lang))
    width *= scale_for(match, size)
    with _lock:
        _widths[key] = width
        if len(_widths) > MAX_WIDTHS:
            for _ in range(MAX_WIDTHS // 4):
                _widths.popitem(last=False)
    return width


@lru_cache(maxsize=4096)
def ink_extent(match: Match, size: float, text: str, rtl: bool = False,
               lang: str | None = None) -> tuple[float, float]:
    """How far the drawn glyphs of `text` reach above and below the baseline, in px."""
    font = get_font(match, size)
    scale = scale_for(match, size)
    mode = "RGBA" if match.face.bitmap else "L"
    box = font.getbbox(text, mode=mode, anchor="ls", direction=direction_arg(rtl),
                       language=language_arg(lang))
    return max(0.0, -box[1] * scale), max(0.0, box[3] * scale)
