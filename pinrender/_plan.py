"""Plan: a resolved template -> the composed canvas. Pure: no fetching, no pixels.

The graph of a template render (`_pipelines.plan_render` adds the Encode) reads, from the root
down:

    Encode(format, quality)
      Over(layer N) ... Over(layer 1)
        background: Fill(colour | gradient) or Fit(ToSrgb(Orient(Decode(Source))))
        image layer: Opacity(Group(BoxShadow..., RoundCorners(Fit(ToSrgb(Orient(Decode(Source, hint)))))))
        text layer:  Opacity(Group(DropShadow(body)..., body)), body = Stroke(Clip(Fill(gradient), Text))
        rect layer:  Opacity(Group(BoxShadow..., Shape))

Each wrapper is there only when the layer asks for it (a plain title is Text alone). Effects
that reach past the layer box (shadows, a stroke's outer half) grow the drawn box by a margin
on every side, so the layer still rotates about its own centre.
"""

from __future__ import annotations

import math

from ._errors import SourceError
from ._graph import Node
from ._model import BackgroundImage, BoxShadow, ImageLayer, LayerBase, RectLayer, Template, TextLayer
from ._nodes.clip import Clip
from ._nodes.composite import Over
from ._nodes.group import Group
from ._nodes.image import Fit, Opacity, RoundCorners
from ._nodes.shadow import BoxShadow as BoxShadowNode
from ._nodes.shadow import DropShadow, blur_margin, box_shadow_margin
from ._nodes.shape import Fill, Shape
from ._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from ._nodes.stroke import Stroke, stroke_margin
from ._nodes.text import Text
from ._sources import SourceRef, source_ref

Radii = tuple[float, float, float, float]


def box(layer: LayerBase) -> tuple[int, int]:
    return max(1, math.ceil(layer.width)), max(1, math.ceil(layer.height))


def radii(value: float | list[float]) -> Radii:
    if isinstance(value, list):
        return (value[0], value[1], value[2], value[3])
    return (value, value, value, value)


def plan_fitted_image(url: str | bytes | SourceRef, width: int, height: int, mode: str, position: str, *,
                      allow_local: bool, path: str) -> Node:
    """Source -> decode (shrink-on-load for the box) -> orient -> sRGB -> fit into the box."""
    try:
        ref = source_ref(url, allow_local=allow_local)
    except SourceError as exc:
        raise type(exc)(f"{path}: {exc}") from None
    # contain-like fits only need the image as large as the box's inside; none needs it whole
    hint_mode = {"cover": "cover", "fill": "cover", "contain": "contain",
                 "scale-down": "contain"}.get(mode)
    hint = ShrinkHint(width, height, hint_mode) if hint_mode else None  # type: ignore[arg-type]
    decoded = ToSrgb(Orient(Decode(Source(ref), hint)))
    return Fit(decoded, width, height, mode, position)


def plan_text(layer: TextLayer, fonts: str) -> tuple[Node, int]:
    """A text layer's drawing and its margin: glyphs (filled with a gradient through a Clip),
    stroked, then shadows under it, the first listed on top as in CSS."""
    width, height = box(layer)
    solid = layer.color if isinstance(layer.color, str) else None
    # The Text node's key holds what shapes and draws the glyphs only: effects, position and
    # fading are other nodes', so a new shadow colour reuses the drawn title.
    glyph_layer = layer.model_copy(update={
        "x": 0.0, "y": 0.0, "opacity": 1.0, "rotation": 0.0, "color": solid or "#000000",
        "textShadow": [], "textStroke": None})
    current = solid or "#000000"  # CSS currentColor, for effects without a colour
    body: Node = Text(glyph_layer, fonts)
    if solid is None:
        body = Clip(Fill(width, height, layer.color), body)
    margin = 0
    if layer.textStroke is not None:
        body = Stroke(body, layer.textStroke.width, layer.textStroke.color or current)
        margin = stroke_margin(layer.textStroke.width)
    if not layer.textShadow:
        return body, margin
    parts: list[tuple[Node, int, float, float]] = []
    for shadow in reversed(layer.textShadow):
        extra = blur_margin(shadow.blur)
        parts.append((DropShadow(body, shadow.blur, shadow.color or current, extra),
                      margin + extra, shadow.x, shadow.y))
    return group(width, height, parts, body, margin)


