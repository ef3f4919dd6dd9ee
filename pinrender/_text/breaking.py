"""Line breaking of one paragraph: greedy (CSS `wrap`), `balance`, and the ellipsis cut.

Works on ICU's break units and a width function, so it knows nothing of fonts. Trailing spaces
hang past the line end as in CSS: they never cause a break and are not part of a line's width.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from .segment import break_units, clusters

Measure = Callable[[str], float]
ELLIPSIS = "…"
_HANGING = " \t"
_NO_BREAK_BEFORE = frozenset({"Pe", "Pf", "Po"})
_EPSILON = 0.01  # px; absorbs float noise when a line exactly fits


def trim(text: str) -> str:
    return text.rstrip(_HANGING)


def _split_anywhere(unit: str, width: float, measure: Measure) -> list[str]:
    """overflow-wrap: anywhere — cut a too-wide unit between grapheme clusters."""
    parts = list(clusters(unit))
    pieces: list[str] = []
    while parts:
        lo, hi = 1, len(parts)
        # The longest prefix that fits, found by bisection: widths grow with the prefix.
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if measure(trim("".join(parts[:mid]))) <= width + _EPSILON:
                lo = mid
            else:
                hi = mid - 1
        # Even inside a word, never start a line with closing punctuation (UAX #14 CL, EX, IS).
        while 1 < lo < len(parts) and unicodedata.category(parts[lo][0]) in _NO_BREAK_BEFORE:
            lo -= 1
        pieces.append("".join(parts[:lo]))
        parts = parts[lo:]
    return pieces


def greedy(paragraph: str, width: float, measure: Measure) -> list[str]:
    """Fill each line with as many break units as fit (what browsers do for `text-wrap: wrap`)."""
    lines: list[str] = []
    current = ""
    current_width = 0.0  # width of `current` including its trailing spaces
    for unit in break_units(paragraph):
        trimmed_width = measure(trim(unit))
        if current and current_width + trimmed_width <= width + _EPSILON:
            current += unit
            current_width += measure(unit)
            continue
        if current:
            lines.append(current)
            current, current_width = "", 0.0
        if trimmed_width <= width + _EPSILON:
            current, current_width = unit, measure(unit)
            continue
        *full, last = _split_anywhere(unit, width, measure)
        lines.extend(full)
        current, current_width = last, measure(last)
    if current or not lines:
        lines.append(current)
    return [trim(line) for line in lines]


def balance(paragraph: str, width: float, measure: Measure) -> list[str]:
    """CSS `text-wrap: balance`: as many lines as greedy, the longest of them as short as possible."""
    lines = greedy(paragraph, width, measure)
    if len(lines) < 2:
        return lines
    # The narrowest width giving the same line count; the count only grows as the width shrinks.
    lo = max(measure(trim(unit)) for unit in break_units(paragraph))
    lo = min(lo, width)
    hi = width
    best = lines
    for _ in range(14):
        if hi - lo < 0.5:
            break
        mid = (lo + hi) / 2
        candidate = greedy(paragraph, mid, measure)
        if len(candidate) <= len(lines):
            hi, best = mid, candidate
        else:
            lo = mid
    return best


def nowrap(paragraph: str) -> list[str]:
    return [trim(paragraph)]


def ellipsize(line: str, width: float, measure: Measure) -> str:
    """The longest prefix of `line` that, with "…" after it, fits `width`."""
    if measure(trim(line) + ELLIPSIS) <= width + _EPSILON:
        return trim(line) + ELLIPSIS
    parts = list(clusters(line))
    lo, hi = 0, len(parts)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(trim("".join(parts[:mid])) + ELLIPSIS) <= width + _EPSILON:
            lo = mid
        else:
            hi = mid - 1
    return trim("".join(parts[:lo])) + ELLIPSIS
