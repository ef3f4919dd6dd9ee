"""Conformance of `OrgTokenRepo` and `EventRepo` (seed 002), on every metadata backend."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pinrender_server.backends import MetaStore, OrgToken, SqliteMetaStore


def _token(org_id: int, n: int, **kw: object) -> OrgToken:
    values: dict[str, object] = {"id": f"tok_{org_id}_{n}", "org_id": org_id, "name": f"t{n}",
                                 "prefix": "ot_abc", "token_hash": f"hash-{org_id}-{n}",
                                 "created_at": time.time()}
    values.update(kw)
    return OrgToken(**values)  # type: ignore[arg-type]


def test_tokens_round_trip(meta: MetaStore) -> None:
    org = meta.accounts.create("org@example.com")
    other = meta.accounts.create("other@example.com")
    created = meta.org_tokens.create(_token(org.id, 1), max_per_org=10)
    assert created is not None
    assert meta.org_tokens.by_hash(f"hash-{org.id}-1") == created
    assert meta.org_tokens.get(created.id) == created
    assert meta.org_tokens.by_hash("nope") is None
    assert [t.id for t in meta.org_tokens.list(org.id)] == [created.id]
    assert meta.org_tokens.list(other.id) == []
    off = meta.org_tokens.set_active(created.id, False)
    assert off is not None and not off.active
    assert meta.org_tokens.set_active("tok_missing", False) is None
    meta.org_tokens.touch(created.id, 123.0)
    assert meta.org_tokens.get(created.id).last_used_at == 123.0  # type: ignore[union-attr]
    assert meta.org_tokens.delete(created.id)
    assert not meta.org_tokens.delete(created.id)
    assert meta.org_tokens.by_hash(f"hash-{org.id}-1") is None


def test_token_limit_is_per_org(meta: MetaStore) -> None:
    org = meta.accounts.create("org@example.com")
    other = meta.accounts.create("other@example.com")
    for n in range(3):
        assert meta.org_tokens.create(_token(org.id, n), max_per_org=3) is not None
    assert meta.org_tokens.create(_token(org.id, 9), max_per_org=3) is None
    assert meta.org_tokens.create(_token(other.id, 1), max_per_org=3) is not None
    assert len(meta.org_tokens.list(org.id)) == 3


def test_token_limit_holds_across_processes_sharing_a_file(tmp_path: Path) -> None:
    # Two stores on one file stand in for two worker processes; 30 creates race.
    path = str(tmp_path / "shared.db")
    stores = [SqliteMetaStore(path), SqliteMetaStore(path)]
    org = stores[0].accounts.create("org@example.com")
    results: list[bool] = []
    lock = threading.Lock()

    def create(n: int) -> None:
        made = stores[n % 2].org_tokens.create(_token(org.id, n), max_per_org=10)
        with lock:
            results.append(made is not None)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count(True) == 10
    assert len(stores[1].org_tokens.list(org.id)) == 10
    for store in stores:
        store.close()


def test_events(meta: MetaStore) -> None:
    org = meta.accounts.create("org@example.com")
    other = meta.accounts.create("other@example.com")
    first = meta.events.create(org.id, "Wedding", now=1.0)
    second = meta.events.create(org.id, "Gala", now=2.0)
    meta.events.create(other.id, "Theirs", now=3.0)
    assert meta.events.get(first.id) == first
    assert meta.events.get(999_999) is None
    assert [e.name for e in meta.events.list(org.id)] == ["Wedding", "Gala"]
    assert first.id != second.id
