"""Conformance (every backend): claims that commit with their row, ledgers recounted from rows,
and what the start-up sweep needs from blob stores (keys by age, temp leftovers)."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

from pinrender_server.backends import BlobStore, Claim, ClaimRefused, FileBlobStore, ImageRecord, MetaStore

NOW = 1_800_000_000.0


def record(account_id: int, size: int = 100, blob_key: str = "originals/t/a.jpg") -> ImageRecord:
    return ImageRecord(id=0, unique_id="", account_id=account_id, blob_key=blob_key,
                       media_type="image/jpeg", ext="jpg", width=10, height=20, size=size,
                       created_at=NOW, updated_at=NOW)


def test_claims_commit_with_the_row_or_not_at_all(meta: MetaStore) -> None:
    a = meta.accounts.create("a@example.com")
    limits = (Claim("uploads", "2026-05", 1, 2), Claim("bytes", "all", 100, 250))
    assert meta.images.create(record(a.id), claims=limits) is not None
    assert meta.images.create(record(a.id), claims=limits) is not None
    with pytest.raises(ClaimRefused) as refused:
        meta.images.create(record(a.id), claims=(Claim("uploads", "2026-05", 1, 5),
                                                 Claim("bytes", "all", 100, 250)))
    assert refused.value.claim.metric == "bytes"
    # The refused insert spent nothing, not even on the claim that did fit.
    assert meta.images.count(a.id, now=0) == 2
    assert meta.usage.get(a.id, "uploads", "2026-05") == 2
    assert meta.usage.get(a.id, "bytes", "all") == 200
    # Without a limit a claim just counts.
    meta.images.create(record(a.id, size=7), claims=(Claim("bytes", "all", 7),))
    assert meta.usage.get(a.id, "bytes", "all") == 207


def test_claims_with_rows_hold_under_concurrency(meta: MetaStore) -> None:
    a = meta.accounts.create("c@example.com")
    outcomes: list[bool] = []
    lock = threading.Lock()

    def create() -> None:
        try:
            meta.images.create(record(a.id), claims=(Claim("uploads", "m", 1, 10),))
            ok = True
        except ClaimRefused:
            ok = False
        with lock:
            outcomes.append(ok)

    threads = [threading.Thread(target=create) for _ in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count(True) == 10
    assert meta.images.count(a.id, now=0) == 10 == meta.usage.get(a.id, "uploads", "m")


def test_recount_bytes_sets_ledgers_to_the_rows(meta: MetaStore) -> None:
    a, b, c = (meta.accounts.create(f"{n}@example.com") for n in "abc")
    meta.images.create(record(a.id, size=300))
    gone = meta.images.create(record(a.id, size=50))
    assert gone is not None
    meta.images.soft_delete(gone.id, now=NOW)
    meta.images.create(record(b.id, size=40))
    meta.usage.add(a.id, "bytes", "all", 999)  # ahead, as after a crash
    meta.usage.add(c.id, "bytes", "all", 5)  # an account with no images at all
    meta.usage.add(b.id, "bytes", "all", 40)  # already right
    assert meta.images.recount_bytes("bytes", "all") == 2
    assert [meta.usage.get(x.id, "bytes", "all") for x in (a, b, c)] == [300, 40, 0]
    assert meta.images.recount_bytes("bytes", "all") == 0


def test_has_blob_sees_every_row(meta: MetaStore) -> None:
    a = meta.accounts.create("h@example.com")
    image = meta.images.create(record(a.id, blob_key="images/t/x.png"))
    assert image is not None
    meta.images.soft_delete(image.id, now=NOW)
    assert meta.images.has_blob("images/t/x.png")  # deleted but not purged: still named
    assert not meta.images.has_blob("images/t/y.png")
    meta.images.purge(image.id)
    assert not meta.images.has_blob("images/t/x.png")


def test_blob_keys_by_prefix_and_age(blobs: BlobStore) -> None:
    blobs.put("originals/t/a.jpg", b"a")
    blobs.put("originals/u/b.jpg", b"b")
    blobs.put("renders/ab/c.png", b"c")
    later = time.time() + 5
    assert sorted(blobs.keys("originals", before=later)) == ["originals/t/a.jpg",
                                                             "originals/u/b.jpg"]
    assert list(blobs.keys("originals", before=time.time() - 60)) == []
    assert list(blobs.keys("images", before=later)) == []  # a prefix never written
    assert blobs.clean_temp(before=later) == 0


def test_file_store_cleans_only_old_temp_files(tmp_path: Path) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    store.put("renders/ab/x.png", b"x")
    folder = tmp_path / "blobs" / "renders" / "ab"
    old, young = folder / ".tmp-old", folder / ".tmp-young"
    old.write_bytes(b"half")
    young.write_bytes(b"half")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    staged = tmp_path / "blobs" / ".staging" / ".upload-1"
    staged.parent.mkdir()
    staged.write_bytes(b"an upload")
    os.utime(staged, (time.time() - 3600, time.time() - 3600))
    assert store.clean_temp(before=time.time() - 60) == 1
    assert not old.exists() and young.exists() and staged.exists()  # staging is not the store's
    assert list(store.keys("renders", before=time.time() + 5)) == ["renders/ab/x.png"]
