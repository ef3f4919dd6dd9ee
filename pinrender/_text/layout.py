"""layout_text: a resolved TextLayer becomes lines with their text, boxes and shaped runs.

Coordinates are relative to the layer box (0,0 = its top-left). Alignment is physical: `left` is
the left edge whatever the paragraph direction (an RTL title that should hug the right edge says
`right`). Spaces are kept as written (no collapsing; a tab becomes a space); trailing spaces hang
as in CSS.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from .._model import TextLayer
from . import bidi
from .breaking import (
    ELLIPSIS,
    SOFT_HYPHEN,
    Rules,
    Span,
    Widths,
    balance,
    ellipsize,
    greedy,
    nowrap,
    trim,
)
from .hyphenation import DEFAULT_LANG, hyphenation_points
from .loader import ink_extent
from .markup import SpanStyle, has_markup, parse
from .registry import FontRegistry
from .runs import Run, Segment, Style, build_line, build_rich_line, styled_width, text_width
from .segment import clusters, transform
from .shaping import require_shaping

Direction = Literal["ltr", "rtl"]
_EPSILON = 0.01
_FIT_STEP = 0.25  # px: auto-fit stops refining once its bracket is this narrow
_ADDED = -1  # source index of a character a line adds (ellipsis, hyphen)


@dataclass(frozen=True)
class ShapedLine:
    """One line as the painter needs it: layer-relative box, baseline, direction and shaped runs
    (the public `pinrender.Line` is its canvas-coordinate summary)."""

    text: str  # what is drawn, in logical (typed) order, after text-transform and ellipsis
    x: float
    y: float
    width: float
    height: float
    baseline: float = 0.0  # y of the alphabetic baseline
    direction: Direction = "ltr"  # of the paragraph this line belongs to
    runs: tuple[Run, ...] = field(default=(), compare=False, repr=False)
    # Parts drawn in one span's style, in display order (one for plain text).
    segments: tuple[Segment, ...] = field(default=(), compare=False, repr=False)


@dataclass(frozen=True)
class TextLayout:
    font_size: float
    lines: tuple[ShapedLine, ...]
    truncated: bool
    direction: Direction = "ltr"  # of the first paragraph
    line_height: float = 0.0
    spans: tuple[SpanStyle, ...] = (SpanStyle(),)  # what each segment's `span` indexes

    @property
    def height(self) -> float:
        """The block's height: its lines', which a fallback face may have made taller."""
        return sum(line.height for line in self.lines)


@dataclass(frozen=True)
class _Content:
    """The layer's text as paragraphs of plain text and, for rich text, each code point's span."""

    paragraphs: list[str]
    spans: list[tuple[int, ...]] | None  # None: one span, the layer's own style
    table: tuple[SpanStyle, ...]

    def line_spans(self, p: _Plain) -> tuple[int, ...]:
        if self.spans is None:
            return (0,) * len(p.text)
        of = self.spans[p.paragraph]
        out: list[int] = []
        for i in p.source:
            # An added hyphen or ellipsis takes the style of what it follows.
            out.append(of[i] if i != _ADDED else (out[-1] if out else 0))
        return tuple(out)


@dataclass(frozen=True)
class _Plain:
    """A laid-out line before it is placed in the box."""

    text: str
    paragraph: int
    source: tuple[int, ...]  # each code point's index in its paragraph, or _ADDED


def _style(layer: TextLayer, size: float, span: SpanStyle | None = None) -> Style:
    span = span or SpanStyle()
    return Style(
        family=layer.fontFamily,
        weight=layer.fontWeight if span.weight is None else span.weight,
        italic=layer.fontStyle == "italic" if span.italic is None else span.italic,
        size=size,
        letter_spacing=layer.letterSpacing,
        lang=layer.lang,
    )


def _styles(layer: TextLayer, size: float, content: _Content) -> tuple[Style, ...]:
    return tuple(_style(layer, size, span) for span in content.table)


def _normalise(text: str) -> str:
    # A tab is a space, as in CSS `white-space: normal` (fonts draw tabs as anything or nothing).
    return text.replace("\t", " ").replace("\r\n", "\n").replace("\r", "\n")


def _content(layer: TextLayer) -> _Content:
    if not (layer.richText and has_markup(layer.text)):
        text = _normalise(transform(layer.text, layer.textTransform))
        return _Content(text.split("\n"), None, (SpanStyle(),))
    table: list[SpanStyle] = [SpanStyle()]
    pieces = parse(layer.text)
    texts = [piece.text for piece in pieces]
    whole = transform("".join(texts), layer.textTransform)
    if len(whole) == sum(map(len, texts)):
        # Transformed whole, so `capitalize` sees words across span boundaries ("**h**ello").
        cut, texts = 0, []
        for piece in pieces:
            texts.append(whole[cut : cut + len(piece.text)])
            cut += len(piece.text)
    else:  # a case mapping changed lengths ("ß" -> "SS"): per piece
        texts = [transform(text, layer.textTransform) for text in texts]
    chars: list[str] = []
    owners: list[int] = []
    for piece, transformed in zip(pieces, texts, strict=True):
        if piece.style not in table:
            table.append(piece.style)
        text = _normalise(transformed)
        chars.append(text)
        owners.extend([table.index(piece.style)] * len(text))
    joined = "".join(chars)
    if len(table) == 1:  # only escapes: plain text
        return _Content(joined.split("\n"), None, tuple(table))
    paragraphs: list[str] = []
    spans: list[tuple[int, ...]] = []
    start = 0
    for paragraph in joined.split("\n"):
        paragraphs.append(paragraph)
        spans.append(tuple(owners[start : start + len(paragraph)]))
        start += len(paragraph) + 1
    return _Content(paragraphs, spans, tuple(table))


def _rules(layer: TextLayer, fonts: FontRegistry) -> Rules:
    primary = fonts.match(layer.fontFamily, layer.fontWeight, layer.fontStyle == "italic")
    # The hyphen Chromium draws: U+2010 HYPHEN when the font has one, else the hyphen-minus.
    hyphen = "\u2010" if primary is not None and primary.face.covers("\u2010") else "-"
    lang = getattr(layer, "lang", None) or DEFAULT_LANG
    return Rules(
        overflow_wrap=layer.overflowWrap,
        word_break=layer.wordBreak,
        hyphens=layer.hyphens,
        hyphen=hyphen,
        hyphenate=(lambda text: hyphenation_points(text, lang)) if layer.hyphens == "auto" else None,
    )


def _rich_widths(paragraph: str, owners: tuple[int, ...], styles: tuple[Style, ...],
                 fonts: FontRegistry) -> Widths:
    def widths(start: int, end: int, trimmed: bool) -> float:
        if trimmed:
            end = start + len(trim(paragraph[start:end]))
        keep = [i for i in range(start, end) if paragraph[i] != SOFT_HYPHEN]
        text = "".join(paragraph[i] for i in keep)
        return styled_width(text, tuple(owners[i] for i in keep), styles, fonts)

    return widths


def _wrap(
    content: _Content, layer: TextLayer, style: Style, fonts: FontRegistry
) -> list[_Plain]:
    def measure(text: str) -> float:
        return text_width(text, style, fonts)

    rules = _rules(layer, fonts)
    styles = _styles(layer, style.size, content)
    plain: list[_Plain] = []
    for index, paragraph in enumerate(content.paragraphs):
        widths = None
        if content.spans is not None:
            widths = _rich_widths(paragraph, content.spans[index], styles, fonts)
        if layer.textWrap == "nowrap":
            spans = nowrap(paragraph)
        elif layer.textWrap == "balance":
            spans = balance(paragraph, layer.width, measure, rules, widths)
        else:
            spans = greedy(paragraph, layer.width, measure, rules, widths)
        plain.extend(_plain(paragraph, index, span, rules) for span in spans)
    return plain


def _plain(paragraph: str, index: int, span: Span, rules: Rules) -> _Plain:
    """A span as drawn: no hanging spaces, no soft hyphens, a hyphen where it breaks a word."""
    body = trim(paragraph[span.start : span.end])
    source = [span.start + i for i, ch in enumerate(body) if ch != SOFT_HYPHEN]
    text = body.replace(SOFT_HYPHEN, "")
    if span.hyphen:
        text += rules.hyphen
        source += [_ADDED] * len(rules.hyphen)
    return _Plain(text, index, tuple(source))


def _built(
    p: _Plain, layer: TextLayer, content: _Content, style: Style, fonts: FontRegistry
) -> tuple[tuple[Run, ...], float, tuple[Segment, ...]]:
    """The line's runs in display order, its width and its span segments."""
    rtl, levels = bidi.embedding_levels(content.paragraphs[p.paragraph])
    line_levels = _levels_for(p, levels, rtl)
    if content.spans is None:
        runs, width = build_line(p.text, line_levels, style, fonts)
        return runs, width, (Segment(0, 0, len(p.text), 0.0, width, 0),)
    styles = _styles(layer, style.size, content)
    return build_rich_line(p.text, line_levels, content.line_spans(p), styles, fonts)


