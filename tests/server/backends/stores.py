"""The storage backends this project ships, as parametrised fixtures: every conformance suite
(`pinrender_server.backends.testing`) runs once per implementation. A new backend joins by adding
a factory here: it gets the test's tmp_path and an ExitStack for whatever must be undone after
the store is closed (a throwaway database)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
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
    open_meta_store,
)
from tests.server.backends import pg
from tests.server.shared_backends import MotoS3, ScratchRedis, s3_store

BLOB_STORES: dict[str, Callable[[Path], BlobStore]] = {
    "file": lambda tmp: FileBlobStore(tmp / "blobs"),
    "memory": lambda tmp: MemoryBlobStore(),
    "s3": lambda tmp: s3_store(),  # a fresh bucket on moto's S3 server
}
META_STORES: dict[str, Callable[[Path, ExitStack], MetaStore]] = {
    "sqlite-file": lambda tmp, _: SqliteMetaStore(str(tmp / "meta.db")),
    "sqlite-memory": lambda tmp, _: SqliteMetaStore(":memory:"),
    "postgres": lambda tmp, undo: open_meta_store(undo.enter_context(pg.fresh_database())),
}
COUNTER_STORES: dict[str, Callable[[Path, ExitStack], CounterStore]] = {
    "sqlite-own-file": lambda tmp, _: SqliteCounterStore.open(str(tmp / "counters.db")),
    "memory": lambda tmp, _: MemoryCounterStore(),
    "postgres-own-database": lambda tmp, undo: _postgres_counters(undo),
    "redis": lambda tmp, _: ScratchRedis(),  # a fresh key prefix; skips (fails under CI) without Redis
}
# Counters inside a metadata store (the default: counters in the records' database).
IN_META_STORES = ("sqlite-file", "postgres")


def _postgres_counters(undo: ExitStack) -> CounterStore:
    url = undo.enter_context(pg.fresh_database())
    from pinrender_server.backends.postgres import PostgresCounterStore  # psycopg is optional

    return PostgresCounterStore.open(url)


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
    with ExitStack() as undo:
        store = META_STORES[request.param](tmp_path, undo)
        yield store
        store.close()


@pytest.fixture(params=[*sorted(COUNTER_STORES), *(f"in-meta-store-{m}" for m in IN_META_STORES)])
def counters(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CounterStore]:
    with ExitStack() as undo:
        if request.param.startswith("in-meta-store-"):
            meta = META_STORES[request.param.removeprefix("in-meta-store-")](tmp_path, undo)
            yield meta.counters
            meta.close()
            return
        store = COUNTER_STORES[request.param](tmp_path, undo)
        yield store
        store.close()
