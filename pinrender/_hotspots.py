"""Plan a hotspot-overlay render: a stored image, resized, with numbered markers drawn in.

    Encode(HotspotOverlay(Resize(ToSrgb(Orient(Decode(Source(ref), hint))), "width", w)), format)

Pure like every planner: the key (an ETag) covers the source digest, the size and every marker, so
editing a hotspot gives the card a new key without any pixel being drawn first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._color import parse_color
from ._errors import TemplateError
from ._graph import ExecutionContext, Node, ResultCache, execute
from ._nodes.encode import Encode
from ._nodes.hotspots import HotspotOverlay, Marker
from ._nodes.resize import Resize
from ._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from ._services import Services
from ._sources import SourceRef

DEFAULT_COLOR = "#2a9d8f"
MAX_MARKERS = 100


def markers_of(hotspots: Iterable[Mapping[str, Any]]) -> tuple[Marker, ...]:
    """Hotspot dicts ({x, y, color}) as markers numbered from 1, in order."""
    markers = []
    for i, spot in enumerate(hotspots):
        if i >= MAX_MARKERS:
            raise TemplateError(f"at most {MAX_MARKERS} hotspots", path="hotspots")
        try:
            x, y = float(spot["x"]), float(spot["y"])
        except (KeyError, TypeError, ValueError):
            raise TemplateError("x and y must be numbers", path=f"hotspots[{i}]") from None
        if not (0 <= x <= 100 and 0 <= y <= 100):
            raise TemplateError("x and y must be within 0-100", path=f"hotspots[{i}]")
        try:
            color = parse_color(str(spot.get("color") or DEFAULT_COLOR))
        except ValueError as exc:
            raise TemplateError(str(exc), path=f"hotspots[{i}].color") from None
        markers.append(Marker(x, y, tuple(color), str(i + 1)))  # type: ignore[arg-type]
    return tuple(markers)


def plan_hotspot_overlay(ref: SourceRef, hotspots: Iterable[Mapping[str, Any]], *,
                         width: int | None = 1200, format: str = "png",
                         quality: int | None = None) -> Node:
    """The graph of an image with its hotspot markers; `width` caps the output (never upscales)."""
    hint = ShrinkHint(width, 1, "cover") if width else None
    image: Node = ToSrgb(Orient(Decode(Source(ref), hint)))
    if width:
        image = Resize(image, "width", width)
    return Encode(HotspotOverlay(image, markers_of(hotspots)), format, quality)


def render_hotspot_overlay(ref: SourceRef, hotspots: Iterable[Mapping[str, Any]], *,
                           services: Services, cache: ResultCache | None = None,
                           **options: Any) -> bytes:
    root = plan_hotspot_overlay(ref, hotspots, **options)
    return bytes(execute(root, ExecutionContext(services, cache)))
