"""SQLite counters across threads and across processes sharing one file (two stores, two
connections): the transaction is what holds the limit, not a lock in this process."""

from __future__ import annotations

from pathlib import Path

from pinrender_server.backends import SqliteMetaStore
from pinrender_server.backends.testing.factories import concurrently

T0 = 1_800_000_000.0


def test_exact_under_threads(tmp_path: Path) -> None:
    store = SqliteMetaStore(str(tmp_path / "m.db"))
    allowed = concurrently(lambda: store.counters.ratelimits.hit("hot", 37, 3600, T0).allowed, 100)
    store.close()
    assert sum(allowed) == 37


def test_two_stores_on_one_file_share_the_limit(tmp_path: Path) -> None:
    # Two worker processes open the same file; the transaction must hold across connections.
    a, b = SqliteMetaStore(str(tmp_path / "m.db")), SqliteMetaStore(str(tmp_path / "m.db"))
    results = [(a if i % 2 else b).counters.ratelimits.hit("x", 5, 60, T0).allowed for i in range(12)]
    a.close()
    b.close()
    assert sum(results) == 5
