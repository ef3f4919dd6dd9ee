"""Storage backends, chosen by URL-like settings (`file:///data/blobs`, `sqlite:///data/x.db`)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .blobs import BlobStore, FileBlobStore, MemoryBlobStore
from .meta import MetaStore
from .records import (
    Account,
    ApiKey,
    Claim,
    ClaimRefused,
    Conflict,
    Event,
    ImagePage,
    ImageRecord,
    OrgToken,
    Page,
    RateHit,
    ResultRecord,
    TemplateRecord,
    new_unique_id,
)
from .sqlite import SqliteMetaStore

__all__ = [
    "Account",
    "ApiKey",
    "BlobStore",
    "Claim",
    "ClaimRefused",
    "Conflict",
    "Event",
    "FileBlobStore",
    "ImagePage",
    "ImageRecord",
    "MemoryBlobStore",
    "MetaStore",
    "OrgToken",
    "Page",
    "RateHit",
    "ResultRecord",
    "SqliteMetaStore",
    "TemplateRecord",
    "new_unique_id",
    "open_blob_store",
    "open_meta_store",
]


def open_blob_store(url: str) -> BlobStore:
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryBlobStore()
    if parts.scheme == "file":
        return FileBlobStore(Path(unquote(parts.path)))
    raise ValueError(f"unsupported storage URL scheme {parts.scheme!r} (use file:// or memory://)")


def open_meta_store(url: str) -> MetaStore:
    if url in ("sqlite://:memory:", "memory://"):
        return SqliteMetaStore(":memory:")
    if url.startswith("sqlite:///"):
        return SqliteMetaStore(unquote(url[len("sqlite:///") - 1 :]))
    raise ValueError(f"unsupported database URL {url!r} (use sqlite:///path or memory://)")