def _line_box(
    runs: tuple[Run, ...], style: Style, fonts: FontRegistry, line_height: float
) -> tuple[float, float]:
    """The line box's extent above and below the baseline.

    CSS half-leading centres the primary font's content area in `line_height`. Glyphs of a
    fallback face that reach past that box enlarge it, so a taller script (stacked Thai or
    Devanagari marks) or an emoji is neither clipped nor drawn into the next line. What counts is
    the ink the run really has, not the face's ascent and descent: Arabic and CJK faces declare
    extents far taller than most of their text, and a browser keeps a numeric line-height for
    them. The primary face never enlarges it, which keeps a tight lineHeight tight.
    """
    primary = fonts.match(style.family, style.weight, style.italic)
    ascent, descent = (primary.face.ascent, primary.face.descent) if primary else (0.8, 0.2)
    above = (line_height - (ascent + descent) * style.size) / 2 + ascent * style.size
    below = line_height - above
    main = primary.face.family if primary else None
    for run in runs:
        if run.match.face.family != main and run.text.strip():
            top, bottom = ink_extent(run.match, style.size, run.text, run.rtl, run.lang)
            above, below = max(above, top), max(below, bottom)
    return above, below


def _height(
    plain: list[_Plain], layer: TextLayer, content: _Content, style: Style, fonts: FontRegistry
) -> float:
    line_height = style.size * layer.lineHeight
    return sum(sum(_line_box(_built(p, layer, content, style, fonts)[0], style, fonts, line_height))
               for p in plain)


