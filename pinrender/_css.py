"""CSS values as users write them: gradients, shadows and strokes, tokenized by tinycss2.

Each parser turns a CSS string into the plain dict of the model's object form, so a string and
its object spelling validate into the same canonical model (and so hash to the same key).
Problems raise ValueError in the user's words: `radial-gradient: expected a colour stop, got '12qx'`.
"""

from __future__ import annotations

import math
from typing import Any

import tinycss2
from tinycss2 import ast

from ._color import canonical_color
from ._geometry import canonical_position

GRADIENTS = ("linear-gradient", "radial-gradient")
SIDES = {"top": 0.0, "right": 90.0, "bottom": 180.0, "left": 270.0}
ANGLE_UNITS = {"deg": 1.0, "grad": 0.9, "rad": 180.0 / math.pi, "turn": 360.0}
SHAPES = ("circle", "ellipse")
EXTENTS = ("closest-side", "closest-corner", "farthest-side", "farthest-corner")

# tinycss2 ships no type hints: its nodes are typed loosely here.
Token = Any


def is_gradient(value: str) -> bool:
    """Whether `value` is written as a CSS gradient function (supported or not)."""
    head = value.strip().lower()
    return head.startswith(GRADIENTS) or "-gradient(" in head.split(",")[0]


def _text(tokens: list[Token] | Token) -> str:
    return " ".join(t.serialize() for t in (tokens if isinstance(tokens, list) else [tokens]))


def _groups(tokens: list[Token]) -> list[list[Token]]:
    """Comma-separated groups of significant tokens (whitespace and comments dropped)."""
    groups: list[list[Token]] = [[]]
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            groups.append([])
        elif token.type not in ("whitespace", "comment"):
            groups[-1].append(token)
    return groups


def _one_function(value: str, names: tuple[str, ...]) -> ast.FunctionBlock:
    node = tinycss2.parse_one_component_value(value, skip_comments=True)
    if isinstance(node, ast.FunctionBlock) and node.lower_name.endswith("-gradient") \
            and node.lower_name not in names:
        raise ValueError(f"{node.lower_name} is not supported (use {' or '.join(names)})")
    if not isinstance(node, ast.FunctionBlock) or node.lower_name not in names:
        raise ValueError(f"expected {' or '.join(n + '(...)' for n in names)}, got {value.strip()!r}")
    return node


def _is_colour(token: Token) -> bool:
    if token.type in ("hash", "ident"):
        return True
    return isinstance(token, ast.FunctionBlock) and token.lower_name in (
        "rgb", "rgba", "hsl", "hsla")


def _colour(token: Token, where: str) -> str:
    try:
        return canonical_color(_text(token))
    except ValueError:
        raise ValueError(_said(where, f"{_text(token)!r} is not a colour")) from None


def _angle(token: Token, where: str) -> float | None:
    if token.type == "dimension" and token.lower_unit in ANGLE_UNITS:
        return float(token.value) * ANGLE_UNITS[token.lower_unit]
    if token.type == "number" and token.value == 0:
        return 0.0
    return None


def _stop_position(token: Token, where: str) -> float:
    if token.type == "percentage":
        offset = float(token.value) / 100
    elif token.type == "number" and token.value == 0:
        offset = 0.0
    else:
        raise ValueError(f"{where}: expected a stop position in %, got {_text(token)!r}")
    if not 0 <= offset <= 1:
        raise ValueError(f"{where}: stop positions must be within 0%-100%, got {_text(token)!r}")
    return offset


