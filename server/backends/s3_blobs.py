"""Blobs in S3-compatible object storage (`PINRENDER_STORAGE=s3://bucket/prefix`), through obstore.

The endpoint, region and credentials come from the standard `AWS_ENDPOINT_URL`, `AWS_REGION`,
`AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` (and the other `AWS_*` variables obstore reads),
so the same settings serve AWS, MinIO, Ceph, R2 or moto.

The guarantees of `BlobStore` hold: S3 makes an object visible whole or not at all, and every call
returns only once the store has answered, so an object is complete before its row commits.
`put_file` (a staged upload becoming an original under a fresh id) never replaces an object: small
files go up in one request with `If-None-Match: *`, large ones as a multipart upload read from the
staged file a part at a time (never whole in memory) after a check that the key is free. There is
no staging folder beside the objects: uploads stage in `<data_dir>/staging`, and nothing is
half-written on the store's side for `clean_temp` to find (an interrupted multipart upload is
invisible; a bucket lifecycle rule removes its parts).

Errors that mean "the store is not answering" (connection refused, timeouts, 5xx after retries)
become `StoreUnavailable`, which the app answers with 503 and `Retry-After`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from .blobs import check_key
from .counters import StoreUnavailable
from .records import Conflict

T = TypeVar("T")

INSTALL_HINT = "PINRENDER_STORAGE=s3://… needs obstore: pip install 'pinrender[s3]'"
MB = 2**20


def _import_obstore() -> Any:
    try:
        import obstore
    except ImportError as exc:  # the optional extra is not installed
        raise ImportError(INSTALL_HINT) from exc
    return obstore


class S3BlobStore:
    """`S3BlobStore("bucket", "prefix")`; anything not given comes from the `AWS_*` variables.

    `part_size` is the size of a multipart upload's parts, and files up to it go up in one
    request; `timeout` bounds one request (a part, a read), `connect_timeout` a connection."""

    def __init__(self, bucket: str, prefix: str = "", *, endpoint: str | None = None,
                 region: str | None = None, access_key_id: str | None = None,
                 secret_access_key: str | None = None, part_size: int = 8 * MB,
                 upload_concurrency: int = 4, timeout: float = 120.0, connect_timeout: float = 5.0,
                 retries: int = 2) -> None:
        obstore = _import_obstore()
        from obstore.store import S3Store

        self._obs = obstore
        errors = obstore.exceptions
        self._unreachable: tuple[type[Exception], ...] = (errors.GenericError, TimeoutError,
                                                          ConnectionError)
        self._missing: tuple[type[Exception], ...] = (errors.NotFoundError, FileNotFoundError)
        self._exists_error: type[Exception] = errors.AlreadyExistsError
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.part_size = part_size
        self.upload_concurrency = upload_concurrency
        config: dict[str, Any] = {}
        if endpoint:
            config["endpoint"] = endpoint
        if region:
            config["region"] = region
        if access_key_id:
            config["access_key_id"] = access_key_id
        if secret_access_key:
            config["secret_access_key"] = secret_access_key
        endpoint = endpoint or os.environ.get("AWS_ENDPOINT_URL") or os.environ.get("AWS_ENDPOINT") or ""
        self._store = S3Store(
            bucket, prefix=self.prefix or None, config=config,  # type: ignore[arg-type]
            client_options={
                # A plain-HTTP endpoint (a local MinIO or moto) must be allowed explicitly.
                "allow_http": endpoint.startswith("http://"),
                "timeout": timedelta(seconds=timeout),
                "connect_timeout": timedelta(seconds=connect_timeout),
            },
            retry_config={
                "max_retries": retries,
                # obstore's default keeps retrying for minutes; a request cannot wait that long.
                "retry_timeout": timedelta(seconds=max(timeout, 10.0)),
                "backoff": {"init_backoff": timedelta(milliseconds=50),
                            "max_backoff": timedelta(seconds=2), "base": 2},
            },
        )

    @classmethod
    def from_url(cls, url: str) -> S3BlobStore:
        """`s3://bucket/prefix` (the prefix is optional)."""
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError(f"not an S3 URL: {url!r} (use s3://bucket/prefix)")
        return cls(parts.netloc, unquote(parts.path).strip("/"))

    def _call(self, call: Callable[[], T]) -> T:
        try:
            return call()
        except self._unreachable as exc:
            where = f"s3://{self.bucket}/{self.prefix}"
            raise StoreUnavailable(f"the blob store {where} is unreachable: {str(exc).splitlines()[0]}",
                                   backend="blobs") from exc

    def staging(self) -> Path | None:
        return None  # uploads stage on local disk (`<data_dir>/staging`) and stream up from there

    def put(self, key: str, data: bytes) -> None:
        check_key(key)
        self._call(lambda: self._obs.put(self._store, key, bytes(data), chunk_size=self.part_size,
                                         max_concurrency=self.upload_concurrency))

    def put_file(self, key: str, path: Path) -> None:
        check_key(key)
        path = Path(path)
        size = path.stat().st_size

        def upload() -> None:
            if size <= self.part_size:
                # One request that fails if the key exists: a new original never replaces another.
                self._obs.put(self._store, key, path, mode="create")
                return
            # Multipart cannot be conditional through obstore; the ids are fresh, so a check first
            # guards against a mistake rather than a race.
            if self._head(key) is not None:
                raise self._exists_error(key)
            with path.open("rb") as f:
                self._obs.put(self._store, key, f, chunk_size=self.part_size,
                              max_concurrency=self.upload_concurrency)

        try:
            self._call(upload)
        except self._exists_error as exc:
            raise Conflict(f"blob {key!r} already exists") from exc
        os.unlink(path)

    def _head(self, key: str) -> dict[str, Any] | None:
        try:
            meta: dict[str, Any] = self._obs.head(self._store, key)
            return meta
        except self._missing:
            return None

    def get(self, key: str) -> bytes | None:
        check_key(key)

        def read() -> bytes | None:
            try:
                return bytes(self._obs.get(self._store, key).bytes())
            except self._missing:
                return None

        return self._call(read)

    def stream(self, key: str, chunk_size: int = 65536) -> Iterator[bytes] | None:
        check_key(key)

        def start() -> Any:
            try:
                return self._obs.get(self._store, key)
            except self._missing:
                return None

        result = self._call(start)  # a missing object is known before the first byte
        if result is None:
            return None

        def chunks() -> Iterator[bytes]:
            pieces = iter(result.stream(min_chunk_size=chunk_size))
            while True:
                piece = self._call(lambda: next(pieces, None))
                if piece is None:
                    return
                data = memoryview(piece)
                # The store's pieces are at least `chunk_size`; callers were promised at most.
                for at in range(0, len(data), chunk_size):
                    yield bytes(data[at : at + chunk_size])

        return chunks()

    def delete(self, key: str) -> bool:
        check_key(key)

        def remove() -> bool:
            # S3 answers a delete the same whether the object was there: ask first (the sweeper
            # counts what it removed).
            if self._head(key) is None:
                return False
            self._obs.delete(self._store, key)
            return True

        return self._call(remove)

    def exists(self, key: str) -> bool:
        check_key(key)
        return self._call(lambda: self._head(key) is not None)

    def keys(self, prefix: str, *, before: float) -> Iterator[str]:
        folder = check_key(prefix) + "/"

        def listing() -> Iterator[str]:
            # A page at a time: a bucket of millions of objects is never listed into memory.
            pages = iter(self._obs.list(self._store, folder, chunk_size=1000))
            while (page := self._call(lambda: next(pages, None))) is not None:
                for meta in page:
                    if meta["path"].startswith(folder) and meta["last_modified"].timestamp() < before:
                        yield meta["path"]

        return listing()

    def clean_temp(self, *, before: float) -> int:
        return 0  # nothing half-written is ever visible in the bucket
