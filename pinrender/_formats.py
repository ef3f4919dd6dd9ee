"""Output formats: names users may write, and what they are called on the wire."""

from __future__ import annotations

from ._errors import TemplateError

FORMATS = ("png", "jpeg", "webp", "avif")
ALIASES = {"jpg": "jpeg"}
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp",
               "avif": "image/avif", "gif": "image/gif"}


def output_format(name: str, *, allowed: tuple[str, ...] = FORMATS, path: str = "format") -> str:
    """The canonical name of an output format, or a TemplateError naming the allowed ones."""
    canonical = ALIASES.get(str(name).lower(), str(name).lower())
    if canonical not in allowed:
        raise TemplateError(f"{name!r} is not a supported format (use {', '.join(allowed)})", path)
    return canonical


def output_quality(value: int | None, *, path: str = "quality") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise TemplateError("must be a whole number from 1 to 100", path)
    return value
