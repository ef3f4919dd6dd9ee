"""Hotspots as markers: the validated, numbered form a hotspot card draws (`HotspotOverlay`).

The card's pipeline is `_pipelines.plan_hotspot_card`; markers are part of its key, so editing a
hotspot gives the card a new key without any pixel being drawn first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from ._color import parse_color
from ._errors import TemplateError
from ._nodes.hotspots import Marker

DEFAULT_COLOR = "#2a9d8f"
MAX_MARKERS = 100


def markers_of(hotspots: Iterable[Mapping[str, Any]]) -> tuple[Marker, ...]:
    """Hotspot dicts ({x, y, color}) as markers numbered from 1, in order."""
    if isinstance(hotspots, (str, bytes, Mapping)) or not isinstance(hotspots, Iterable):
        raise TemplateError("must be a list of {x, y, color} objects", path="hotspots")
    markers = []
    for i, spot in enumerate(hotspots):
        if not isinstance(spot, Mapping):
            raise TemplateError("must be an object with x and y", path=f"hotspots[{i}]")
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