def _stops(groups: list[list[Token]], where: str) -> list[dict[str, Any]]:
    """Colour stops with CSS's fix-up: missing first/last positions are 0%/100%, a position
    before an earlier one moves up to it, and runs without positions share the space evenly."""
    raw: list[tuple[str, float | None]] = []
    for group in groups:
        if not group:
            raise ValueError(f"{where}: expected a colour stop, got an empty item")
        if not _is_colour(group[0]):
            raise ValueError(f"{where}: expected a colour stop, got {_text(group[0])!r}")
        colour = _colour(group[0], where)
        if len(group) > 3:
            raise ValueError(f"{where}: expected a colour and at most two positions, "
                             f"got {_text(group)!r}")
        positions: list[float | None] = [_stop_position(t, where) for t in group[1:]] or [None]
        raw.extend((colour, p) for p in positions)
    if len(raw) < 2:
        raise ValueError(f"{where}: needs at least two colour stops")
    if len(raw) > 16:
        raise ValueError(f"{where}: at most 16 colour stops")
    offsets = [p for _, p in raw]
    if offsets[0] is None:
        offsets[0] = 0.0
    if offsets[-1] is None:
        offsets[-1] = 1.0
    highest = 0.0
    for i, p in enumerate(offsets):
        if p is not None:
            highest = max(highest, p)
            offsets[i] = highest
    i = 0
    while i < len(offsets):
        if offsets[i] is None:
            j = i
            while offsets[j] is None:
                j += 1
            before, after = offsets[i - 1], offsets[j]
            assert before is not None and after is not None
            for k in range(i, j):
                offsets[k] = before + (after - before) * (k - i + 1) / (j - i + 1)
            i = j
        i += 1
    return [{"color": c, "offset": round(o, 6)} for (c, _), o in zip(raw, offsets)]  # type: ignore[arg-type]


def _linear(groups: list[list[Token]]) -> dict[str, Any]:
    where = "linear-gradient"
    out: dict[str, Any] = {"type": where, "angle": 180.0}
    first = groups[0]
    if first and first[0].type == "ident" and first[0].lower_value == "to":
        words = [t.lower_value for t in first[1:] if t.type == "ident"]
        if len(words) != len(first) - 1 or not 1 <= len(words) <= 2 or \
                not all(w in SIDES for w in words) or len(set(words)) != len(words):
            raise ValueError(f"{where}: expected 'to' and one or two sides, got {_text(first)!r}")
        if len(words) == 1:
            out["angle"] = SIDES[words[0]]
        else:
            vertical = next((w for w in words if w in ("top", "bottom")), None)
            horizontal = next((w for w in words if w in ("left", "right")), None)
            if vertical is None or horizontal is None:
                raise ValueError(f"{where}: a corner needs one of top/bottom and one of "
                                 f"left/right, got {_text(first)!r}")
            # The angle of a corner depends on the box's shape: it is worked out when painting.
            out["corner"] = f"{vertical} {horizontal}"
        groups = groups[1:]
    elif len(first) == 1 and _angle(first[0], where) is not None:
        out["angle"] = _angle(first[0], where)
        groups = groups[1:]
    out["angle"] = round(out["angle"] % 360, 6)
    out["stops"] = _stops(groups, where)
    return out


def _length(token: Token) -> float | None:
    if token.type == "dimension" and token.lower_unit == "px":
        return float(token.value)
    if token.type == "number" and token.value == 0:
        return 0.0
    return None


