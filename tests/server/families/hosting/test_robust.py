"""Quotas exact under concurrency; an upload cut off half way leaves no row and no file."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import anyio
import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import Api, open_api

from .conftest import JPEG, new_key, upload

pytestmark = pytest.mark.anyio


async def test_fifty_concurrent_uploads_with_ten_left(make_settings: Callable[..., Settings]
                                                      ) -> None:
    async with open_api(make_settings(plans={"free": {"monthly_uploads": 12}})) as api:
        key = await new_key(api)
        for _ in range(2):
            await upload(api, key)
        statuses: list[int] = []

        async def one() -> None:
            statuses.append((await upload(api, key)).status_code)

        async with anyio.create_task_group() as tg:
            for _ in range(50):
                tg.start_soon(one)
        assert statuses.count(201) == 10 and statuses.count(413) == 40
        account = api.ctx.meta.keys.list()[0].account_id
        assert api.ctx.meta.images.count(account, now=0) == 12
        originals = list((api.ctx.blobs.root / "originals").rglob("*.jpg"))
        assert len(originals) == 12


def _multipart(boundary: str) -> bytes:
    return (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.jpg\"\r\n"
            f"Content-Type: image/jpeg\r\n\r\n").encode() + JPEG + f"\r\n--{boundary}--\r\n".encode()


async def _send_partial(api: Api, body: bytes, cut: int) -> list[dict[str, Any]]:
    """Drive the ASGI app directly: half the body, then the client goes away."""
    boundary = "XyZ"
    messages = [{"type": "http.request", "body": body[:cut], "more_body": True},
                {"type": "http.disconnect"}]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST",
             "scheme": "http", "path": "/v1/upload", "raw_path": b"/v1/upload", "query_string": b"",
             "root_path": "", "client": ("127.0.0.1", 5000), "server": ("testserver", 80),
             "headers": [(b"host", b"testserver"), (b"content-length", str(len(body)).encode()),
                         (b"content-type", f"multipart/form-data; boundary={boundary}".encode())],
             "state": {}}
    await api.app(scope, receive, send)
    return sent


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.9])
async def test_interrupted_upload_leaves_nothing(v1: Api, fraction: float) -> None:
    body = _multipart("XyZ")
    await _send_partial(v1, body, int(len(body) * fraction))
    root = v1.ctx.blobs.root
    assert [p for p in root.rglob("*") if p.is_file()] == []
    assert v1.ctx.meta.images.due_for_removal(now=1e12) == []
    assert v1.ctx.meta.images.get(1, include_deleted=True) is None
    assert (await upload(v1)).status_code == 201  # the server is fine afterwards


def test_upload_cut_off_on_a_real_socket_leaves_nothing(tmp_path: Any) -> None:
    """The same through uvicorn: the client closes its TCP connection half way through."""
    import socket
    import threading
    import time

    import uvicorn

    from pinrender_server.app import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    app = create_app(Settings(data_dir=tmp_path, load_examples=False))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.time() + 10
        while not server.started and time.time() < deadline:
            time.sleep(0.05)
        body = _multipart("XyZ") + b"\0" * 200_000  # long enough to be mid-stream when cut
        head = (f"POST /v1/upload HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: {len(body)}\r\n"
                "Content-Type: multipart/form-data; boundary=XyZ\r\n\r\n").encode()
        ctx = app.state.ctx

        def files() -> list[Any]:
            return [p for p in ctx.blobs.root.rglob("*") if p.is_file()]

        with socket.create_connection(("127.0.0.1", port)) as client:
            client.sendall(head + body[: len(body) // 2])
            for _ in range(100):  # the upload is being streamed to a temporary file
                if files():
                    break
                time.sleep(0.05)
            assert files(), "the server never started writing the upload"
        for _ in range(100):  # the client is gone: the partial file must go too
            if not files():
                break
            time.sleep(0.05)
        assert files() == []
        assert ctx.meta.images.get(1, include_deleted=True) is None
    finally:
        server.should_exit = True
        thread.join(10)
