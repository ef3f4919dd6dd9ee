"""Conformance of `HostingRepo` (verification, retention expiries, namespace usage)."""

from __future__ import annotations

import time

from pinrender_server.backends import ImageRecord, MetaStore


def _image(account_id: int, **kw: object) -> ImageRecord:
    values: dict[str, object] = {"id": 0, "unique_id": "", "account_id": account_id, "blob_key": "b/x.jpg",
                                     "media_type": "image/jpeg", "ext": "jpg", "width": 1, "height": 1, "size": 10}
    values.update(kw)
    return ImageRecord(**values)  # type: ignore[arg-type]


def test_verify_lifts_only_retention_expiries(meta: MetaStore) -> None:
    now = time.time()
    account = meta.accounts.create("a@example.com")
    kept = meta.images.create(_image(account.id, expires_at=now + 100))
    ttl = meta.images.create(_image(account.id, expires_at=now + 50))
    meta.hosting.mark_retention(kept.id)
    assert not meta.hosting.is_verified(account.id)
    meta.hosting.add_verification("h1", account.id, now=now, expires_at=now + 10)
    assert meta.hosting.verify("nope", now=now) is None
    assert meta.hosting.verify("h1", now=now + 20) is None  # expired
    meta.hosting.add_verification("h2", account.id, now=now, expires_at=now + 10)
    assert meta.hosting.verify("h2", now=now) == account.id
    assert meta.hosting.is_verified(account.id)
    assert meta.images.get(kept.id).expires_at is None  # type: ignore[union-attr]
    assert meta.images.get(ttl.id).expires_at == now + 50  # type: ignore[union-attr]


def test_namespace_usage(meta: MetaStore) -> None:
    now = time.time()
    account = meta.accounts.create("b@example.com")
    meta.images.create(_image(account.id, namespace="a", size=5))
    meta.images.create(_image(account.id, namespace="a", size=7))
    gone = meta.images.create(_image(account.id, namespace="b", size=1))
    meta.images.soft_delete(gone.id, now=now)
    meta.images.create(_image(account.id, namespace="c", size=1, expires_at=now - 1))
    assert meta.hosting.namespace_usage(account.id, now=now) == [("a", 2, 12)]
