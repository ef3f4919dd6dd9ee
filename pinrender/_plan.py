"""Plan: a resolved template -> the composed canvas. Pure: no fetching, no pixels.

The graph of a template render (`_pipelines.plan_render` adds the Encode) reads, from the root
down:

    Encode(format, quality)
      Over(layer N) ... Over(layer 1)
        background: Fill(colour | gradient) or Fit(ToSrgb(Orient(Decode(Source))))
        image layer: Opacity(RoundCorners(Fit(ToSrgb(Orient(Decode(Source, hint))))))
        text layer:  Opacity(Text)
        rect layer:  Opacity(Shape)
"""

from __future__ import annotations

import math

from ._errors import SourceError
from ._graph import Node
from ._model import BackgroundImage, ImageLayer, LayerBase, RectLayer, Template, TextLayer
from ._nodes.composite import Over
from ._nodes.image import Fit, Opacity, RoundCorners
from ._nodes.shape import Fill, Shape
from ._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from ._nodes.text import Text
from ._sources import source_ref

Radii = tuple[float, float, float, float]


def box(layer: LayerBase) -> tuple[int, int]:
    return max(1, math.ceil(layer.width)), max(1, math.ceil(layer.height))


def radii(value: float | list[float]) -> Radii:
    if isinstance(value, list):
        return (value[0], value[1], value[2], value[3])
    return (value, value, value, value)


def plan_fitted_image(url: str | bytes, width: int, height: int, mode: str, position: str, *,
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


def plan_layer(layer: LayerBase, *, fonts: str, allow_local: bool) -> Node | None:
    width, height = box(layer)
    node: Node
    if isinstance(layer, TextLayer):
        if not layer.text.strip():
            return None
        at_origin = layer.model_copy(update={"x": 0.0, "y": 0.0, "opacity": 1.0, "rotation": 0.0})
        node = Text(at_origin, fonts)
    elif isinstance(layer, ImageLayer):
        if not layer.image_url:
            return None
        node = plan_fitted_image(layer.image_url, width, height, layer.objectFit,
                                 layer.objectPosition, allow_local=allow_local,
                                 path=f"layers.{layer.name}.image_url")
        corners = radii(layer.borderRadius)
        if any(r >= 0.5 for r in corners):
            node = RoundCorners(node, corners)
    elif isinstance(layer, RectLayer):
        node = Shape(width, height, layer.fill, layer.borderWidth, layer.borderColor,
                     radii(layer.borderRadius))
    else:  # pragma: no cover - the model admits no other kind
        raise TypeError(f"no planner rule for {type(layer).__name__}")
    if layer.opacity < 1.0:
        node = Opacity(node, layer.opacity)
    return node


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
        drawn = plan_layer(layer, fonts=fonts, allow_local=allow_local)
        if drawn is not None:
            node = Over(node, drawn, layer.x, layer.y, layer.rotation)
    return node

