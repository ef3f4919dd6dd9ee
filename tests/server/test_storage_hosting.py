"""Conformance of `HostingRepo` (verification, retention expiries, namespace usage)."""

from __future__ import annotations

import time

import pytest

from server.storage import ImageRecord, MetaStore, SqliteMetaStore


@pytest.fixture(params=["sqlite-memory"])
def store(request: pytest.FixtureRequest) -> MetaStore:
    return SqliteMetaStore(":memory:")


def _image(account_id: int, **kw: object) -> ImageRecord:
    values: dict[str, object] = {"id": 0, "unique_id": "", "account_id": account_id, "blob_key": "b/x.jpg",
                                     "media_type": "image/jpeg", "ext": "jpg", "width": 1, "height": 1, "size": 10}
    values.update(kw)
    return ImageRecord(**values)  # type: ignore[arg-type]


def test_verify_lifts_only_retention_expiries(store: MetaStore) -> None:
    now = time.time()
    account = store.accounts.create("a@example.com")
    kept = store.images.create(_image(account.id, expires_at=now + 100))
    ttl = store.images.create(_image(account.id, expires_at=now + 50))
    store.hosting.mark_retention(kept.id)
    assert not store.hosting.is_verified(account.id)
    store.hosting.add_verification("h1", account.id, now=now, expires_at=now + 10)
    assert store.hosting.verify("nope", now=now) is None
    assert store.hosting.verify("h1", now=now + 20) is None  # expired
    store.hosting.add_verification("h2", account.id, now=now, expires_at=now + 10)
    assert store.hosting.verify("h2", now=now) == account.id
    assert store.hosting.is_verified(account.id)
    assert store.images.get(kept.id).expires_at is None  # type: ignore[union-attr]
    assert store.images.get(ttl.id).expires_at == now + 50  # type: ignore[union-attr]


def test_namespace_usage(store: MetaStore) -> None:
    now = time.time()
    account = store.accounts.create("b@example.com")
    store.images.create(_image(account.id, namespace="a", size=5))
    store.images.create(_image(account.id, namespace="a", size=7))
    gone = store.images.create(_image(account.id, namespace="b", size=1))
    store.images.soft_delete(gone.id, now=now)
    store.images.create(_image(account.id, namespace="c", size=1, expires_at=now - 1))
    assert store.hosting.namespace_usage(account.id, now=now) == [("a", 2, 12)]
