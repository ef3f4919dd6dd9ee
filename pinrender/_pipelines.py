"""The pipelines: one planner per output kind, each a literal list of steps.

    render        template layers (see `_plan.py`)                          -> encode
    transform     source -> decode -> orient -> to_srgb -> resize | frame -> matte -> encode
    hotspot card  source -> decode -> orient -> to_srgb -> resize -> hotspots -> encode

A planner is pure: it reads no bytes and draws no pixel, and returns the graph's root, whose key
(the ETag, the stored result's name) exists before anything runs. Every plan runs through the one
executor, `Renderer.result`, under the renderer's deadline, decode budget and cache.

A new output kind is one more planner here (a list of steps) and a `Renderer` pair that plans
and runs it; a new node kind is a module in `_nodes/` with its own test file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from functools import partial
from typing import Any

from ._graph import Node
from ._hotspots import markers_of
from ._model import Template
from ._nodes.encode import Encode
from ._nodes.frame import Frame, Matte
from ._nodes.hotspots import HotspotOverlay
from ._nodes.resize import Resize
from ._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from ._plan import plan_canvas
from ._sources import SourceRef
from ._transform import FrameOptions, TransformOptions, transform_options

Step = Callable[[Node], Node]


def pipeline(first: Node, *steps: Step | None) -> Node:
    """`first` through each step in order; a None step (an option not asked for) is skipped."""
    node = first
    for step in steps:
        if step is not None:
            node = step(node)
    return node


def plan_render(spec: Template, *, format: str, quality: int | None, fonts: str,
                allow_local: bool) -> Node:
    """A resolved template: its layers composed on the canvas, encoded."""
    return pipeline(
        plan_canvas(spec, fonts=fonts, allow_local=allow_local),
        partial(Encode, format=format, quality=quality),
    )


def plan_transform(ref: SourceRef, options: TransformOptions | None = None,
                   **raw: Any) -> Node:
    """A `?size=` preset or width variant of one source. The shrink-on-load hint comes from the
    size rule alone (cover a target-square for a short edge, a target-wide strip for a width),
    so planning never needs the source's dimensions."""
    opts = options or transform_options(**raw)
    rule, target = opts.rule or ("", 0)
    hint = ShrinkHint(target, target if rule == "short_edge" else 1, "cover") if rule else None
    frame = opts.frame
    if frame is not None and not rule:
        hint = frame_hint(frame)
    return pipeline(
        Source(ref),
        partial(Decode, hint=hint, animated=opts.animated),
        Orient,
        ToSrgb,
        partial(Resize, rule=rule, target=target) if rule else None,
        partial(Frame, width=frame.width, height=frame.height, fit=frame.fit,
                gravity=frame.gravity, background=frame.background) if frame else None,
        partial(Matte, background=frame.background) if frame and frame.background else None,
        partial(Encode, format=opts.format, quality=opts.quality,
                keep_metadata=opts.keep_metadata),
    )


def frame_hint(frame: FrameOptions) -> ShrinkHint | None:
    """Shrink on load no further than the frame needs: to cover the box when it is cut (crop,
    min) or distorted (scale), to fit inside it otherwise; a missing side asks nothing of it."""
    if frame.width is None and frame.height is None:
        return None
    if frame.width is None or frame.height is None:
        return ShrinkHint(frame.width or 1, frame.height or 1, "cover")
    if frame.fit in ("clip", "max", "fill"):
        return ShrinkHint(frame.width, frame.height, "contain")
    return ShrinkHint(frame.width, frame.height, "cover")


def plan_hotspot_card(ref: SourceRef, hotspots: Iterable[Mapping[str, Any]], *,
                      width: int | None = 1200, format: str = "png",
                      quality: int | None = None) -> Node:
    """An image with its numbered hotspot markers drawn in; `width` caps it (never upscales).
    The key covers the source digest, the size and every marker."""
    markers = markers_of(hotspots)
    return pipeline(
        Source(ref),
        partial(Decode, hint=ShrinkHint(width, 1, "cover") if width else None),
        Orient,
        ToSrgb,
        partial(Resize, rule="width", target=width) if width else None,
        partial(HotspotOverlay, markers=markers),
        partial(Encode, format=format, quality=quality),
    )
