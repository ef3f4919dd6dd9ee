"""Storage backends by concern, each chosen by a URL-like setting: records (`MetaStore`,
`sqlite:///data/x.db` or `postgresql://user:pass@host/db`), counters and limits
(`CounterStore`; empty = the records' database), blobs (`BlobStore`, `file:///data/blobs`).
The conformance suites every implementation must pass are in `pinrender_server.backends.testing`."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from .blobs import BlobStore, FileBlobStore, MemoryBlobStore
from .counters import CounterStore, RateLimitRepo, StoreUnavailable, UsageRepo
from .memory_counters import MemoryCounterStore
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
    JobRecord,
    OrgToken,
    Page,
    RateHit,
    ResultRecord,
    TemplateRecord,
    new_unique_id,
)
from .sqlite import SqliteCounterStore, SqliteMetaStore

__all__ = [
    "Account",
    "ApiKey",
    "BlobStore",
    "Claim",
    "ClaimRefused",
    "Conflict",
    "CounterStore",
    "Event",
    "FileBlobStore",
    "ImagePage",
    "ImageRecord",
    "JobRecord",
    "MemoryBlobStore",
    "MemoryCounterStore",
    "MetaStore",
    "OrgToken",
    "Page",
    "RateHit",
    "RateLimitRepo",
    "ResultRecord",
    "SqliteCounterStore",
    "SqliteMetaStore",
    "StoreUnavailable",
    "TemplateRecord",
    "UsageRepo",
    "new_unique_id",
    "open_blob_store",
    "open_counter_store",
    "open_meta_store",
]


def open_blob_store(url: str) -> BlobStore:
    parts = urlsplit(url)
    if parts.scheme == "memory":
        return MemoryBlobStore()
    if parts.scheme == "file":
        return FileBlobStore(Path(unquote(parts.path)))
    if parts.scheme == "s3":
        from .s3_blobs import S3BlobStore  # obstore is an optional extra

        return S3BlobStore.from_url(url)
    raise ValueError(f"unsupported storage URL scheme {parts.scheme!r} (use s3://bucket/prefix, file:// "
                     "or memory://)")


POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def _postgres() -> Any:
    """The PostgreSQL backend, imported only when a URL asks for it: psycopg is optional."""
    try:
        from . import postgres
    except ImportError as exc:
        raise RuntimeError("a postgresql:// URL needs psycopg: pip install 'pinrender[postgres]'"
                           f" ({exc})") from None
    return postgres


def open_meta_store(url: str) -> MetaStore:
    if url in ("sqlite://:memory:", "memory://"):
        return SqliteMetaStore(":memory:")
    if url.startswith("sqlite:///"):
        return SqliteMetaStore(unquote(url[len("sqlite:///") - 1 :]))
    if url.startswith(POSTGRES_SCHEMES):
        store: MetaStore = _postgres().PostgresMetaStore(url)
        return store
    raise ValueError(f"unsupported database URL {_redacted(url)!r} (use sqlite:///path, "
                     "postgresql://user:password@host:port/db or memory://)")


def _redacted(url: str) -> str:
    """The URL without its password, fit for an error message."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    return parts._replace(netloc=parts.netloc.replace(f":{parts.password}@", ":***@")).geturl()


def open_counter_store(url: str, meta: MetaStore) -> CounterStore:
    """Empty: the metadata store's own counters (an upload's claims commit with its row)."""
    if not url:
        return meta.counters
    if url == "memory://":
        return MemoryCounterStore()
    if url.startswith("sqlite:///"):
        return SqliteCounterStore.open(unquote(url[len("sqlite:///") - 1 :]))
    if url.startswith(("redis://", "rediss://", "unix://")):
        from .redis_counters import RedisCounterStore  # the client is an optional extra

        return RedisCounterStore(url)
    if url.startswith(POSTGRES_SCHEMES):
        store: CounterStore = _postgres().PostgresCounterStore.open(url)
        return store
    raise ValueError(f"unsupported counters URL {_redacted(url)!r} (use redis://host:port/db, "
                     "sqlite:///path, postgresql://… or memory://, or leave it empty for the "
                     "metadata database)")
