"""Rich text: the small inline markup of a text layer, and the list-of-runs form it stands for.

    **bold**            weight 700
    *italic*            italic
    [text]{color=#e63946 weight=600 style=italic underline}
                        any of: color=<css colour>, weight=<1-1000 or a name>, bold,
                        style=normal|italic, italic, underline, underline=false
    \\*  \\[  \\]  \\{  \\}  \\\\   a literal character (a backslash before anything else is kept)

As in Markdown, `*` opens only before a non-space and closes only after one, and a delimiter
without its partner is plain text, so "5 * 3" and "a*" stay as typed. Spans nest. A list of runs
(`[{text, fontWeight, fontStyle, color, underline}]`) is turned into this markup once, at
validation, so a layer has one text value to key, override and template.

Pure: no fonts, no pixels; imported lazily by the model and by variable substitution.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

WEIGHT_NAMES = {"thin": 100, "extralight": 200, "light": 300, "normal": 400, "regular": 400,
                "medium": 500, "semibold": 600, "bold": 700, "extrabold": 800, "black": 900}
_ESCAPABLE = frozenset("\\*[]{}")
_ESCAPED_IN_TEXT = "\\*["  # enough to make any text literal: `]` and braces matter only after `[`
RUN_KEYS = ("text", "fontWeight", "fontStyle", "color", "underline")
MAX_DEPTH = 16  # spans nested deeper than this are refused (bounded recursion)
# Looking ahead for closing delimiters is bounded by this many steps per character of the source,
# so hostile text (thousands of unclosed `*` or `[`) is refused quickly instead of taking
# quadratic time; real titles use a small fraction of it.
_STEPS_PER_CHAR = 64
_MAX_ATTRIBUTES = 200  # characters between `{` and `}`


class MarkupError(ValueError):
    """Rich text the parser cannot take; the message says what and where, in the user's words."""


@dataclass(frozen=True)
class SpanStyle:
    """What a span changes; None keeps the layer's own value."""

    weight: int | None = None
    italic: bool | None = None
    color: str | None = None
    underline: bool = False


@dataclass(frozen=True)
class Piece:
    text: str
    style: SpanStyle


def escape(text: str) -> str:
    """`text` as markup that draws exactly `text` (for variable values and runs)."""
    return "".join("\\" + ch if ch in _ESCAPED_IN_TEXT else ch for ch in text)


def has_markup(text: str) -> bool:
    return any(ch in text for ch in "\\*[")


class _Budget:
    """What one parse shares: its step budget, each `[`'s matching `]` (found in one pass), and
    where a search for a closing `*`/`**` already failed (a later opener before the same end
    fails too), which keeps unclosed delimiters linear."""

    def __init__(self, source: str) -> None:
        self.left = _STEPS_PER_CHAR * len(source) + 4096
        self.failed: dict[tuple[str, int], int] = {}
        self.pairs: dict[int, int] = {}
        open_at: list[int] = []
        i = 0
        while i < len(source):
            ch = source[i]
            if ch == "[":
                open_at.append(i)
            elif ch == "]" and open_at:
                self.pairs[open_at.pop()] = i
            i = _skip(source, i)

    def spend(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise MarkupError("too many unclosed * or [ to read as rich text; write \\* and "
                              "\\[ for literal ones, or set richText: false")


@lru_cache(maxsize=1024)
def parse(source: str) -> tuple[Piece, ...]:
    """Pieces of plain text with their styles, in order; adjacent equal styles merged."""
    out: list[Piece] = []
    if not has_markup(source):
        return (Piece(source, SpanStyle()),) if source else ()
    _parse(source, 0, len(source), SpanStyle(), out, 0, _Budget(source))
    merged: list[Piece] = []
    for piece in out:
        if merged and merged[-1].style == piece.style:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.style)
        elif piece.text:
            merged.append(piece)
    return tuple(merged)


def plain(source: str) -> str:
    return "".join(p.text for p in parse(source))


def _parse(s: str, i: int, end: int, style: SpanStyle, out: list[Piece], depth: int,
           budget: _Budget) -> None:
    if depth > MAX_DEPTH:
        raise MarkupError(f"spans are nested more than {MAX_DEPTH} deep")
    text: list[str] = []

    def flush() -> None:
        if text:
            out.append(Piece("".join(text), style))
            text.clear()

    while i < end:
        ch = s[i]
        if ch == "\\" and i + 1 < end and s[i + 1] in _ESCAPABLE:
            text.append(s[i + 1])
            i += 2
            continue
        if ch == "*":
            marker = "**" if s.startswith("**", i) and i + 1 < end else "*"
            close = _closer(s, i + len(marker), end, marker, budget)
            if close is not None:
                flush()
                inner = replace(style, weight=700) if marker == "**" else replace(style, italic=True)
                _parse(s, i + len(marker), close, inner, out, depth + 1, budget)
                i = close + len(marker)
                continue
            text.append(marker)
            i += len(marker)
            continue
        if ch == "[":
            found = _bracket(s, i, end, budget)
            if found is not None:
                close, attrs_end = found
                flush()
                inner = _attributes(s[close + 2 : attrs_end], style)
                _parse(s, i + 1, close, inner, out, depth + 1, budget)
                i = attrs_end + 1
                continue
        text.append(ch)
        i += 1
    flush()


