"""The storage backends every conformance test runs against, as parametrised fixtures.

A new backend (S3, PostgreSQL) joins by adding a factory here; every storage suite then runs on it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pinrender_server.backends import BlobStore, FileBlobStore, MemoryBlobStore, MetaStore, SqliteMetaStore

BLOB_STORES: dict[str, Callable[[Path], BlobStore]] = {
    "file": lambda tmp: FileBlobStore(tmp / "blobs"),
    "memory": lambda tmp: MemoryBlobStore(),
}
META_STORES: dict[str, Callable[[Path], MetaStore]] = {
    "sqlite-file": lambda tmp: SqliteMetaStore(str(tmp / "meta.db")),
    "sqlite-memory": lambda tmp: SqliteMetaStore(":memory:"),
}


@pytest.fixture(params=sorted(BLOB_STORES))
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    return BLOB_STORES[request.param](tmp_path)


@pytest.fixture(params=sorted(META_STORES))
def meta(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MetaStore]:
    store = META_STORES[request.param](tmp_path)
    yield store
    store.close()
