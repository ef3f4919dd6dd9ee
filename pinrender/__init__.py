"""pinrender: render templated images (OG cards, banners) and transform photos.

    import pinrender
    png = pinrender.render("card.json", {"title": {"text": "Hello"}})
    light = pinrender.render("card.json", format="auto")   # smallest JPEG / palette PNG that looks lossless
    key = pinrender.render_key("card.json", {"title": {"text": "Hello"}})   # the ETag, no pixels
    webp = pinrender.transform("photo.jpg", size="m", format="webp")
    card = pinrender.hotspot_card("photo.jpg", [{"x": 30, "y": 40}])   # numbered markers drawn in
    for row in pinrender.render_many("card.json", rows, workers=2): ...   # one result per row
    client = pinrender.Client("https://img.example.com", api_key="...")   # the HTTP API

A stored object (`pinrender.stored(name, digest)`) is keyed by its digest and read through the
renderer's `store`: `Renderer(store=blobs.get)`. `pinrender.cli` is the extensible command line.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ._batch import BatchResult, Columns, columns, render_many
from ._errors import (
    DecodeError,
    FetchError,
    FontError,
    LimitError,
    PinrenderError,
    RenderError,
    RenderTimeout,
    SourceError,
    TemplateError,
)
from ._formats import AUTO_FORMATS, FORMATS, ImageFormat, image_format
from ._geometry import SIZE_PRESETS, VARIANT_ALIASES, VARIANT_WIDTHS
from ._graph import ResultCache
from ._graph import digest as content_key
from ._limits import DEFAULT_LIMITS, Limits
from ._model import Template
from ._renderer import Layout, Line, LineSpan, Renderer, RenderResult, TextBlock
from ._resolve import parse_template, resolve
from ._services import Services

__version__ = "0.1.0"

__all__ = [
    "AUTO_FORMATS",
    "ApiError",
    "AsyncClient",
    "BatchResult",
    "Client",
    "Columns",
    "DEFAULT_LIMITS",
    "DecodeError",
    "FORMATS",
    "FetchError",
    "FontError",
    "ImageFormat",
    "Layout",
    "LimitError",
    "Limits",
    "Line",
    "LineSpan",
    "PinrenderError",
    "ProbeInfo",
    "RenderError",
    "RenderResult",
    "RenderTimeout",
    "Renderer",
    "ResultCache",
    "SIZE_PRESETS",
    "SafeLoader",
    "Services",
    "SourceError",
    "SourceRef",
    "Template",
    "TemplateError",
    "TextBlock",
    "VARIANT_ALIASES",
    "VARIANT_WIDTHS",
    "columns",
    "content_key",
    "default_fonts",
    "default_renderer",
    "hotspot_card",
    "hotspot_card_key",
    "image_format",
    "layout",
    "parse_template",
    "probe",
    "render",
    "render_key",
    "render_many",
    "resolve",
    "shaping_status",
    "source_ref",
    "stored",
    "transform",
    "transform_key",
    "verify",
]

# What the names above are, in one line each, for the ones not documented where they are defined:
#   FORMATS          every image format pinrender knows, by canonical name (ImageFormat rows)
#   AUTO_FORMATS     `format=` values that pick by content: auto (JPEG or palette PNG), auto-webp
#   SIZE_PRESETS     `size=` names and the short edge each gives (s=320, m=640, l=1080)
#   VARIANT_WIDTHS   the widths `width=` accepts; VARIANT_ALIASES names for them (thumbnail...)
#   content_key      hash of strings/bytes parts, the same function every node key is made with
#   ResultCache      the thread-safe LRU bounded in bytes that renderers cache results in
#   ProbeInfo        what `probe` and `verify` return: width, height, format, frames, alpha...
#   SourceRef        a parsed source (`source_ref`, `stored`): kind, value and content digest


@lru_cache(maxsize=1)
def default_renderer() -> Renderer:
    """The process-wide renderer behind the module-level functions."""
    return Renderer()


def render(template: Any, layers: Any = None, *, variables: Any = None, format: str = "png",
           quality: int | None = None) -> bytes:
    """Render a template (dict, JSON path or Template) with layer overrides to image bytes."""
    return default_renderer().render(template, layers, variables=variables, format=format,
                                     quality=quality)


def render_key(template: Any, layers: Any = None, *, variables: Any = None,
               format: str = "png", quality: int | None = None) -> str:
    """The render's content key, computed without rendering."""
    return default_renderer().render_key(template, layers, variables=variables, format=format,
                                         quality=quality)


def layout(template: Any, layers: Any = None, *, variables: Any = None) -> Layout:
    """The resolved text layout: each text layer's final font size and its lines."""
    return default_renderer().layout(template, layers, variables=variables)


def transform(source: Any, **options: Any) -> bytes:
    """Resize and convert an image: `size` s/m/l, `width`, `format`, `quality`, `keep_metadata`."""
    return default_renderer().transform(source, **options)


def transform_key(source: Any, **options: Any) -> str:
    """The transform's content key (its ETag), computed without reading the source."""
    return default_renderer().transform_key(source, **options)


def hotspot_card(source: Any, hotspots: Any, **options: Any) -> bytes:
    """The image with a numbered marker at each hotspot ({x, y} in percent, optional color):
    `width` (default 1200, never upscaled), `format`, `quality`."""
    return default_renderer().hotspot_card(source, hotspots, **options)


def hotspot_card_key(source: Any, hotspots: Any, **options: Any) -> str:
    """The hotspot card's content key, computed without reading the source."""
    return default_renderer().hotspot_card_key(source, hotspots, **options)


def shaping_status() -> Any:
    """Which text layout engine this process has: `.engine` is "raqm" (HarfBuzz shaping) or
    "basic" (no shaping: complex scripts are refused); `.describe()` says so with the fix."""
    from ._text.shaping import status

    return status()


def verify(source: Any, *, limits: Limits | None = None, timeout: float | None = None) -> Any:
    """Decode every pixel, shrunk on load: DecodeError if the file is damaged, RenderTimeout past
    `timeout` seconds; returns what `probe` returns. Cheap enough to run on every upload."""
    return _with_limits(limits).verify(source, timeout=timeout)


def probe(source: Any, *, limits: Limits | None = None) -> Any:
    """Width, height, format, frames, alpha and orientation, read from the header (within
    `limits`, default the default renderer's)."""
    return _with_limits(limits).probe(source)


def _with_limits(limits: Limits | None) -> Renderer:
    renderer = default_renderer()
    if limits is None or limits == renderer.services.limits:
        return renderer
    from dataclasses import replace

    # Probing and verifying use no cache: a throwaway renderer with these limits costs nothing.
    return Renderer(replace(renderer.services, limits=limits), cache_bytes=0)


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `import pinrender` stays light for the template model alone.
    if name == "default_fonts":
        from ._text import default_fonts

        return default_fonts
    if name in ("SafeLoader", "SourceRef", "source_ref", "stored"):
        from . import _sources

        return getattr(_sources, name)
    if name in ("ApiError", "AsyncClient", "Client"):
        from . import _client  # httpx: only for programs that talk to a server

        return getattr(_client, name)
    if name == "ProbeInfo":
        from ._codecs import ProbeInfo

        return ProbeInfo
    raise AttributeError(f"module 'pinrender' has no attribute {name!r}")
