"""The one table of image formats: names users may write, file extensions, media types, and what
pinrender can do with each. Everything else (output validation, stored file names, the server's
Content-Type) reads it from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from ._errors import TemplateError


@dataclass(frozen=True)
class ImageFormat:
    """One image format as pinrender knows it."""

    name: str  # canonical: what probes report and encoders take ("jpeg")
    extension: str  # how files of it are named, without the dot ("jpg")
    media_type: str
    aliases: tuple[str, ...] = ()  # other names accepted for it, extensions included
    animated: bool = False  # may hold several frames, and pinrender writes them all
    encodable: bool = False  # pinrender can write it
    web: bool = True  # browsers show it inline
    written_as: str = ""  # what "keep the source's format" writes: itself if encodable


def _table(*formats: ImageFormat) -> Mapping[str, ImageFormat]:
    return MappingProxyType({f.name: f for f in formats})


FORMATS: Mapping[str, ImageFormat] = _table(
    ImageFormat("png", "png", "image/png", encodable=True, written_as="png"),
    ImageFormat("jpeg", "jpg", "image/jpeg", ("jpg",), encodable=True, written_as="jpeg"),
    ImageFormat("webp", "webp", "image/webp", animated=True, encodable=True, written_as="webp"),
    ImageFormat("avif", "avif", "image/avif", encodable=True, written_as="avif"),
    ImageFormat("gif", "gif", "image/gif", animated=True, encodable=True, written_as="gif"),
    ImageFormat("svg", "svg", "image/svg+xml", written_as="png"),
    ImageFormat("heic", "heic", "image/heic", ("heif",), web=False, written_as="jpeg"),
    ImageFormat("tiff", "tiff", "image/tiff", ("tif",), web=False, written_as="png"),
    ImageFormat("bmp", "bmp", "image/bmp", web=False, written_as="png"),
)
_BY_NAME = {alias: f for f in FORMATS.values() for alias in (f.name, f.extension, *f.aliases)}

# What templates may render to: the still formats every browser and social card crawler reads.
RENDER_FORMATS = ("png", "jpeg", "webp", "avif")
# `format="auto"`: the lightest of a lossy encoding (this one) and a palette PNG that still looks
# like the lossless render, chosen by the pixels (`_codecs/light.py`); a server picks `auto-webp`
# for clients whose Accept takes WebP.
AUTO_FORMATS = {"auto": "jpeg", "auto-webp": "webp"}
# What a transform may write: every encodable format.
TRANSFORM_FORMATS = tuple(f.name for f in FORMATS.values() if f.encodable)


def image_format(name: str) -> ImageFormat:
    """The format called `name` (canonical, alias or extension, any case, a leading dot allowed),
    or a TemplateError listing the known ones."""
    found = _BY_NAME.get(name.strip().lower().lstrip(".")) if isinstance(name, str) else None
    if found is None:
        raise TemplateError(f"{name!r} is not a known image format (use "
                            f"{', '.join(FORMATS)})", "format")
    return found


def output_format(name: str, *, allowed: tuple[str, ...] = RENDER_FORMATS,
                  path: str = "format") -> str:
    """The canonical name of an output format a user asked for, or a TemplateError at `path`
    naming the allowed ones."""
    found = _BY_NAME.get(name.strip().lower().lstrip(".")) if isinstance(name, str) else None
    if found is None or found.name not in allowed:
        raise TemplateError(f"{name!r} is not a supported format (use {', '.join(allowed)})", path)
    return found.name


def output_quality(value: int | None, *, path: str = "quality") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 100:
        raise TemplateError("must be a whole number from 1 to 100", path)
    return value
