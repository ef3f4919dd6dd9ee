"""Itemisation: a line of text becomes runs of one face and one direction, placed left to right.

A run is what HarfBuzz shapes in one go, so kerning, ligatures and Arabic joining hold inside it.
Font fallback is decided per grapheme cluster, bidi levels per code point (python-bidi), and the runs
are put in display order with UAX #9 rule L2.
"""

from __future__ import annotations

from collections.abc import Iterator
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
    lang: str | None = None  # BCP 47: picks the font's glyph variants for that language (locl)


@dataclass(frozen=True)
class Run:
    text: str
    match: Match
    rtl: bool
    x: float  # left edge, relative to the line's left edge
    width: float
    spacing: float  # letter-spacing after each cluster of this run (0 for cursive scripts)
    lang: str | None = None


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
            match = fonts.face_for(cluster, style.family, style.weight, style.italic, emoji,
                                   style.lang)
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
        total += measure(match, style.size, piece, lang=style.lang)
        if style.letter_spacing:
            total += style.letter_spacing * _spacing_count(piece)
    return total


@dataclass(frozen=True)
class Segment:
    """The part of a line drawn in one span's style, in display order: code points [start, end)
    of the line's text, at x (relative to the line's left edge) and as wide as `width`."""

    span: int
    start: int
    end: int
    x: float
    width: float
    run: int  # index of the run it is part of (a run may carry several colour spans)


def _advance(match: Match, style: Style, text: str, rtl: bool) -> float:
    width = measure(match, style.size, text, rtl, style.lang) if text else 0.0
    if style.letter_spacing and text:
        width += style.letter_spacing * _spacing_count(text)
    return width


def build_rich_line(
    text: str, levels: tuple[int, ...], spans: tuple[int, ...], styles: tuple[Style, ...],
    fonts: FontRegistry,
) -> tuple[tuple[Run, ...], float, tuple[Segment, ...]]:
    """build_line for styled spans: `spans` gives each code point's span, `styles` each span's
    Style. Spans that shape alike (they differ only in paint) are shaped together, which keeps
    kerning and joining across their boundary; a run is then cut into paint segments."""
    logical: list[tuple[str, Match, int, Style, int]] = []
    for i, j, style in style_stretches(len(text), spans, styles):
        for piece, match, start in font_pieces(text[i:j], style, fonts):
            begin = i + start
            run_start = 0
            for k in range(1, len(piece) + 1):
                if k == len(piece) or levels[begin + k] != levels[begin + run_start]:
                    logical.append((piece[run_start:k], match, levels[begin + run_start], style,
                                    begin + run_start))
                    run_start = k
    order = bidi.visual_order([level for _, _, level, _, _ in logical])
    runs: list[Run] = []
    segments: list[Segment] = []
    x = 0.0
    for index in order:
        piece, match, level, style, begin = logical[index]
        rtl = level % 2 == 1
        width = _advance(match, style, piece, rtl)
        cuts = [0] + [k for k in range(1, len(piece)) if spans[begin + k] != spans[begin + k - 1]]
        cuts.append(len(piece))
        pieces = list(zip(cuts, cuts[1:], strict=False))
        if rtl:
            pieces.reverse()  # display order runs right to left through the logical text
        for a, b in pieces:
            if len(pieces) == 1:
                left, right = 0.0, width
            elif rtl:
                left = width - _advance(match, style, piece[:b], rtl)
                right = width - _advance(match, style, piece[:a], rtl)
            else:
                left = _advance(match, style, piece[:a], rtl)
                right = _advance(match, style, piece[:b], rtl)
            segments.append(Segment(spans[begin + a], begin + a, begin + b, x + left, right - left,
                                    len(runs)))
        runs.append(Run(text=piece, match=match, rtl=rtl, x=x, width=width,
                        spacing=style.letter_spacing, lang=style.lang))
        x += width
    return tuple(runs), x, tuple(segments)


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
        width = measure(match, style.size, piece, rtl, style.lang)
        if spacing:
            width += spacing * _spacing_count(piece)
        runs.append(Run(text=piece, match=match, rtl=rtl, x=x, width=width, spacing=spacing,
                        lang=style.lang))
        x += width
    return tuple(runs), x


def styled_width(text: str, spans: tuple[int, ...], styles: tuple[Style, ...],
                 fonts: FontRegistry) -> float:
    """Advance width of styled text: each stretch of one Style measured (and kerned) whole."""
    return sum((text_width(text[i:j], style, fonts)
                for i, j, style in style_stretches(len(text), spans, styles)), 0.0)


def style_stretches(length: int, spans: tuple[int, ...], styles: tuple[Style, ...]
                    ) -> Iterator[tuple[int, int, Style]]:
    """(start, end, style) of each longest stretch of code points in one Style: spans that
    differ only in paint share a Style, so they are shaped and measured together."""
    i = 0
    while i < length:
        style = styles[spans[i]]
        j = i + 1
        while j < length and styles[spans[j]] == style:
            j += 1
        yield i, j, style
        i = j
