"""pinrender: render templated images (OG cards, banners) and transform photos.

    import pinrender
    png = pinrender.render("card.json", {"title": {"text": "Hello"}})
    key = pinrender.render_key("card.json", {"title": {"text": "Hello"}})   # the ETag, no pixels
    webp = pinrender.transform("photo.jpg", size="m", format="webp")
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

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
from ._limits import DEFAULT_LIMITS, Limits
from ._model import Template
from ._renderer import Layout, Line, Renderer, RenderResult, TextBlock
from ._resolve import parse_template, resolve
from ._services import Services

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_LIMITS",
    "DecodeError",
    "FetchError",
    "FontError",
    "Layout",
    "LimitError",
    "Limits",
    "Line",
    "PinrenderError",
    "RenderError",
    "RenderResult",
    "RenderTimeout",
    "Renderer",
    "SafeLoader",
    "Services",
    "SourceError",
    "Template",
    "TemplateError",
    "TextBlock",
    "default_fonts",
    "default_renderer",
    "layout",
    "parse_template",
    "probe",
    "render",
    "render_key",
    "resolve",
    "source_ref",
    "transform",
    "transform_key",
    "verify",
]


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
    return default_renderer().transform_key(source, **options)


def verify(source: Any, *, limits: Limits | None = None, timeout: float | None = None) -> Any:
    """Decode every pixel, shrunk on load: DecodeError if the file is damaged, RenderTimeout past
    `timeout` seconds; returns what `probe` returns. Cheap enough to run on every upload."""
    from dataclasses import replace

    from ._verify import verify as _verify

    services = default_renderer().services
    if limits is not None:
        services = replace(services, limits=limits)
    return _verify(source, services, timeout=timeout)


def probe(source: Any) -> Any:
    """Width, height, format, frames, alpha and orientation, read from the header."""
    return default_renderer().probe(source)


def __getattr__(name: str) -> Any:
    # Loaded on first use so that `import pinrender` stays light for the template model alone.
    if name == "default_fonts":
        from ._text import default_fonts

        return default_fonts
    if name in ("SafeLoader", "source_ref"):
        from . import _sources

        return getattr(_sources, name)
    raise AttributeError(f"module 'pinrender' has no attribute {name!r}")
