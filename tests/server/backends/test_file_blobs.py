"""What only the file blob store promises beyond the conformance suite: atomic puts, and a
start-up sweep that removes its half-written temp files but not the staging folder's."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from pinrender_server.backends import FileBlobStore


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
