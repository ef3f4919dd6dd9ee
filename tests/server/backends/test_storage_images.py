"""The image repository part of the MetaStore conformance suite (every backend runs it)."""

from __future__ import annotations

import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender_server.backends import Conflict, ImageRecord, MetaStore

NOW = 1_800_000_000.0


def new_image(meta: MetaStore, account_id: int, **fields: object) -> ImageRecord:
    base = dict(id=0, unique_id="", account_id=account_id, blob_key="originals/x",
                media_type="image/jpeg", ext="jpg", width=10, height=20, size=100,
                created_at=NOW, updated_at=NOW)
    return meta.images.create(ImageRecord(**{**base, **fields}))  # type: ignore[arg-type]


def test_create_get_by_id_and_unique_id(meta: MetaStore) -> None:
    account = meta.accounts.create("a@example.com")
    image = new_image(meta, account.id, title="Hello", tags=("a", "b"),
                      hotspots=({"x": 1, "y": 2},), metadata={"k": "v"})
    assert image.id > 0 and len(image.unique_id) == 8 and image.unique_id.isalnum()
    assert meta.images.get(image.id) == image
    assert meta.images.get(str(image.id)) == image
    assert meta.images.get(image.unique_id) == image
    assert image.tags == ("a", "b") and image.hotspots == ({"x": 1, "y": 2},)
    assert image.metadata == {"k": "v"} and image.version == 1


def test_update_bumps_version_and_replaces_tags(meta: MetaStore) -> None:
    account = meta.accounts.create("a@example.com")
    image = new_image(meta, account.id, tags=("a",))
    updated = meta.images.update(image.id, {"title": "New", "tags": ("b", "c")}, now=NOW + 5)
    assert updated is not None and updated.title == "New" and updated.version == 2
    assert updated.updated_at == NOW + 5
    page = meta.images.list(account.id, now=NOW, tags=("a",))
    assert page.items == []
    assert [i.id for i in meta.images.list(account.id, now=NOW, tags=("b",)).items] == [image.id]
    with pytest.raises(ValueError):
        meta.images.update(image.id, {"id": 5}, now=NOW)


def test_tag_modes_namespaces_and_totals(meta: MetaStore) -> None:
    account = meta.accounts.create("a@example.com")
    both = new_image(meta, account.id, tags=("red", "big"), namespace="shop", size=10)
    red = new_image(meta, account.id, tags=("red",), namespace="shop", size=20)
    new_image(meta, account.id, tags=("blue",), namespace="blog", size=30)
    ids = lambda **kw: [i.id for i in meta.images.list(account.id, now=NOW, **kw).items]  # noqa: E731
    assert ids(tags=("red", "big")) == [both.id]
    assert ids(tags=("red", "big"), tag_mode="any") == [red.id, both.id]
    assert ids(namespace="shop") == [red.id, both.id]
    assert meta.images.namespaces(account.id, now=NOW) == [("blog", 1), ("shop", 2)]
    assert meta.images.count(account.id, now=NOW) == 3
    assert meta.images.total_bytes(account.id, now=NOW) == 60


def test_deleted_and_expired_images_leave_lists_and_are_due_for_removal(meta: MetaStore) -> None:
    account = meta.accounts.create("a@example.com")
    gone = new_image(meta, account.id)
    expiring = new_image(meta, account.id, expires_at=NOW + 60)
    kept = new_image(meta, account.id)
    assert meta.images.soft_delete(gone.id, now=NOW)
    assert not meta.images.soft_delete(gone.id, now=NOW)
    assert meta.images.get(gone.id) is None
    assert meta.images.get(gone.id, include_deleted=True) is not None
    assert [i.id for i in meta.images.list(account.id, now=NOW).items] == [kept.id, expiring.id]
    assert [i.id for i in meta.images.list(account.id, now=NOW + 61).items] == [kept.id]
    assert not expiring.available(NOW + 61) and expiring.available(NOW)
    due = {i.id for i in meta.images.due_for_removal(now=NOW + 61)}
    assert due == {gone.id, expiring.id}
    assert meta.images.purge(gone.id) and meta.images.get(gone.id, include_deleted=True) is None


def test_external_ids_are_unique_per_account_among_live_images(meta: MetaStore) -> None:
    account = meta.accounts.create("a@example.com")
    first = new_image(meta, account.id, external_id="sku-1")
    assert meta.images.by_external_id(account.id, "sku-1") == first
    with pytest.raises(Conflict):  # the backend's own exception: a PostgreSQL one raises it too
        new_image(meta, account.id, external_id="sku-1")
    meta.images.soft_delete(first.id, now=NOW)
    assert new_image(meta, account.id, external_id="sku-1").external_id == "sku-1"


@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), page=st.integers(1, 7))
def test_cursor_walk_sees_every_live_image_once_despite_changes(meta: MetaStore, seed: int,
                                                                page: int) -> None:
    rng = random.Random(seed)
    account = meta.accounts.create(f"walk{seed}-{page}-{rng.random()}@example.com")
    existing = [new_image(meta, account.id).id for _ in range(20)]
    seen: list[int] = []
    deleted: set[int] = set()
    cursor: int | None = None
    while True:
        result = meta.images.list(account.id, now=NOW, before_id=cursor, limit=page)
        seen.extend(i.id for i in result.items)
        if not result.has_more:
            break
        cursor = result.items[-1].id
        new_image(meta, account.id)  # inserted while walking: newer than the cursor, not seen
        victim = rng.choice(existing)
        if victim not in seen and meta.images.soft_delete(victim, now=NOW):
            deleted.add(victim)
    assert len(seen) == len(set(seen))
    assert set(seen) == set(existing) - deleted


def test_a_given_unique_id_that_is_taken_is_a_conflict(meta: MetaStore) -> None:
    """Callers draw the id when the blob key needs it first; a clash is `Conflict`, never a
    driver's integrity error, and writes nothing."""
    account = meta.accounts.create("c@example.com")
    first = new_image(meta, account.id)
    with pytest.raises(Conflict):
        new_image(meta, account.id, unique_id=first.unique_id)
    assert meta.images.count(account.id, now=0) == 1
