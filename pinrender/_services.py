"""What rendering needs from outside the graph: limits, a source loader, a store and fonts.

Each is an interface with a safe default, so the server can swap in its own (a loader with its
own fetch limits, a store that reads its blob backend) without the core knowing about it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from ._errors import SourceError
from ._limits import DEFAULT_LIMITS, Limits

if TYPE_CHECKING:
    from ._sources import SourceRef
    from ._text import FontRegistry

# Reads a stored object's bytes by its name: None if there is no such object.
Store = Callable[[str], "bytes | None"]


class Loader(Protocol):
    """Turns a source reference into its bytes, or raises SourceError."""

    # Whether local file paths may be read: yes for the library and CLI, never for the server.
    allow_local: bool

    def load(self, ref: SourceRef) -> bytes: ...


@dataclass(frozen=True)
class Services:
    """The loader for URLs, paths and bytes; `store` for stored objects (`pinrender.stored`);
    fonts; limits."""

    loader: Loader
    fonts: FontRegistry
    limits: Limits = DEFAULT_LIMITS
    store: Store | None = None

    def load(self, ref: SourceRef) -> bytes:
        """The bytes of any source: stored objects from `store`, the rest from `loader`."""
        if ref.kind != "stored":
            return self.loader.load(ref)
        if self.store is None:
            raise SourceError("stored objects need a store: Renderer(store=...) or "
                              "Services(store=...)")
        data = self.store(str(ref.value))
        if data is None:
            # The name stays out of the message: it is often a storage path the caller keeps private.
            raise SourceError("the stored object is missing from the store")
        return data