def _exact_width(
    p: _Plain, layer: TextLayer, content: _Content, style: Style, fonts: FontRegistry
) -> float:
    """The width the line will really have: runs split at bidi levels shape (kern) apart."""
    return _built(p, layer, content, style, fonts)[1]


def _ellipsize_exact(
    p: _Plain, width: float, layer: TextLayer, content: _Content, style: Style, fonts: FontRegistry
) -> _Plain:
    """Cut a line to fit with "…"; re-checked with the exact width, which can exceed the estimate."""
    text = p.text
    owners = content.line_spans(p)
    styles = _styles(layer, style.size, content)

    def measure(t: str) -> float:
        # ellipsize() measures a prefix of the line with "…" after it; the "…" takes the style
        # of the character before it.
        if content.spans is None:
            return text_width(t, style, fonts)
        body = owners[: len(t) - len(ELLIPSIS)]
        tail = (body[-1] if body else 0,) * (len(t) - len(body))
        return styled_width(t, body + tail, styles, fonts)

    while True:
        shown = ellipsize(text, width, measure)
        kept = len(shown) - len(ELLIPSIS)
        cut = _Plain(shown, p.paragraph, p.source[:kept] + (_ADDED,) * len(ELLIPSIS))
        if cut.text == ELLIPSIS or _exact_width(cut, layer, content, style, fonts) <= width + _EPSILON:
            return cut
        text = "".join(clusters(cut.text[: -len(ELLIPSIS)])[:-1])  # one cluster shorter


def _fits(layer: TextLayer, size: float, fonts: FontRegistry, content: _Content) -> bool:
    style = _style(layer, size)
    plain = _wrap(content, layer, style, fonts)
    if layer.maxLines is not None and len(plain) > layer.maxLines:
        return False
    if len(plain) * size * layer.lineHeight > layer.height + _EPSILON:
        return False
    height = 0.0
    for p in plain:
        runs, width, _ = _built(p, layer, content, style, fonts)
        if width > layer.width + _EPSILON:
            return False
        above, below = _line_box(runs, style, fonts, style.size * layer.lineHeight)
        height += above + below
    return height <= layer.height + _EPSILON


def _fit_size(layer: TextLayer, fonts: FontRegistry, content: _Content) -> tuple[float, bool]:
    """Largest size in [minFontSize, fontSize] that fits, by bisection; (size, found a fit)."""
    top = layer.fontSize
    bottom = min(layer.minFontSize, top)
    if _fits(layer, top, fonts, content):
        return top, True
    if not _fits(layer, bottom, fonts, content):
        return bottom, False
    lo, hi = bottom, top  # lo always fits, hi never does
    while hi - lo > _FIT_STEP:
        mid = (lo + hi) / 2
        if _fits(layer, mid, fonts, content):
            lo = mid
        else:
            hi = mid
    return lo, True