def group(width: int, height: int, parts: list[tuple[Node, int, float, float]], body: Node,
          margin: int) -> tuple[Node, int]:
    """`parts` (node, its margin, x and y offsets) under `body`, in one box with one margin."""
    outer = max([margin] + [m + math.ceil(max(abs(x), abs(y))) for _, m, x, y in parts])
    nodes = tuple(node for node, *_ in parts) + (body,)
    offsets = tuple((outer - m + round(x), outer - m + round(y)) for _, m, x, y in parts)
    drawn = Group(width + 2 * outer, height + 2 * outer, nodes, offsets + ((outer - margin,) * 2,))
    return drawn, outer


def with_box_shadows(node: Node, width: int, height: int, corners: Radii,
                     shadows: list[BoxShadow]) -> tuple[Node, int]:
    if not shadows:
        return node, 0
    parts: list[tuple[Node, int, float, float]] = []
    for s in reversed(shadows):
        margin = box_shadow_margin(s.x, s.y, s.blur, s.spread)
        parts.append((BoxShadowNode(width, height, corners, s.x, s.y, s.blur, s.spread,
                                    s.color or "#000000", margin), margin, 0.0, 0.0))
    return group(width, height, parts, node, 0)


def plan_layer(layer: LayerBase, *, fonts: str, allow_local: bool) -> tuple[Node, int] | None:
    """A layer's drawing and the margin it reaches past the layer box on every side."""
    width, height = box(layer)
    node: Node
    margin = 0
    if isinstance(layer, TextLayer):
        if not layer.text.strip():
            return None
        node, margin = plan_text(layer, fonts)
    elif isinstance(layer, ImageLayer):
        if not layer.image_url:
            return None
        node = plan_fitted_image(layer.image_url, width, height, layer.objectFit,
                                 layer.objectPosition, allow_local=allow_local,
                                 path=f"layers.{layer.name}.image_url")
        corners = radii(layer.borderRadius)
        if any(r >= 0.5 for r in corners):
            node = RoundCorners(node, corners)
        node, margin = with_box_shadows(node, width, height, corners, layer.boxShadow)
    elif isinstance(layer, RectLayer):
        corners = radii(layer.borderRadius)
        node = Shape(width, height, layer.fill, layer.borderWidth, layer.borderColor, corners)
        node, margin = with_box_shadows(node, width, height, corners, layer.boxShadow)
    else:  # pragma: no cover - the model admits no other kind
        raise TypeError(f"no planner rule for {type(layer).__name__}")
    if layer.opacity < 1.0:
        node = Opacity(node, layer.opacity)
    return node, margin


def plan_canvas(spec: Template, *, fonts: str, allow_local: bool) -> Node:
    """Everything but the encoding: the composed RGBA canvas."""
    canvas = spec.canvas
    background = canvas.background
    node: Node
    if isinstance(background, BackgroundImage):
        node = plan_fitted_image(background.image_url, canvas.width, canvas.height,
                                 background.objectFit, background.objectPosition,
                                 allow_local=allow_local, path="canvas.background.image_url")
    else:
        node = Fill(canvas.width, canvas.height, background)
    for layer in spec.layers:
        if layer.hidden or layer.opacity == 0:
            continue
        planned = plan_layer(layer, fonts=fonts, allow_local=allow_local)
        if planned is not None:
            drawn, margin = planned
            node = Over(node, drawn, layer.x - margin, layer.y - margin, layer.rotation)
    return node

