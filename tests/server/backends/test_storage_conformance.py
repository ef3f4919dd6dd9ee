"""The conformance suite every BlobStore and MetaStore implementation must pass.

The `blobs` and `meta` fixtures (tests/server/backends/stores.py) run each test once per backend; a new
backend (S3, PostgreSQL) joins by adding a factory to BLOB_STORES or META_STORES there.
"""

from __future__ import annotations

import threading
import time
import uuid
from pathlib import Path

import pytest

from pinrender_server.backends import BlobStore, FileBlobStore, MetaStore, ResultRecord, TemplateRecord
from pinrender_server.services.accounts import hash_key, issue_key

# -- blobs -------------------------------------------------------------------------------------

def test_blob_roundtrip(blobs: BlobStore) -> None:
    assert not blobs.exists("renders/ab/x.png")
    assert blobs.get("renders/ab/x.png") is None
    assert blobs.stream("renders/ab/x.png") is None
    blobs.put("renders/ab/x.png", b"\x89PNG data")
    assert blobs.exists("renders/ab/x.png")
    assert blobs.get("renders/ab/x.png") == b"\x89PNG data"
    blobs.put("renders/ab/x.png", b"replaced")
    assert blobs.get("renders/ab/x.png") == b"replaced"


def test_blob_stream_in_chunks(blobs: BlobStore) -> None:
    data = bytes(range(256)) * 1000
    blobs.put("big", data)
    chunks = list(blobs.stream("big", chunk_size=4096) or [])
    assert b"".join(chunks) == data
    assert max(len(c) for c in chunks) <= 4096


def test_blob_delete(blobs: BlobStore) -> None:
    blobs.put("a/b", b"1")
    assert blobs.delete("a/b") is True
    assert blobs.delete("a/b") is False
    assert not blobs.exists("a/b")


@pytest.mark.parametrize("key", ["../escape", "/abs", "a/../b", ".hidden", "a//b", "", "a/.tmp-x"])
def test_blob_rejects_unsafe_keys(blobs: BlobStore, key: str) -> None:
    with pytest.raises(ValueError):
        blobs.put(key, b"x")


def test_file_blob_put_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = FileBlobStore(tmp_path / "blobs")
    store.put("k", b"old")

    def fail(fd: int) -> None:
        raise OSError("disk on fire")

    monkeypatch.setattr("pinrender_server.backends.blobs.os.fsync", fail)
    with pytest.raises(OSError):
        store.put("k", b"new")  # fails after writing, before the rename
    assert store.get("k") == b"old"
    assert [p.name for p in (tmp_path / "blobs").iterdir()] == ["k"]  # no temp file left


# -- accounts and keys -------------------------------------------------------------------------

def test_accounts(meta: MetaStore) -> None:
    a = meta.accounts.create("a@example.com", name="A", plan="pro")
    assert meta.accounts.get(a.id) == a
    assert meta.accounts.by_email("a@example.com") == a
    assert a.plan == "pro" and len(a.team_hash) == 16 and a.embed_key and a.render_secret
    b = meta.accounts.create("b@example.com")
    assert b.team_hash != a.team_hash and b.embed_key != a.embed_key
    assert meta.accounts.set_plan(a.id, "agency").plan == "agency"  # type: ignore[union-attr]
    assert meta.accounts.set_host_allowlist(a.id, ["x.io"]).host_allowlist == ("x.io",)  # type: ignore[union-attr]
    assert meta.accounts.get(999) is None


def test_keys_hashed_and_manageable(meta: MetaStore) -> None:
    issued = issue_key(meta, "k@example.com", plan="free", role="contributor")
    key = meta.keys.by_hash(hash_key(issued.secret))
    assert key is not None and key.id == issued.record.id and key.role == "contributor"
    assert key.key_hash != issued.secret and issued.secret.startswith(key.prefix)
    assert meta.keys.count(issued.account.id) == 1
    assert [k.id for k in meta.keys.list(issued.account.id)] == [key.id]
    assert meta.keys.set_active(key.id, False)
    assert meta.keys.get(key.id).active is False  # type: ignore[union-attr]
    meta.keys.touch(key.id, 123.0)
    assert meta.keys.get(key.id).last_used_at == 123.0  # type: ignore[union-attr]
    assert meta.keys.delete(key.id) and not meta.keys.delete(key.id)
    assert meta.keys.set_active("key_missing", True) is False