def layout_text(layer: TextLayer, fonts: FontRegistry) -> TextLayout:
    """Lay out a resolved text layer within its box.

    Raises FontError for an unknown family, RenderError for text that needs a shaper when
    Pillow has none (see shaping.py).
    """
    fonts.check_family(layer.fontFamily)
    content = _content(layer)
    for paragraph in content.paragraphs:
        require_shaping(paragraph)
    size, fitted = layer.fontSize, True
    if layer.autoFit:
        size, fitted = _fit_size(layer, fonts, content)
    style = _style(layer, size)
    line_height = size * layer.lineHeight

    plain = _wrap(content, layer, style, fonts)
    limit = layer.maxLines
    if layer.autoFit and not fitted:
        # No size fits: keep what the box height holds and mark the cut with an ellipsis.
        by_height = math.floor((layer.height + _EPSILON) / line_height)
        limit = by_height if limit is None else min(limit, by_height)
        # Lines a fallback face enlarged take more of the height.
        while limit > 0 and _height(plain[:limit], layer, content, style, fonts) > (
            layer.height + _EPSILON
        ):
            limit -= 1
    truncated = limit is not None and len(plain) > limit
    if truncated:
        plain = plain[:limit]
        if plain:
            last = plain[-1]
            plain[-1] = _ellipsize_exact(last, layer.width, layer, content, style, fonts)
    cut_wide = layer.textWrap == "nowrap" and (layer.maxLines is not None or layer.autoFit)
    if cut_wide:
        # text-overflow: ellipsis for unwrapped lines wider than the box.
        for i, p in enumerate(plain):
            if _exact_width(p, layer, content, style, fonts) > layer.width + _EPSILON:
                plain[i] = _ellipsize_exact(p, layer.width, layer, content, style, fonts)
                truncated = True
    return _place(layer, plain, content, style, fonts, line_height, truncated)


def _place(
    layer: TextLayer,
    plain: list[_Plain],
    content: _Content,
    style: Style,
    fonts: FontRegistry,
    line_height: float,
    truncated: bool,
) -> TextLayout:
    built = [_built(p, layer, content, style, fonts) for p in plain]
    boxes = [_line_box(runs, style, fonts, line_height) for runs, _, _ in built]
    block = sum(above + below for above, below in boxes)
    top = {"top": 0.0, "middle": (layer.height - block) / 2, "bottom": layer.height - block}[
        layer.verticalAlign
    ]
    lines: list[ShapedLine] = []
    first_direction: Direction = "ltr"
    y = top
    for i, (p, (runs, width, segments), (above, below)) in enumerate(
        zip(plain, built, boxes, strict=True)
    ):
        rtl = bidi.embedding_levels(content.paragraphs[p.paragraph])[0]
        x = {"left": 0.0, "center": (layer.width - width) / 2, "right": layer.width - width}[
            layer.textAlign
        ]
        direction: Direction = "rtl" if rtl else "ltr"
        if i == 0:
            first_direction = direction
        lines.append(ShapedLine(p.text, x, y, width, above + below, y + above, direction,
                                runs, segments))
        y += above + below
    return TextLayout(style.size, tuple(lines), truncated, first_direction, line_height,
                      content.table)


def _levels_for(p: _Plain, levels: tuple[int, ...], rtl: bool) -> tuple[int, ...]:
    # An added ellipsis or hyphen at the end takes the paragraph's level, as trailing neutrals
    # do (UAX #9 rule L1).
    return tuple(levels[i] if i != _ADDED else (1 if rtl else 0) for i in p.source)


@dataclass(frozen=True)
class SpanBox:
    """One segment of a line as layout() reports it: its text, resolved style and box."""

    text: str
    x: float  # relative to the line's left edge
    width: float
    weight: int
    italic: bool
    color: str | None  # None: the layer's colour
    underline: bool
    synthetic: tuple[str, ...]  # "bold", "oblique": made up, the family has no such face


def span_boxes(layer: TextLayer, layout: TextLayout, line: ShapedLine) -> tuple[SpanBox, ...]:
    boxes: list[SpanBox] = []
    for segment in line.segments:
        span = layout.spans[segment.span]
        run = line.runs[segment.run] if segment.run < len(line.runs) else None
        style = _style(layer, layout.font_size, span)
        synthetic = tuple(name for name, made in (("bold", run is not None and run.match.bold),
                                                  ("oblique", run is not None and run.match.oblique))
                          if made)
        boxes.append(SpanBox(line.text[segment.start : segment.end], segment.x, segment.width,
                             style.weight, style.italic, span.color, span.underline, synthetic))
    return tuple(boxes)
