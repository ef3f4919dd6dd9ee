"""Blob storage: bytes under string keys, written atomically.

A key is a relative, slash-separated name (`renders/ab/abcd….png`). `put` makes the blob visible
whole or not at all, so a crash or a failed render never leaves a half-written file behind a key.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[A-Za-z0-9_\-][A-Za-z0-9_.\-]*(/[A-Za-z0-9_\-][A-Za-z0-9_.\-]*)*$")


def check_key(key: str) -> str:
    # Dots may not lead a segment, so `..` and hidden temp files can never be addressed.
    if len(key) > 512 or not _KEY.match(key):
        raise ValueError(f"invalid blob key: {key!r}")
    return key


class BlobStore(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def staging(self) -> Path | None:
        """A folder on the blobs' own file system for files on their way in, so `put_file` is a
        rename; None when the store has no such folder (the caller stages elsewhere)."""
        ...

    def put_file(self, key: str, path: Path) -> None:
        """Store the file at `path` (consumed: moved or removed) under `key`, atomically, without
        holding it in memory where the backend can avoid it (streamed uploads)."""
        ...

    def get(self, key: str) -> bytes | None: ...

    def stream(self, key: str, chunk_size: int = 65536) -> Iterator[bytes] | None: ...

    def delete(self, key: str) -> bool: ...

    def exists(self, key: str) -> bool: ...

    def keys(self, prefix: str, *, before: float) -> Iterator[str]:
        """Keys under the folder `prefix` last written before `before` (Unix time): what the
        start-up sweep checks for orphans (blobs no row names)."""
        ...

    def clean_temp(self, *, before: float) -> int:
        """Remove half-written temp files (a crash mid-`put`) last touched before `before`;
        returns how many."""
        ...


TEMP_PREFIX = ".tmp-"


class FileBlobStore:
    """Blobs as files under a root folder; write to a temp file, fsync, then rename into place."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def staging(self) -> Path | None:
        # Blob keys cannot start with a dot, so this folder is never addressable as a blob.
        return self.root / ".staging"

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*check_key(key).split("/"))

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
            raise

    def put_file(self, key: str, path: Path) -> None:
        target = self._path(key)
        target.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "rb") as f:
            os.fsync(f.fileno())
        try:
            os.replace(path, target)  # same file system: the rename is the atomic step
            return
        except OSError:
            pass
        # Another file system: copy in chunks to a temp file beside the target, then rename.
        fd, tmp = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as out, open(path, "rb") as src:
                while chunk := src.read(1 << 20):
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        os.unlink(path)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def stream(self, key: str, chunk_size: int = 65536) -> Iterator[bytes] | None:
        try:
            f = self._path(key).open("rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

        def chunks() -> Iterator[bytes]:
            with f:
                while chunk := f.read(chunk_size):
                    yield chunk

        return chunks()

    def delete(self, key: str) -> bool:
        try:
            self._path(key).unlink()
            return True
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return False

    def exists(self, key: str) -> bool:
        return self._path(key).is_file()

    def _files(self, folder: Path, *, before: float, hidden: bool) -> Iterator[Path]:
        # Hidden entries (temp files, `.staging`) are never blobs: keys cannot start with a dot.
        for parent, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if hidden or not d.startswith(".")]
            for name in files:
                path = Path(parent, name)
                with contextlib.suppress(FileNotFoundError):
                    if name.startswith(".") == hidden and path.stat().st_mtime < before:
                        yield path

    def keys(self, prefix: str, *, before: float) -> Iterator[str]:
        for path in self._files(self._path(prefix), before=before, hidden=False):
            yield path.relative_to(self.root).as_posix()

    def clean_temp(self, *, before: float) -> int:
        removed = 0
        for path in self._files(self.root, before=before, hidden=True):
            if path.name.startswith(TEMP_PREFIX):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                    removed += 1
        return removed


class MemoryBlobStore:
    """Blobs in a dict: for tests and throwaway servers."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._blobs: dict[str, bytes] = {}
        self._written: dict[str, float] = {}

    def staging(self) -> Path | None:
        return None

    def put(self, key: str, data: bytes) -> None:
        with self._lock:
            self._blobs[check_key(key)] = bytes(data)
            self._written[key] = time.time()

    def put_file(self, key: str, path: Path) -> None:
        self.put(key, Path(path).read_bytes())
        os.unlink(path)

    def get(self, key: str) -> bytes | None:
        with self._lock:
            return self._blobs.get(check_key(key))

    def stream(self, key: str, chunk_size: int = 65536) -> Iterator[bytes] | None:
        data = self.get(key)
        if data is None:
            return None
        return iter([data[i : i + chunk_size] for i in range(0, len(data), chunk_size)])

    def delete(self, key: str) -> bool:
        with self._lock:
            self._written.pop(check_key(key), None)
            return self._blobs.pop(key, None) is not None

    def exists(self, key: str) -> bool:
        with self._lock:
            return check_key(key) in self._blobs

    def keys(self, prefix: str, *, before: float) -> Iterator[str]:
        folder = check_key(prefix) + "/"
        with self._lock:
            found = [k for k, at in self._written.items() if k.startswith(folder) and at < before]
        return iter(sorted(found))

    def clean_temp(self, *, before: float) -> int:
        return 0  # a put is one dict assignment: nothing half-written can exist