# -- templates ---------------------------------------------------------------------------------

def _template(account_id: int | None, **kw: object) -> TemplateRecord:
    return TemplateRecord(id=str(uuid.uuid4()), account_id=account_id, name="T", description="",
                          json_data={"canvas": {"width": 1, "height": 1}}, **kw)  # type: ignore[arg-type]


def test_templates_crud_and_version(meta: MetaStore) -> None:
    a = meta.accounts.create("t@example.com")
    t = meta.templates.create(_template(a.id, public=True))
    assert t.version == 1 and t.public and t.created_at > 0
    assert meta.templates.get(t.id) == t
    u = meta.templates.update(t.id, {"name": "U", "json_data": {"x": [1, 2]}, "public": False})
    assert u is not None and (u.name, u.json_data, u.public, u.version) == ("U", {"x": [1, 2]}, False, 2)
    assert meta.templates.update(t.id, {"preview_url": None}).version == 3  # type: ignore[union-attr]
    assert meta.templates.update(str(uuid.uuid4()), {"name": "x"}) is None
    with pytest.raises(ValueError):
        meta.templates.update(t.id, {"version": 1})
    assert meta.templates.delete(t.id) and meta.templates.get(t.id) is None


def test_templates_listing(meta: MetaStore) -> None:
    a = meta.accounts.create("l@example.com")
    b = meta.accounts.create("m@example.com")
    mine = [meta.templates.create(_template(a.id)) for _ in range(5)]
    meta.templates.create(_template(b.id, public=True))
    meta.templates.create(_template(None, public=True))
    page = meta.templates.list(a.id, offset=2, limit=2)
    assert page.total == 5 and [t.id for t in page.items] == [t.id for t in mine[2:4]]
    assert meta.templates.count(a.id) == 5
    assert len(meta.templates.list_public()) == 2


# -- results and usage -------------------------------------------------------------------------

def test_results(meta: MetaStore) -> None:
    r = ResultRecord(key="abc", blob_key="renders/ab/abc.png", media_type="image/png", size=3,
                     created_at=time.time())
    meta.results.put(r)
    assert meta.results.get("abc") == r
    assert meta.results.get("nope") is None
    derived = [ResultRecord(key=f"v{i}", blob_key=f"renders/v{i}.webp", media_type="image/webp",
                            size=1, template_id="image:7", created_at=1.0) for i in range(3)]
    for record in derived:
        meta.results.put(record)
    assert sorted(meta.results.derived_from("image:7"), key=lambda x: x.key) == derived
    assert meta.results.derived_from("image:8") == []
    assert meta.results.delete("v0") and not meta.results.delete("v0")
    assert [x.key for x in meta.results.derived_from("image:7")] == ["v1", "v2"]


def test_usage_counts_and_claims(meta: MetaStore) -> None:
    a = meta.accounts.create("u@example.com")
    assert meta.usage.get(a.id, "renders", "2026-01") == 0
    assert meta.usage.add(a.id, "requests", "h1") == 1
    assert meta.usage.add(a.id, "requests", "h1", 4) == 5
    assert meta.usage.claim(a.id, "renders", "2026-01", 2, 3)
    assert not meta.usage.claim(a.id, "renders", "2026-01", 2, 3)
    assert meta.usage.claim(a.id, "renders", "2026-01", 1, 3)
    meta.usage.release(a.id, "renders", "2026-01", 2)
    assert meta.usage.get(a.id, "renders", "2026-01") == 1
    assert meta.usage.get(a.id, "renders", "2026-02") == 0


def test_claims_hold_under_concurrency(meta: MetaStore) -> None:
    a = meta.accounts.create("c@example.com")
    wins: list[bool] = []
    lock = threading.Lock()

    def claim() -> None:
        ok = meta.usage.claim(a.id, "renders", "p", 1, 1)
        with lock:
            wins.append(ok)

    threads = [threading.Thread(target=claim) for _ in range(100)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wins.count(True) == 1
    assert meta.usage.get(a.id, "renders", "p") == 1