def _radial(groups: list[list[Token]]) -> dict[str, Any]:
    where = "radial-gradient"
    out: dict[str, Any] = {"type": where}
    first = groups[0]
    if first and not _is_colour(first[0]) or (
            first and first[0].type == "ident" and first[0].lower_value in SHAPES + EXTENTS + ("at",)):
        at = next((i for i, t in enumerate(first) if t.type == "ident" and t.lower_value == "at"),
                  len(first))
        shape: str | None = None
        lengths: list[float] = []
        for token in first[:at]:
            if token.type == "ident" and token.lower_value in SHAPES and shape is None:
                shape = token.lower_value
            elif token.type == "ident" and token.lower_value in EXTENTS and "size" not in out:
                out["size"] = token.lower_value
            elif _length(token) is not None and len(lengths) < 2:
                lengths.append(_length(token))  # type: ignore[arg-type]
            else:
                raise ValueError(f"{where}: expected a shape (circle, ellipse), a size keyword or "
                                 f"px lengths before 'at', got {_text(token)!r}")
        if lengths:
            if "size" in out:
                raise ValueError(f"{where}: give a size keyword or lengths, not both")
            if len(lengths) == 1 and shape == "ellipse":
                raise ValueError(f"{where}: an ellipse needs two lengths")
            shape = shape or ("circle" if len(lengths) == 1 else "ellipse")
            if shape == "circle" and len(lengths) == 2:
                raise ValueError(f"{where}: a circle takes one length")
            out["radius"] = [lengths[0], lengths[-1]]
        out["shape"] = shape or "ellipse"
        if at < len(first):
            words = first[at + 1:]
            if not words:
                raise ValueError(f"{where}: expected a position after 'at'")
            try:
                out["position"] = canonical_position(" ".join(_text(t) for t in words))
            except ValueError:
                raise ValueError(f"{where}: expected a position after 'at', got "
                                 f"{_text(words)!r}") from None
        groups = groups[1:]
    out["stops"] = _stops(groups, where)
    return out


def parse_gradient(value: str) -> dict[str, Any]:
    """`linear-gradient(...)` or `radial-gradient(...)` as the model's object form."""
    node = _one_function(value, GRADIENTS)
    groups = _groups(node.arguments)
    if groups == [[]]:
        raise ValueError(f"{node.lower_name}: needs colour stops")
    return _linear(groups) if node.lower_name == "linear-gradient" else _radial(groups)


def _said(where: str, message: str) -> str:
    return f"{where}: {message}" if where else message


def parse_shadows(value: str, where: str, spread: bool) -> list[dict[str, Any]]:
    """A CSS shadow list (`2px 2px 4px rgba(0,0,0,.5), 0 0 1px red`, or `none`): each shadow is
    two offsets, then an optional blur (and spread, for boxes), with the colour before or after."""
    tokens = tinycss2.parse_component_value_list(value, skip_comments=True)
    groups = _groups(tokens)
    if len(groups) == 1 and len(groups[0]) == 1 and groups[0][0].type == "ident" \
            and groups[0][0].lower_value == "none":
        return []
    out: list[dict[str, Any]] = []
    names = ("x", "y", "blur", "spread") if spread else ("x", "y", "blur")
    for group in groups:
        shadow: dict[str, Any] = {}
        lengths: list[float] = []
        for token in group:
            if token.type == "ident" and token.lower_value == "inset":
                raise ValueError(_said(where, "inset shadows are not supported"))
            length = _length(token)
            if length is not None:
                lengths.append(length)
            elif _is_colour(token) and "color" not in shadow:
                shadow["color"] = _colour(token, where)
            else:
                raise ValueError(_said(where, f"expected px lengths and a colour, got {_text(token)!r}"))
        if not 2 <= len(lengths) <= len(names):
            raise ValueError(_said(where, f"expected {' '.join(names)} in px "
                                          f"(2 to {len(names)} lengths), got {_text(group)!r}"))
        shadow.update(zip(names, lengths))
        out.append(shadow)
    return out


def parse_stroke(value: str, where: str) -> dict[str, Any]:
    """`-webkit-text-stroke` shorthand: a width in px and a colour, in either order."""
    out: dict[str, Any] = {}
    for token in tinycss2.parse_component_value_list(value, skip_comments=True):
        length = _length(token)
        if token.type == "whitespace":
            continue
        if length is not None and "width" not in out:
            out["width"] = length
        elif _is_colour(token) and "color" not in out:
            out["color"] = _colour(token, where)
        else:
            raise ValueError(_said(where, f"expected a width in px and a colour, got {_text(token)!r}"))
    if "width" not in out:
        raise ValueError(_said(where, f"expected a width in px and a colour, got {value.strip()!r}"))
    return out
