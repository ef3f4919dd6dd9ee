"""Stacks (auto layout): a stack layer and its children -> positioned leaf layers.

Pure, given a way to measure text: this runs after resolve and before planning, so the planner
and the content keys see ordinary layers with ordinary boxes. Two passes, as Figma's auto layout
and flexbox do it: size (children first, text at its natural size within what is left), then
place (justify on the main axis, align on the cross axis, stretch, nested stacks in the box they
are given).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from ._model import AUTO, AnyLayer, StackLayer, Template, TextLayer

# A text layer's natural (width, height): its widest line and its lines' total height when laid
# out in its box.
Measure = Callable[[TextLayer], tuple[float, float]]


@dataclass(frozen=True)
class Box:
    """Where a stack or a stack child landed, in canvas coordinates."""

    name: str
    x: float
    y: float
    width: float
    height: float


@dataclass
class _Sized:
    layer: AnyLayer
    width: float
    height: float
    children: list[_Sized] = field(default_factory=list)


def padding(stack: StackLayer) -> tuple[float, float, float, float]:
    """CSS shorthand: 1, 2, 3 or 4 values -> (top, right, bottom, left)."""
    p = stack.padding
    if not isinstance(p, list):
        return (p, p, p, p)
    if len(p) == 1:
        return (p[0], p[0], p[0], p[0])
    if len(p) == 2:
        return (p[0], p[1], p[0], p[1])
    if len(p) == 3:
        return (p[0], p[1], p[2], p[1])
    return (p[0], p[1], p[2], p[3])


def _size(layer: AnyLayer, avail_w: float, avail_h: float, measure: Measure) -> _Sized:
    if isinstance(layer, StackLayer):
        return _size_stack(layer, avail_w, avail_h, measure)
    if isinstance(layer, TextLayer) and AUTO in (layer.width, layer.height):
        box_w = layer.width if layer.width != AUTO else max(1.0, avail_w)
        box_h = layer.height if layer.height != AUTO else AUTO
        natural_w, natural_h = measure(layer.model_copy(update={"width": box_w, "height": box_h}))
        width = box_w if layer.width != AUTO else max(1.0, min(box_w, float(math.ceil(natural_w))))
        height = box_h if layer.height != AUTO else max(1.0, float(math.ceil(natural_h)))
        return _Sized(layer, width, height)
    return _Sized(layer, layer.width, layer.height)


def _main_is_auto(layer: AnyLayer, row: bool) -> bool:
    return isinstance(layer, TextLayer) and (layer.width if row else layer.height) == AUTO


def _size_stack(stack: StackLayer, avail_w: float, avail_h: float, measure: Measure) -> _Sized:
    top, right, bottom, left = padding(stack)
    box_w = stack.width if stack.width is not None else avail_w
    box_h = stack.height if stack.height is not None else avail_h
    inner_w, inner_h = max(0.0, box_w - left - right), max(0.0, box_h - top - bottom)
    row = stack.direction == "row"
    visible = [c for c in stack.children if not c.hidden]
    sized: list[_Sized | None] = [None] * len(visible)
    # Fixed children first; text that hugs then shares what is left of the main axis, in order.
    for i, child in enumerate(visible):
        if not _main_is_auto(child, row):
            sized[i] = _size(child, inner_w, inner_h, measure)
    used = sum(s.width if row else s.height for s in sized if s is not None)
    left_over = (inner_w if row else inner_h) - used - stack.gap * max(0, len(visible) - 1)
    for i, child in enumerate(visible):
        if sized[i] is None:
            avail = max(1.0, left_over)
            sized[i] = _size(child, avail if row else inner_w, inner_h if row else avail, measure)
            left_over -= sized[i].width if row else sized[i].height  # type: ignore[union-attr]
    children = [s for s in sized if s is not None]
    main = sum(s.width if row else s.height for s in children)
    main += stack.gap * max(0, len(children) - 1)
    cross = max((s.height if row else s.width for s in children), default=0.0)
    if stack.sizing == "fill":
        width, height = box_w, box_h
    else:
        width = (main if row else cross) + left + right
        height = (cross if row else main) + top + bottom
    return _Sized(stack, width, height, children)


def _place(item: _Sized, x: float, y: float, width: float, height: float, opacity: float,
           out: list[AnyLayer], boxes: dict[str, Box]) -> None:
    layer = item.layer
    # Padding larger than a fixed box leaves no room: children keep at least a pixel.
    width, height = max(1.0, width), max(1.0, height)
    boxes[layer.name] = Box(layer.name, x, y, width, height)
    if not isinstance(layer, StackLayer):
        out.append(layer.model_copy(update={"x": x, "y": y, "width": width, "height": height,
                                             "opacity": layer.opacity * opacity}))
        return
    top, right, bottom, left = padding(layer)
    row = layer.direction == "row"
    inner_main = (width - left - right) if row else (height - top - bottom)
    inner_cross = (height - top - bottom) if row else (width - left - right)
    sizes = [(c.width, c.height) if row else (c.height, c.width) for c in item.children]
    content = sum(m for m, _ in sizes) + layer.gap * max(0, len(sizes) - 1)
    free = inner_main - content
    gap, cursor = layer.gap, 0.0
    if layer.justify == "center":
        cursor = free / 2
    elif layer.justify == "end":
        cursor = free
    elif layer.justify == "space-between" and len(sizes) > 1 and free > 0:
        gap += free / (len(sizes) - 1)
    for child, (main, cross) in zip(item.children, sizes):
        if layer.align == "stretch":
            cross, offset = inner_cross, 0.0
        else:
            offset = {"start": 0.0, "center": (inner_cross - cross) / 2,
                      "end": inner_cross - cross}[layer.align]
        if row:
            _place(child, x + left + cursor, y + top + offset, main, cross, opacity * layer.opacity,
                   out, boxes)
        else:
            _place(child, x + left + offset, y + top + cursor, cross, main, opacity * layer.opacity,
                   out, boxes)
        cursor += main + gap


def place_stacks(spec: Template, measure: Measure) -> tuple[Template, dict[str, Box]]:
    """The template with every stack replaced by its children as positioned layers (in paint
    order, where the stack was), and the box of every stack and stack child by name."""
    if not any(isinstance(layer, StackLayer) for layer in spec.layers):
        return spec, {}
    out: list[AnyLayer] = []
    boxes: dict[str, Box] = {}
    canvas = spec.canvas
    for layer in spec.layers:
        if not isinstance(layer, StackLayer):
            out.append(layer)
        elif not layer.hidden:
            sized = _size_stack(layer, max(1.0, canvas.width - layer.x),
                                max(1.0, canvas.height - layer.y), measure)
            _place(sized, layer.x, layer.y, sized.width, sized.height, 1.0, out, boxes)
    return spec.model_copy(update={"layers": out}), boxes


def text_measure(fonts: object) -> Measure:
    """Measure text with the text layout engine and these fonts."""
    from ._text import layout_text

    def measure(layer: TextLayer) -> tuple[float, float]:
        text = layout_text(layer, fonts)  # type: ignore[arg-type]
        width = max((line.width for line in text.lines), default=0.0)
        return width, text.height

    return measure
