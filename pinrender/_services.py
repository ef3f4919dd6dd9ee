"""What rendering needs from outside the graph: limits, a source loader and fonts.

Each is an interface with a safe default, so the server can swap in its own (a loader that also
reads stored uploads, say) without the core knowing about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ._limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from ._sources import SourceRef
    from ._text import FontRegistry


class Loader(Protocol):
    """Turns a source reference into its bytes, or raises SourceError."""

    # Whether local file paths may be read: yes for the library and CLI, never for the server.
    allow_local: bool

    def load(self, ref: SourceRef) -> bytes: ...


@dataclass(frozen=True)
class Services:
    loader: Loader
    fonts: FontRegistry
    limits: Limits = DEFAULT_LIMITS
