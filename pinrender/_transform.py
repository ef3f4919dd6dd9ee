"""Transforms: `?size=` presets and width variants as a render graph.

    Encode(Resize(ToSrgb(Orient(Decode(Source(ref), hint))), rule, target), format, quality)

`plan_transform` is pure: no bytes are read, so `transform_key` (the ETag) costs nothing. The
shrink-on-load hint is derived from the size rule alone (cover a target x target box for a short
edge, a target-wide strip for a width), so planning never needs the source's dimensions.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from ._codecs import ProbeInfo, normalise_format
from ._codecs import probe as probe_bytes
from ._errors import TemplateError
from ._geometry import SIZE_PRESETS, VARIANT_ALIASES, VARIANT_WIDTHS
from ._graph import ExecutionContext, Node, ResultCache, execute
from ._nodes.encode import Encode
from ._nodes.resize import Resize
from ._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from ._services import Services
from ._sources import SafeLoader, SourceRef, source_ref

SourceInput = str | bytes | os.PathLike[str] | SourceRef
ANIMATABLE = (None, "webp", "gif")

_default: Services | None = None
_default_lock = threading.Lock()


def default_services() -> Services:
    """Services for transforms alone (no fonts needed), built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Services(loader=SafeLoader(), fonts=None)  # type: ignore[arg-type]
        return _default


def size_rule(size: str | None, width: int | str | None) -> tuple[str, int] | None:
    """The canonical (rule, target) of `size` / `width` options, or TemplateError naming the
    bad option."""
    if size is not None and width is not None:
        raise TemplateError("give either size or width, not both", path="size")
    if size is not None:
        key = str(size).strip().lower()
        if key not in SIZE_PRESETS:
            raise TemplateError(f"{size!r} is not a size: use s, m or l", path="size")
        return "short_edge", SIZE_PRESETS[key]
    if width is not None:
        if isinstance(width, str):
            text = width.strip().lower()
            if text in VARIANT_ALIASES:
                return "width", VARIANT_ALIASES[text]
            if not text.isdigit():
                raise TemplateError(_width_message(width), path="width")
            width = int(text)
        if isinstance(width, bool) or not isinstance(width, int) or width not in VARIANT_WIDTHS:
            raise TemplateError(_width_message(width), path="width")
        return "width", width
    return None


def _width_message(width: object) -> str:
    names = ", ".join(VARIANT_ALIASES)
    return (f"{width!r} is not a variant width: use one of "
            f"{', '.join(map(str, VARIANT_WIDTHS))} or {names}")


def _format(format: str | None) -> str | None:
    if format is None:
        return None
    try:
        return normalise_format(format)
    except ValueError as exc:
        raise TemplateError(str(exc), path="format") from None


def _quality(quality: int | None) -> int | None:
    if quality is None:
        return None
    if isinstance(quality, bool) or not isinstance(quality, int) or not 1 <= quality <= 100:
        raise TemplateError("must be a whole number from 1 to 100", path="quality")
    return quality


def plan_transform(ref: SourceRef, *, size: str | None = None, width: int | str | None = None,
                   format: str | None = None, quality: int | None = None,
                   keep_metadata: bool = False) -> Node:
    """The graph of one transform. Pure: reads no bytes."""
    rule = size_rule(size, width)
    fmt = _format(format)
    q = _quality(quality)
    hint = None
    if rule is not None:
        kind, target = rule
        hint = ShrinkHint(target, target if kind == "short_edge" else 1, "cover")
    image: Node = ToSrgb(Orient(Decode(Source(ref), hint, animated=fmt in ANIMATABLE)))
    if rule is not None:
        image = Resize(image, rule[0], rule[1])  # type: ignore[arg-type]
    return Encode(image, fmt, q, bool(keep_metadata))


def _ref(source: SourceInput, services: Services) -> SourceRef:
    allow_local = bool(getattr(services.loader, "allow_local", False))
    return source_ref(source, allow_local=allow_local)


def transform(source: SourceInput, *, size: str | None = None, width: int | str | None = None,
              format: str | None = None, quality: int | None = None, keep_metadata: bool = False,
              services: Services | None = None, cache: ResultCache | None = None) -> bytes:
    """Resize and convert an image; see `plan_transform` for the options."""
    services = services or default_services()
    root = plan_transform(_ref(source, services), size=size, width=width, format=format,
                          quality=quality, keep_metadata=keep_metadata)
    value: Any = execute(root, ExecutionContext(services, cache))
    return bytes(value)


def transform_key(source: SourceInput, *, size: str | None = None,
                  width: int | str | None = None, format: str | None = None,
                  quality: int | None = None, keep_metadata: bool = False,
                  services: Services | None = None) -> str:
    """The content key of a transform (its ETag), computed without decoding anything."""
    services = services or default_services()
    return plan_transform(_ref(source, services), size=size, width=width, format=format,
                          quality=quality, keep_metadata=keep_metadata).key


def probe(source: SourceInput, *, services: Services | None = None) -> ProbeInfo:
    """Width, height, format, frames, alpha and orientation, from the header alone."""
    services = services or default_services()
    data = services.loader.load(_ref(source, services))
    return probe_bytes(data, services.limits)
