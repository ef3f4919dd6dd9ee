"""Itemisation: a line of text becomes runs of one face and one direction, placed left to right.

A run is what HarfBuzz shapes in one go, so kerning, ligatures and Arabic joining hold inside it.
Font fallback is decided per grapheme cluster, bidi levels per code point (python-bidi), and the runs
are put in display order with UAX #9 rule L2.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import bidi
from .loader import measure
from .matching import Match
from .registry import FontRegistry
from .segment import clusters, is_cursive, is_emoji_cluster, is_neutral


@dataclass(frozen=True)
class Style:
    family: str
    weight: int
    italic: bool
    size: float
    letter_spacing: float


@dataclass(frozen=True)
class Run:
    text: str
    match: Match
    rtl: bool
    x: float  # left edge, relative to the line's left edge
    width: float
    spacing: float  # letter-spacing after each cluster of this run (0 for cursive scripts)


def font_pieces(text: str, style: Style, fonts: FontRegistry) -> list[tuple[str, Match, int]]:
    """Logical-order pieces of one face each: (text, face, index of first code point)."""
    pieces: list[tuple[str, Match, int]] = []
    previous: Match | None = None
    offset = 0
    for cluster in clusters(text):
        emoji = is_emoji_cluster(cluster)
        # Spaces and punctuation join the run around them (one shaping call, steady spacing),
        # but never an emoji run: the colour font also maps digits and "©", in emoji style.
        match: Match
        if (
            previous is not None
            and not previous.face.bitmap
            and not emoji
            and is_neutral(cluster)
            and previous.face.covers(cluster)
        ):
            match = previous
        else:
            match = fonts.face_for(cluster, style.family, style.weight, style.italic, emoji)
        if pieces and pieces[-1][1] == match:
            t, m, start = pieces[-1]
            pieces[-1] = (t + cluster, m, start)
        else:
            pieces.append((cluster, match, offset))
        previous = match
        offset += len(cluster)
    return pieces


def _spacing_count(text: str) -> int:
    return sum(1 for c in clusters(text) if not is_cursive(c))


_WIDTHS: dict[tuple[str, Style, int, str], float] = {}
_MAX_WIDTHS = 50_000


def text_width(text: str, style: Style, fonts: FontRegistry) -> float:
    """Advance width of a piece of text; direction does not change a run's width, so none is given.

    Cached: line breaking, balance and auto-fit ask for the same words many times over.
    """
    key = (text, style, id(fonts), fonts.fingerprint)
    found = _WIDTHS.get(key)
    if found is None:
        found = _text_width(text, style, fonts)
        if len(_WIDTHS) >= _MAX_WIDTHS:
            _WIDTHS.clear()
        _WIDTHS[key] = found
    return found


def _text_width(text: str, style: Style, fonts: FontRegistry) -> float:
    total = 0.0
    for piece, match, _ in font_pieces(text, style, fonts):
        total += measure(match, style.size, piece)
        if style.letter_spacing:
            total += style.letter_spacing * _spacing_count(piece)
    return total


def build_line(
    text: str, levels: tuple[int, ...], style: Style, fonts: FontRegistry
) -> tuple[tuple[Run, ...], float]:
    """Runs of one line in display order with their x positions, and the line's width.

    `levels` are the bidi levels of `text`'s code points, taken from its whole paragraph.
    """
    logical: list[tuple[str, Match, int]] = []
    for piece, match, start in font_pieces(text, style, fonts):
        # Split each face's piece where the bidi level changes.
        run_start = 0
        for i in range(1, len(piece) + 1):
            if i == len(piece) or levels[start + i] != levels[start + run_start]:
                logical.append((piece[run_start:i], match, levels[start + run_start]))
                run_start = i
    order = bidi.visual_order([level for _, _, level in logical])
    runs: list[Run] = []
    x = 0.0
    for index in order:
        piece, match, level = logical[index]
        rtl = level % 2 == 1
        spacing = style.letter_spacing
        width = measure(match, style.size, piece, rtl)
        if spacing:
            width += spacing * _spacing_count(piece)
        runs.append(Run(text=piece, match=match, rtl=rtl, x=x, width=width, spacing=spacing))
        x += width
    return tuple(runs), x
