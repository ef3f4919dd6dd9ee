"""Unicode bidi (UAX #9) embedding levels from GNU FriBidi, the library raqm itself uses.

Pillow's raqm layout already needs libfribidi at run time, so calling it through ctypes adds no
dependency. Without it (Pillow's basic layout) every paragraph is laid out left to right.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import lru_cache

_PAR_ON = 0x40  # FRIBIDI_PAR_ON: direction from the first strong character, LTR if none
_PAR_RTL = 0x111


@lru_cache(maxsize=1)
def _lib() -> ctypes.CDLL | None:
    for name in (ctypes.util.find_library("fribidi"), "libfribidi.so.0", "libfribidi.0.dylib"):
        if not name:
            continue
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.fribidi_get_bidi_types.restype = None
        lib.fribidi_get_bracket_types.restype = None
        lib.fribidi_get_par_embedding_levels_ex.restype = ctypes.c_byte
        return lib
    return None


def available() -> bool:
    return _lib() is not None


@lru_cache(maxsize=4096)
def embedding_levels(text: str) -> tuple[bool, tuple[int, ...]]:
    """(paragraph is RTL, one level per code point) for one paragraph of text."""
    lib = _lib()
    n = len(text)
    if lib is None or n == 0 or all(ord(c) < 0x0590 for c in text):
        return False, (0,) * n
    chars = (ctypes.c_uint32 * n)(*map(ord, text))
    types = (ctypes.c_uint32 * n)()
    brackets = (ctypes.c_uint32 * n)()
    levels = (ctypes.c_byte * n)()
    par = ctypes.c_uint32(_PAR_ON)
    lib.fribidi_get_bidi_types(chars, n, types)
    lib.fribidi_get_bracket_types(chars, n, types, brackets)
    if lib.fribidi_get_par_embedding_levels_ex(types, brackets, n, ctypes.byref(par), levels) == 0:
        return False, (0,) * n
    return par.value == _PAR_RTL, tuple(levels)


def visual_order(levels: list[int]) -> list[int]:
    """UAX #9 rule L2: indices of items (runs) in display order, left to right."""
    order = list(range(len(levels)))
    if not levels:
        return order
    highest = max(levels)
    lowest_odd = min((lvl for lvl in levels if lvl % 2), default=highest + 1)
    for level in range(highest, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= level:
                j = i
                while j < len(order) and levels[order[j]] >= level:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order
