"""Slow clients against a real `pinrender serve`, on raw sockets.

The server runs with short deadlines so each case ends quickly; every socket has a timeout well past
the deadline it tests, and "closed" means the server closed it (recv gives b"") before that socket
timeout, never a timing assertion.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.images import noisy
from tests.server.process import Served, serving

HEADER_TIMEOUT = 1.5
KEEPALIVE = 1.0
MIN_RATE = 4_000  # bytes/s
CAP = 12
SOCKET_TIMEOUT = 8.0  # far past every deadline above: hitting it means the server never closed


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    env = {"PINRENDER_HEADER_TIMEOUT": str(HEADER_TIMEOUT), "PINRENDER_BODY_GRACE": "1",
           "PINRENDER_BODY_MIN_RATE": str(MIN_RATE), "PINRENDER_REQUEST_TIMEOUT": "30",
           "PINRENDER_KEEPALIVE_TIMEOUT": str(KEEPALIVE), "PINRENDER_MAX_CONNECTIONS": str(CAP),
           "PINRENDER_ANONYMOUS_HOURLY_UPLOADS": "1000"}
    with serving(tmp_path_factory.mktemp("slow") / "data", env) as served:
        yield served


def read_until_closed(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes; fails if the socket timeout comes first."""
    out = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            pytest.fail(f"the server kept the connection open past {SOCKET_TIMEOUT}s: {out[:200]!r}")
        except ConnectionResetError:
            return out
        if not chunk:
            return out
        out += chunk


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1 ") else 0


def body_of(response: bytes) -> dict[str, object]:
    data: dict[str, object] = json.loads(response.split(b"\r\n\r\n", 1)[1])
    return data


jpeg = noisy


def upload_request(host: str, file: bytes, *, declared: int | None = None) -> tuple[bytes, bytes]:
    """The head and body of an anonymous multipart upload."""
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
            b"Content-Type: image/jpeg\r\n\r\n" + file + b"\r\n--XyZ--\r\n")
    head = (f"POST /v1/upload HTTP/1.1\r\nHost: {host}\r\n"
            f"Content-Type: multipart/form-data; boundary=XyZ\r\nConnection: close\r\n"
            f"Content-Length: {declared or len(body)}\r\n\r\n").encode()
    return head, body


@pytest.mark.timeout(30)
@pytest.mark.parametrize("sent, status", [
    ("", 0),  # silent: closed without a word
    ("GET /openapi.json HTTP/1.1\r\nHost: {host}\r\n", 408),  # a head that never ends
    ("GET /openapi.json HTTP/1.1\r\nHost: {host}\r\n\r\n", 200),  # then idle keep-alive
], ids=["silent", "stalled-head", "idle-keep-alive"])
def test_connections_are_closed_when_the_client_stalls(server: Served, sent: str,
                                                       status: int) -> None:
    with server.connect(SOCKET_TIMEOUT) as sock:
        sock.sendall(sent.format(host=server.host).encode())
        assert status_of(read_until_closed(sock)) == status


@pytest.mark.timeout(60)
def test_slowloris_connections_are_all_closed(server: Served) -> None:
    """Each connection trickles a header line at a time, never finishing its head."""
    results: list[bytes] = []
    lock = threading.Lock()

    def loris() -> None:
        with server.connect(SOCKET_TIMEOUT) as sock:
            try:
                sock.sendall(f"GET / HTTP/1.1\r\nHost: {server.host}\r\n".encode())
                for i in range(40):  # 20 s of headers if the server let it
                    time.sleep(0.5)
                    sock.sendall(f"X-Loris-{i}: a\r\n".encode())
            except (BrokenPipeError, ConnectionResetError):
                pass
            out = read_until_closed(sock)
        with lock:
            results.append(out)

    threads = [threading.Thread(target=loris) for _ in range(CAP - 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == CAP - 2
    assert all(status_of(r) in (0, 408) for r in results)


@pytest.mark.timeout(30)
def test_a_stalled_body_gets_408_and_is_closed(server: Served) -> None:
    head, body = upload_request(server.host, jpeg(), declared=1_000_000)
    with server.connect(SOCKET_TIMEOUT) as sock:
        sock.sendall(head + body[:10])
        response = read_until_closed(sock)
    assert status_of(response) == 408
    assert body_of(response)["error"] == "request_timeout"
    staging = server.data / "blobs" / ".staging"
    assert not staging.exists() or list(staging.iterdir()) == []


@pytest.mark.timeout(60)
def test_a_slow_but_steady_upload_succeeds(server: Served) -> None:
    file = jpeg(200, 150)
    head, body = upload_request(server.host, file)
    chunk = 1000
    with server.connect(SOCKET_TIMEOUT) as sock:
        sock.sendall(head)
        for start in range(0, len(body), chunk):  # about 2.5x the minimum rate, for seconds
            sock.sendall(body[start : start + chunk])
            time.sleep(chunk / (MIN_RATE * 2.5))
        response = read_until_closed(sock)
    assert status_of(response) == 201, response
    media = body_of(response)
    assert media["filesize"] == len(file) and media["width"] == 200


@pytest.mark.timeout(30)
def test_connections_over_the_cap_get_503(server: Served) -> None:
    held = [server.connect(SOCKET_TIMEOUT) for _ in range(CAP)]
    try:
        for sock in held:
            sock.sendall(b"GET /openapi.json HTTP/1.1\r\n")  # an open head holds its slot
        with server.connect(SOCKET_TIMEOUT) as extra:
            extra.sendall(f"GET /openapi.json HTTP/1.1\r\nHost: {server.host}\r\n\r\n".encode())
            response = read_until_closed(extra)
        assert status_of(response) == 503
    finally:
        for sock in held:
            sock.close()
    # Once the slots are free again, requests are served.
    with server.connect(SOCKET_TIMEOUT) as sock:
        sock.sendall(f"GET /openapi.json HTTP/1.1\r\nHost: {server.host}\r\nConnection: close\r\n\r\n"
                     .encode())
        assert status_of(read_until_closed(sock)) == 200


def test_settings_reach_uvicorn(tmp_path: Path) -> None:
    from pinrender_server.http.slowclients import HeadDeadlineProtocol, uvicorn_options
    from pinrender_server.settings import Settings

    options = uvicorn_options(Settings(data_dir=tmp_path, header_timeout=3, max_connections=7))
    assert options["http"].func is HeadDeadlineProtocol
    assert options["http"].keywords == {"header_timeout": 3}
    assert options["limit_concurrency"] == 7
    # X-Forwarded-* are believed only from proxies named in the settings (uvicorn trusts
    # 127.0.0.1 unless told otherwise).
    assert options["proxy_headers"] is False
    proxied = uvicorn_options(Settings(data_dir=tmp_path, trusted_proxies=["10.0.0.2", "10.0.0.3"]))
    assert proxied["proxy_headers"] is True and proxied["forwarded_allow_ips"] == "10.0.0.2,10.0.0.3"
