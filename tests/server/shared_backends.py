"""The shared backends' servers for tests: Redis on 127.0.0.1 and moto's S3 server on a free loopback
port, each test on its own key prefix or bucket.

Redis is a Debian package (`apt-get install redis-server`); `.ci/run` starts it. Where it is not
running these tests skip with a reason saying so, except under `CI`, where they fail: CI must never
pass by skipping them. moto comes from the `test` extra and needs nothing installed.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from urllib.parse import urlsplit, urlunsplit

import pytest

from pinrender_server.backends.redis_counters import RedisCounterStore
from pinrender_server.backends.s3_blobs import S3BlobStore

REDIS_URL = os.environ.get("PINRENDER_TEST_REDIS", "redis://127.0.0.1:6379/15")
REGION = "us-east-1"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": REGION}


def redis_url() -> str:
    """The test Redis's URL once it answers; otherwise skip (or fail under CI)."""
    probe = RedisCounterStore(REDIS_URL, prefix="probe:")
    try:
        probe.ping()
    except Exception as exc:
        reason = (f"Redis is not answering at {REDIS_URL} ({exc}): start it with `redis-server "
                  "--daemonize yes` (Debian: apt-get install redis-server) or point "
                  "PINRENDER_TEST_REDIS at one")
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    finally:
        probe.close()
    return REDIS_URL


class ScratchRedis(RedisCounterStore):
    """A store on a prefix of its own, whose keys go when it closes (never a FLUSHDB: the test
    database may be shared with other runs)."""

    def __init__(self, url: str | None = None) -> None:
        super().__init__(url or redis_url(), prefix=f"test:{uuid.uuid4().hex}:")

    def close(self) -> None:
        keys = list(self.client.scan_iter(match=f"{self.prefix}*", count=1000))
        if keys:
            self.client.delete(*keys)
        super().close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def closed_port_url() -> str:
    """A Redis URL on a loopback port nothing listens on: Redis down."""
    return f"redis://127.0.0.1:{free_port()}/0"


class MotoS3:
    """moto's S3 server in a thread of this test process, started on first use."""

    _lock = threading.Lock()
    _server: object | None = None
    endpoint = ""

    @classmethod
    def start(cls) -> str:
        with cls._lock:
            if cls._server is None:
                from moto.server import ThreadedMotoServer

                logging.getLogger("werkzeug").setLevel(logging.ERROR)  # a line per request otherwise
                port = free_port()
                server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
                server.start()
                cls._server, cls.endpoint = server, f"http://127.0.0.1:{port}"
            return cls.endpoint

    @classmethod
    def stop(cls) -> None:
        with cls._lock:
            if cls._server is not None:
                cls._server.stop()  # type: ignore[attr-defined]
                cls._server = None

    @classmethod
    def new_bucket(cls) -> str:
        import boto3

        endpoint = cls.start()
        name = f"pinrender-{uuid.uuid4().hex[:20]}"
        client = boto3.client("s3", endpoint_url=endpoint, region_name=REGION,
                              aws_access_key_id="testing", aws_secret_access_key="testing")
        client.create_bucket(Bucket=name)
        return name


def s3_store(prefix: str = "blobs", **options: object) -> S3BlobStore:
    """An `S3BlobStore` on a fresh bucket of the moto server."""
    bucket = MotoS3.new_bucket()
    return S3BlobStore(bucket, prefix, endpoint=MotoS3.endpoint, region=REGION,
                       access_key_id="testing", secret_access_key="testing", **options)  # type: ignore[arg-type]


def s3_environment(monkeypatch: pytest.MonkeyPatch) -> str:
    """The standard AWS variables pointing at the moto server; returns a fresh bucket's name."""
    bucket = MotoS3.new_bucket()
    for name, value in {**CREDENTIALS, "AWS_ENDPOINT_URL": MotoS3.endpoint}.items():
        monkeypatch.setenv(name, value)
    return bucket


class Cable:
    """A loopback TCP forwarder in front of a server, to pull the plug: `cut()` closes the port and
    every connection through it (to its clients the server is down), `mend()` listens again on the
    same port. The server itself never notices."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._listener: socket.socket | None = None
        self.mend()

    def mend(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return  # cut
            try:
                server = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            with self._lock:
                self._sockets += [client, server]
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        for s in (source, sink):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        with self._lock:
            if self._listener is not None:
                with contextlib.suppress(OSError):
                    self._listener.shutdown(socket.SHUT_RDWR)
                self._listener.close()
                self._listener = None
            for s in self._sockets:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._sockets = []


def redis_behind_cable() -> tuple[str, Cable]:
    """A URL on a fresh prefix of the test Redis, through a `Cable` the test can cut."""
    parts = urlsplit(redis_url())
    cable = Cable(parts.hostname or "127.0.0.1", parts.port or 6379)
    url = urlunsplit(parts._replace(netloc=f"127.0.0.1:{cable.port}", query=f"prefix=test:{uuid.uuid4().hex}:"))
    return url, cable
