"""Source references: what an image comes from, and the content digest that keys it.

The digest is what the render graph hashes, so it must be cheap and must never fetch: bytes and
data: URLs hash their bytes, a local file hashes its bytes (memoised by path, mtime and size), a
remote URL is keyed by the URL and a cache-policy string, a stored object by the digest its owner
gives (`stored`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote_to_bytes, urlsplit

from cachetools import LRUCache

from .._errors import FetchError, SourceError

SourceKind = Literal["url", "path", "bytes", "stored"]
DEFAULT_CACHE_POLICY = "default"


@dataclass(frozen=True)
class SourceRef:
    """An image source. Equality and hashing go by kind and digest, never by the (possibly large)
    value."""

    kind: SourceKind
    value: str | bytes = field(compare=False, repr=False)
    digest: str = ""

    def __repr__(self) -> str:
        shown = self.value if isinstance(self.value, str) else f"<{len(self.value)} bytes>"
        return f"SourceRef({self.kind}, {shown!r:.80}, {self.digest[:12]})"


def _hash(*parts: bytes) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


def bytes_ref(data: bytes) -> SourceRef:
    return SourceRef("bytes", bytes(data), "b:" + _hash(data))


def stored(name: str, digest: str) -> SourceRef:
    """A stored object: `name` is what the renderer's store reads (`Services.store`), `digest`
    names its content (a hash of its bytes, or any name that never changes while the bytes do
    not). The key comes from the digest alone, so it exists before any byte is read."""
    if not isinstance(name, str) or not name:
        raise SourceError("a stored object needs a name")
    if not isinstance(digest, str) or not digest:
        raise SourceError(f"the stored object {name!r} needs a digest")
    return SourceRef("stored", name, "s:" + _hash(digest.encode()))


def parse_data_url(url: str) -> bytes:
    """The payload of a `data:[<media type>][;base64],<data>` URL."""
    header, sep, payload = url[5:].partition(",")
    if not sep:
        raise FetchError("a data: URL needs a comma before its data")
    if header.lower().endswith(";base64"):
        try:
            return base64.b64decode("".join(payload.split()), validate=True)
        except (binascii.Error, ValueError):
            raise FetchError("the data: URL is not valid base64") from None
    return unquote_to_bytes(payload)


_file_digests: LRUCache[tuple[str, int, int], str] = LRUCache(maxsize=4096)
_file_lock = threading.Lock()


def _file_digest(path: Path) -> str:
    try:
        stat = path.stat()
    except OSError as exc:
        raise FetchError(f"cannot read {path.name!r}: {exc.strerror}") from None
    if not path.is_file():
        raise FetchError(f"{path.name!r} is not a file")
    memo_key = (str(path), stat.st_mtime_ns, stat.st_size)
    with _file_lock:
        found = _file_digests.get(memo_key)
    if found is not None:
        return found
    h = hashlib.blake2b(digest_size=16)
    h.update(stat.st_size.to_bytes(8, "little"))
    try:
        with path.open("rb") as f:
            for chunk in iter(lambda: f.read(1 << 20), b""):
                h.update(chunk)
    except OSError as exc:
        raise FetchError(f"cannot read {path.name!r}: {exc.strerror}") from None
    # Same bytes from a file or from memory give the same digest, so the cache is shared.
    value = "b:" + h.hexdigest()
    with _file_lock:
        _file_digests[memo_key] = value
    return value


# Templates inline images as data: URLs and are keyed on every request: decoding base64 and
# hashing the payload each time cost ~1 ms per 300 KB, a dictionary lookup of the same text ~0.1.
_data_urls: LRUCache[str, SourceRef] = LRUCache(maxsize=64 * 1024 * 1024,
                                               getsizeof=lambda ref: len(ref.value))
_data_lock = threading.Lock()


def _data_url_ref(text: str) -> SourceRef:
    with _data_lock:
        found = _data_urls.get(text)
    if found is None:
        found = bytes_ref(parse_data_url(text))
        if len(text) <= _data_urls.maxsize // 8:
            with _data_lock:
                _data_urls[text] = found
    return found


def source_ref(value: str | bytes | os.PathLike[str] | SourceRef, *, allow_local: bool,
               cache_policy: str = DEFAULT_CACHE_POLICY) -> SourceRef:
    """Parse a source: bytes, a `data:` URL, an http(s) URL or (if `allow_local`) a local path."""
    if isinstance(value, SourceRef):
        if value.kind == "path" and not allow_local:
            raise FetchError("local files are not allowed as sources here")
        return value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes_ref(bytes(value))
    if isinstance(value, os.PathLike):
        return _path_ref(Path(os.fspath(value)), allow_local)
    if not isinstance(value, str):
        raise FetchError(f"a source must be bytes, a URL or a path, not {type(value).__name__}")
    text = value.strip()
    scheme = text.split(":", 1)[0].lower() if ":" in text else ""
    if scheme == "data":
        return _data_url_ref(text)
    if scheme in ("http", "https"):
        parts = urlsplit(text)
        if not parts.hostname:
            raise FetchError(f"the URL {text[:200]!r} has no host")
        return SourceRef("url", text, "u:" + _hash(text.encode(), cache_policy.encode()))
    # A Windows drive letter looks like a one-letter scheme.
    if scheme and len(scheme) > 1 and scheme.isascii() and scheme.replace("+", "").isalnum():
        raise FetchError(f"the URL scheme {scheme!r} is not allowed: use http(s) or data:")
    return _path_ref(Path(text), allow_local)


def _path_ref(path: Path, allow_local: bool) -> SourceRef:
    if not allow_local:
        raise FetchError("local files are not allowed as sources here")
    path = path.expanduser().resolve()
    return SourceRef("path", str(path), _file_digest(path))
