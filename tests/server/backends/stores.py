"""The storage backends this project ships, as parametrised fixtures: every conformance suite
(`pinrender_server.backends.testing`) runs once per implementation. A new backend joins by adding
a factory here."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from pinrender_server.backends import (
    BlobStore,
    CounterStore,
    FileBlobStore,
    MemoryBlobStore,
    MemoryCounterStore,
    MetaStore,
    SqliteCounterStore,
    SqliteMetaStore,
)
from tests.server.shared_backends import MotoS3, ScratchRedis, s3_store

BLOB_STORES: dict[str, Callable[[Path], BlobStore]] = {
    "file": lambda tmp: FileBlobStore(tmp / "blobs"),
    "memory": lambda tmp: MemoryBlobStore(),
    "s3": lambda tmp: s3_store(),  # a fresh bucket on moto's S3 server
}
META_STORES: dict[str, Callable[[Path], MetaStore]] = {
    "sqlite-file": lambda tmp: SqliteMetaStore(str(tmp / "meta.db")),
    "sqlite-memory": lambda tmp: SqliteMetaStore(":memory:"),
}
COUNTER_STORES: dict[str, Callable[[Path], CounterStore]] = {
    "sqlite-own-file": lambda tmp: SqliteCounterStore.open(str(tmp / "counters.db")),
    "memory": lambda tmp: MemoryCounterStore(),
    "redis": lambda tmp: ScratchRedis(),  # a fresh key prefix; skips (fails under CI) without Redis
}


@pytest.fixture(scope="session", autouse=True)
def moto_s3() -> Iterator[None]:
    """moto's S3 server starts on its first use in the session (the S3 factory, the S3 app tests,
    on a free loopback port) and stops when the session ends."""
    yield
    MotoS3.stop()


@pytest.fixture(params=sorted(BLOB_STORES))
def blobs(request: pytest.FixtureRequest, tmp_path: Path) -> BlobStore:
    return BLOB_STORES[request.param](tmp_path)


@pytest.fixture(params=sorted(META_STORES))
def meta(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[MetaStore]:
    store = META_STORES[request.param](tmp_path)
    yield store
    store.close()


@pytest.fixture(params=[*sorted(COUNTER_STORES), "in-meta-store"])
def counters(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CounterStore]:
    if request.param == "in-meta-store":  # the default: counters in the records' database
        meta = SqliteMetaStore(str(tmp_path / "meta.db"))
        yield meta.counters
        meta.close()
        return
    store = COUNTER_STORES[request.param](tmp_path)
    yield store
    store.close()
