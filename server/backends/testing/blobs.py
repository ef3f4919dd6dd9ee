"""The conformance suite every `BlobStore` implementation must pass.

Subclass `BlobStoreContract` and give it a `blobs` fixture that returns a fresh, empty store (see
`pinrender_server.backends.testing.meta` for the pattern). Needs pytest.
"""

from __future__ import annotations

import time

import pytest

from ..blobs import BlobStore


class BlobStoreContract:
    def test_blob_roundtrip(self, blobs: BlobStore) -> None:
        assert not blobs.exists("renders/ab/x.png")
        assert blobs.get("renders/ab/x.png") is None
        assert blobs.stream("renders/ab/x.png") is None
        blobs.put("renders/ab/x.png", b"\x89PNG data")
        assert blobs.exists("renders/ab/x.png")
        assert blobs.get("renders/ab/x.png") == b"\x89PNG data"
        blobs.put("renders/ab/x.png", b"replaced")
        assert blobs.get("renders/ab/x.png") == b"replaced"

    def test_blob_stream_in_chunks(self, blobs: BlobStore) -> None:
        data = bytes(range(256)) * 1000
        blobs.put("big", data)
        chunks = list(blobs.stream("big", chunk_size=4096) or [])
        assert b"".join(chunks) == data
        assert max(len(c) for c in chunks) <= 4096

    def test_blob_delete(self, blobs: BlobStore) -> None:
        blobs.put("a/b", b"1")
        assert blobs.delete("a/b") is True
        assert blobs.delete("a/b") is False
        assert not blobs.exists("a/b")

    @pytest.mark.parametrize("key", ["../escape", "/abs", "a/../b", ".hidden", "a//b", "", "a/.tmp-x"])
    def test_blob_rejects_unsafe_keys(self, blobs: BlobStore, key: str) -> None:
        with pytest.raises(ValueError):
            blobs.put(key, b"x")

    def test_blob_keys_by_prefix_and_age(self, blobs: BlobStore) -> None:
        blobs.put("originals/t/a.jpg", b"a")
        blobs.put("originals/u/b.jpg", b"b")
        blobs.put("renders/ab/c.png", b"c")
        later = time.time() + 5
        assert sorted(blobs.keys("originals", before=later)) == ["originals/t/a.jpg",
                                                                 "originals/u/b.jpg"]
        assert list(blobs.keys("originals", before=time.time() - 60)) == []
        assert list(blobs.keys("images", before=later)) == []  # a prefix never written
        assert blobs.clean_temp(before=later) == 0
