"""SourceRef parsing and digests: bytes, data: URLs, paths, http(s) URLs; never a fetch."""

from __future__ import annotations

import base64
import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pinrender._errors import FetchError
from pinrender._sources import SourceRef, source_ref


def test_bytes_and_data_urls_share_a_digest() -> None:
    data = b"\x89PNG fake"
    ref = source_ref(data, allow_local=False)
    assert ref.kind == "bytes" and ref.value == data
    url = "data:image/png;base64," + base64.b64encode(data).decode()
    assert source_ref(url, allow_local=False) == ref
    assert source_ref("data:text/plain,a%20b", allow_local=False).value == b"a b"


def test_bad_data_urls() -> None:
    with pytest.raises(FetchError):
        source_ref("data:image/png;base64,@@@", allow_local=False)
    with pytest.raises(FetchError):
        source_ref("data:image/png;base64", allow_local=False)


def test_paths_hash_their_bytes_and_notice_changes(tmp_path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"one")
    ref = source_ref(path, allow_local=True)
    assert ref.kind == "path"
    assert ref.digest == source_ref(b"one", allow_local=False).digest
    assert source_ref(str(path), allow_local=True).digest == ref.digest
    path.write_bytes(b"two!")
    os.utime(path, ns=(1, 2))
    assert source_ref(path, allow_local=True).digest != ref.digest


def test_local_paths_need_permission(tmp_path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"x")
    with pytest.raises(FetchError, match="local"):
        source_ref(path, allow_local=False)
    with pytest.raises(FetchError, match="local"):
        source_ref(str(path), allow_local=False)
    with pytest.raises(FetchError):
        source_ref(tmp_path / "missing.png", allow_local=True)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/a.png",
                                 "gopher://x/", "javascript:alert(1)", "http:///nohost"])
def test_other_schemes_are_refused(url: str) -> None:
    with pytest.raises(FetchError):
        source_ref(url, allow_local=True)


def test_urls_are_keyed_by_url_and_policy_without_fetching() -> None:
    a = source_ref("https://example.com/a.png", allow_local=False)
    assert a.kind == "url" and a.value == "https://example.com/a.png"
    assert a == source_ref("https://example.com/a.png", allow_local=False)
    assert a != source_ref("https://example.com/b.png", allow_local=False)
    assert a != source_ref("https://example.com/a.png", allow_local=False, cache_policy="1h")


def test_repr_does_not_dump_bytes() -> None:
    assert len(repr(source_ref(b"x" * 100_000, allow_local=False))) < 200


@given(st.binary(max_size=200))
def test_digest_is_a_function_of_the_bytes(data: bytes) -> None:
    a, b = source_ref(data, allow_local=False), source_ref(bytes(data), allow_local=False)
    assert a == b and a.digest == b.digest and isinstance(a, SourceRef)
