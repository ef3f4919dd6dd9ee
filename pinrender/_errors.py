"""The exceptions pinrender raises.

    PinrenderError
    ├── TemplateError        a template, override or variable is invalid (has a field path)
    │   └── FontError        an unknown font family or an unreadable font file
    ├── SourceError          an image source cannot be fetched, read or decoded
    │   ├── FetchError       the URL is refused (scheme, private address) or the fetch failed
    │   ├── LimitError       the source is over a configured limit (bytes, pixels, frames)
    │   └── DecodeError      the bytes are not a supported, intact image
    └── RenderError          rendering or encoding failed, or an output is over a limit
        └── RenderTimeout    a render ran past its deadline

The server maps each class to an HTTP status in one place; nothing here knows about HTTP.
"""

from __future__ import annotations


class PinrenderError(Exception):
    """Base class of every error pinrender raises on purpose."""


class TemplateError(PinrenderError, ValueError):
    """A template, layer override or variable is invalid.

    `path` names the field, dotted, as a user wrote it: `layers.title.fontSize`, `canvas.width`.
    """

    def __init__(self, message: str, path: str = "") -> None:
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class FontError(TemplateError):
    """A font family is unknown or a font file cannot be read."""


class SourceError(PinrenderError, ValueError):
    """An image source cannot be used."""


class FetchError(SourceError):
    """A URL was refused or could not be fetched."""


class LimitError(SourceError):
    """A source is over a configured limit."""


class DecodeError(SourceError):
    """The bytes are not an intact image in a supported format."""


class RenderError(PinrenderError):
    """Rendering or encoding failed."""


class RenderTimeout(RenderError):
    """A render ran past the renderer's deadline."""