def _skip(s: str, i: int) -> int:
    """Index after the token at i: an escape pair or one character."""
    return i + 2 if s[i] == "\\" and i + 1 < len(s) and s[i + 1] in _ESCAPABLE else i + 1


def _closer(s: str, start: int, end: int, marker: str, budget: _Budget) -> int | None:
    """Where an emphasis opened just before `start` closes, or None (then it is plain text)."""
    if start >= end or s[start].isspace():
        return None
    failed = budget.failed.get((marker, end))
    if failed is not None and failed <= start:
        return None
    i = start
    while i < end:
        budget.spend()
        if s[i] == "\\":
            i = _skip(s, i)
            continue
        if s.startswith(marker, i) and i + len(marker) <= end and i > start and not s[i - 1].isspace():
            if marker == "**" or not s.startswith("**", i):
                return i
        if s.startswith("**", i) and marker == "*":
            i += 2  # a bold delimiter inside italic is not the italic's end
            continue
        if s[i] == "[":
            found = _bracket(s, i, end, budget)
            if found is not None:
                i = found[1] + 1
                continue
        i += 1
    budget.failed[(marker, end)] = start
    return None


def _bracket(s: str, start: int, end: int, budget: _Budget) -> tuple[int, int] | None:
    """For `[text]{attrs}` at `start`: (index of `]`, index of `}`), or None if it is not one."""
    budget.spend()
    i = budget.pairs.get(start)
    if i is None or i >= end or i + 1 >= end or s[i + 1] != "{":
        return None
    close = s.find("}", i + 2, min(end, i + 2 + _MAX_ATTRIBUTES))
    return (i, close) if close != -1 else None


def _attributes(spec: str, style: SpanStyle) -> SpanStyle:
    from .._color import parse_color

    for word in spec.split():
        key, _, value = word.partition("=")
        key = key.lower()
        if key == "bold" and not value:
            style = replace(style, weight=700)
        elif key == "italic" and not value:
            style = replace(style, italic=True)
        elif key == "underline":
            if value not in ("", "true", "false"):
                raise MarkupError(f"underline={value}: use underline or underline=false")
            style = replace(style, underline=value != "false")
        elif key == "style" and value in ("normal", "italic"):
            style = replace(style, italic=value == "italic")
        elif key == "weight" and value:
            style = replace(style, weight=parse_weight(value))
        elif key == "color" and value:
            try:
                parse_color(value)
            except ValueError as exc:
                raise MarkupError(f"color={value}: {exc}") from None
            style = replace(style, color=value)
        else:
            raise MarkupError(f"span attribute {word!r} is not one of color=, weight=, bold, "
                              "style=normal|italic, italic, underline (write \\[ for a literal [)")
    return style


def parse_weight(value: Any) -> int:
    if isinstance(value, str):
        key = value.strip().lower().replace("-", "").replace(" ", "")
        if key in WEIGHT_NAMES:
            return WEIGHT_NAMES[key]
        if not key.isdigit():
            raise MarkupError(f"weight {value!r}: use 100-900, 'normal' or 'bold'")
        value = int(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 1000:
        raise MarkupError(f"weight {value!r}: must be between 1 and 1000")
    return int(value)


def from_runs(runs: Sequence[Any]) -> str:
    """A list of runs as markup. Raises MarkupError naming the run and the problem."""
    parts: list[str] = []
    for n, run in enumerate(runs):
        if isinstance(run, str):
            parts.append(escape(run))
            continue
        if not isinstance(run, Mapping):
            raise MarkupError(f"run {n}: must be an object {{text, fontWeight, fontStyle, color, "
                              "underline}} or a string")
        unknown = sorted(set(run) - set(RUN_KEYS))
        if unknown:
            raise MarkupError(f"run {n}: unknown property {unknown[0]!r} (use {', '.join(RUN_KEYS)})")
        text = run.get("text")
        if not isinstance(text, str):
            raise MarkupError(f"run {n}: text must be a string")
        attrs: list[str] = []
        try:
            if run.get("fontWeight") is not None:
                attrs.append(f"weight={parse_weight(run['fontWeight'])}")
            if run.get("fontStyle") is not None:
                if run["fontStyle"] not in ("normal", "italic"):
                    raise MarkupError("fontStyle must be 'normal' or 'italic'")
                attrs.append(f"style={run['fontStyle']}")
            if run.get("color") is not None:
                from .._color import canonical_color

                color = run["color"]
                if not isinstance(color, str):
                    raise MarkupError("color must be a string (#e63946, red, rgb(230 57 70))")
                try:
                    attrs.append(f"color={canonical_color(color)}")
                except ValueError as exc:
                    raise MarkupError(f"color {color!r}: {exc}") from None
            if run.get("underline") is not None:
                if not isinstance(run["underline"], bool):
                    raise MarkupError("underline must be true or false")
                attrs.append("underline" if run["underline"] else "underline=false")
        except MarkupError as exc:
            raise MarkupError(f"run {n}: {exc}") from None
        body = escape(text).replace("]", "\\]")
        parts.append(f"[{body}]{{{' '.join(attrs)}}}" if attrs and text else escape(text))
    return "".join(parts)
