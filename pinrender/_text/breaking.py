"""Line breaking of one paragraph: greedy (CSS `wrap`), `balance`, and the ellipsis cut.

Works on break opportunities (opportunities.py, as Chromium finds them) and a width function, so it
knows nothing of fonts. A line is a span of its paragraph; trailing spaces hang past the line end as
in CSS: they never cause a break and are not part of a line's width. A line that ends at a soft
hyphen or at a hyphenation point (`hyphens: auto`) draws a hyphen there, and that hyphen must fit.

`overflow-wrap`: a piece between opportunities that is wider than the box on a line of its own is
cut between grapheme clusters (`break-word`, `anywhere`: the box width is fixed here, so the two
differ only in min-content sizing, which pinrender does not do) or left to overflow (`normal`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from .opportunities import WordBreak, break_positions
from .segment import clusters

Measure = Callable[[str], float]
# (start, end, trim) -> the width of what code points [start, end) of the paragraph draw, trailing
# spaces left out when `trim`: lets rich text measure each span in its own style.
Widths = Callable[[int, int, bool], float]
Hyphenate = Callable[[str], tuple[int, ...]]  # paragraph -> positions of hyphenation points
OverflowWrap = Literal["normal", "break-word", "anywhere"]
Hyphens = Literal["none", "manual", "auto"]
ELLIPSIS = "…"
SOFT_HYPHEN = "\u00ad"
_HANGING = " \t"
_EPSILON = 0.01  # px; absorbs float noise when a line exactly fits


@dataclass(frozen=True)
class Rules:
    """How one paragraph may break (the CSS text properties that decide it)."""

    overflow_wrap: OverflowWrap = "break-word"
    word_break: WordBreak = "normal"
    hyphens: Hyphens = "manual"
    hyphen: str = "-"  # what a hyphenated line ends with
    hyphenate: Hyphenate | None = None  # for hyphens: auto


@dataclass(frozen=True)
class Span:
    """One line: code points [start, end) of its paragraph, trailing spaces included."""

    start: int
    end: int
    hyphen: bool = False  # the line ends at a soft hyphen or hyphenation point: draw a hyphen


def trim(text: str) -> str:
    return text.rstrip(_HANGING)


def visible(text: str) -> str:
    """What a span draws: soft hyphens are invisible."""
    return text.replace(SOFT_HYPHEN, "") if SOFT_HYPHEN in text else text


def line_text(paragraph: str, span: Span, rules: Rules) -> str:
    """The text a span draws, without hanging spaces, with its hyphen if it has one."""
    body = visible(trim(paragraph[span.start : span.end]))
    return body + rules.hyphen if span.hyphen else body


def _opportunities(paragraph: str, rules: Rules) -> dict[int, bool]:
    """Break positions -> whether breaking there draws a hyphen."""
    found = {i: False for i in break_positions(paragraph, rules.word_break)}
    if rules.hyphens == "none":
        # Soft hyphens are not break opportunities (Blink's disable_soft_hyphen).
        found = {i: h for i, h in found.items() if paragraph[i - 1] != SOFT_HYPHEN}
    else:
        for i in found:
            found[i] = paragraph[i - 1] == SOFT_HYPHEN
    if rules.hyphens == "auto" and rules.hyphenate is not None:
        for i in rules.hyphenate(paragraph):
            found.setdefault(i, True)
    return found


def _dash_digit(paragraph: str, end: int) -> bool:
    following = paragraph[end] if end < len(paragraph) else ""
    return paragraph[end - 1] == "-" and following.isascii() and following.isdigit()


def plain_widths(paragraph: str, measure: Measure) -> Widths:
    def widths(start: int, end: int, trimmed: bool) -> float:
        body = paragraph[start:end]
        return measure(visible(trim(body) if trimmed else body))

    return widths


def _split_anywhere(
    unit: str, offset: int, width: float, widths: Widths, hyphen_width: float = 0.0
) -> list[str]:
    """overflow-wrap: break-word — cut a too-wide piece between grapheme clusters.

    A soft hyphen stays with the cluster before it, and a piece ending in one draws a hyphen
    (`hyphen_width`, 0 for `hyphens: none`), as in Chromium.
    """
    parts: list[str] = []
    for cluster in clusters(unit):
        if cluster == SOFT_HYPHEN and parts:
            parts[-1] += cluster
        else:
            parts.append(cluster)

    def width_of(prefix: str) -> float:
        extra = hyphen_width if prefix.endswith(SOFT_HYPHEN) else 0.0
        return widths(offset, offset + len(prefix), True) + extra

    pieces: list[str] = []
    while parts:
        lo, hi = 1, len(parts)
        # The longest prefix that fits, found by bisection: widths grow with the prefix.
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if width_of("".join(parts[:mid])) <= width + _EPSILON:
                lo = mid
            else:
                hi = mid - 1
        pieces.append("".join(parts[:lo]))
        offset += len(pieces[-1])
        parts = parts[lo:]
    return pieces


def greedy(paragraph: str, width: float, measure: Measure, rules: Rules | None = None,
           widths: Widths | None = None) -> list[Span]:
    """Fill each line with as many pieces as fit (what browsers do for `text-wrap: wrap`).

    `measure` gives the hyphen's width, `widths` (by default `measure` of the text) the lines'."""
    rules = rules or Rules()
    widths = widths or plain_widths(paragraph, measure)
    if not paragraph:
        return [Span(0, 0)]
    breaks = _opportunities(paragraph, rules)
    ends = sorted(breaks) + [len(paragraph)]
    hyphen_width = measure(rules.hyphen) if rules.hyphens != "none" else 0.0

    # A line's width is its pieces' widths added up (each piece is measured once and cached);
    # only near the box edge is the whole line measured, for the kerning between pieces.
    margin = max(3.0, width * 0.02)
    placed = 0.0  # width of the pieces already on the line, trailing spaces included

    def fits(start: int, end: int) -> bool:
        extra = hyphen_width if breaks.get(end, False) else 0.0
        added = widths(last or start, end, True)
        estimate = placed + added + extra
        if abs(estimate - width) > margin:
            return estimate <= width
        return widths(start, end, True) + extra <= width + _EPSILON

    spans: list[Span] = []
    start = 0  # where the current line starts
    last: int | None = None  # the furthest end that fits on the current line
    index = 0
    while index < len(ends):
        end = ends[index]
        if end - 2 < start and _dash_digit(paragraph, end):
            # Blink looks no further back than the line's start: a line that begins with "-5"
            # does not know the letter or digit before the hyphen, so it does not break there.
            index += 1
            continue
        if fits(start, end):
            placed += widths(last or start, end, False)
            last = end
            index += 1
            continue
        placed = 0.0
        if last is not None:
            spans.append(Span(start, last, breaks.get(last, False)))
            start, last = last, None
            continue  # the same piece again, on a fresh line
        # Alone on its line and still too wide.
        if rules.overflow_wrap == "normal":
            spans.append(Span(start, end, breaks.get(end, False)))
            start = end
            index += 1
            continue
        *full, _rest = _split_anywhere(paragraph[start:end], start, width, widths, hyphen_width)
        if not full:
            # One cluster, or a piece that fits only without its hyphen: it overflows.
            spans.append(Span(start, end, breaks.get(end, False)))
            start = end
            index += 1
            continue
        for piece in full:
            hyphen = rules.hyphens != "none" and piece.endswith(SOFT_HYPHEN)
            spans.append(Span(start, start + len(piece), hyphen))
            start += len(piece)
        # What is left of the piece starts the next line; it may take more pieces.
    if start < len(paragraph) or not spans:
        spans.append(Span(start, len(paragraph)))
    return spans


def balance(paragraph: str, width: float, measure: Measure, rules: Rules | None = None,
            widths: Widths | None = None) -> list[Span]:
    """CSS `text-wrap: balance`: as many lines as greedy, the longest of them as short as possible."""
    widths = widths or plain_widths(paragraph, measure)
    lines = greedy(paragraph, width, measure, rules, widths)
    if len(lines) < 2:
        return lines
    # The narrowest width giving the same line count; the count only grows as the width shrinks.
    lo, hi = 0.0, width
    best = lines
    for _ in range(14):
        if hi - lo < 0.5:
            break
        mid = (lo + hi) / 2
        candidate = greedy(paragraph, mid, measure, rules, widths)
        if len(candidate) <= len(lines):
            hi, best = mid, candidate
        else:
            lo = mid
    return best


def nowrap(paragraph: str) -> list[Span]:
    return [Span(0, len(paragraph))]


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
