"""What kill -9 leaves behind, and the start-up recovery that undoes it.

Counters cannot run ahead of rows: an upload's claims commit in its row's transaction. What a crash
can still leave (staging files, half-written temp files, blobs whose row never committed, ledgers
off from deletions cut short) is swept at start-up once older than the deadline of any live request.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from pinrender_server.families.hosting.sweeper import recover, stale_age
from pinrender_server.services.ledger import FOREVER, STORAGE
from pinrender_server.settings import Settings
from tests.images import solid

from .conftest import Api, auth, open_api
from .process import Served, cli, serving

pytestmark = pytest.mark.anyio


def jpeg(seed: int, size: tuple[int, int] = (96, 64)) -> bytes:
    return solid(*size, (seed % 256, 90, 160), "JPEG")


def age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def strays(blobs: Path, db: Path) -> list[str]:
    """Files no live request can own: staging and temp files, and originals no row names."""
    with sqlite3.connect(db) as conn:
        named = {r[0] for r in conn.execute("SELECT blob_key FROM images")}
    found = []
    for path in blobs.rglob("*"):
        if not path.is_file():
            continue
        key = path.relative_to(blobs).as_posix()
        if path.name.startswith(".") or (key.startswith(("originals/", "images/"))
                                         and key not in named):
            found.append(key)
    return sorted(found)


def ledgers_and_rows(db: Path) -> list[tuple[Any, ...]]:
    """Per account: (uploads this month, uploads by rows), (stored bytes, bytes by rows)."""
    month = time.strftime("%Y-%m", time.gmtime())
    with sqlite3.connect(db) as conn:
        def ledger(account: int, metric: str, period: str) -> int:
            row = conn.execute("SELECT count FROM usage WHERE account_id = ? AND metric = ? AND "
                               "period = ?", (account, metric, period)).fetchone()
            return int(row[0]) if row else 0

        out = []
        for (account,) in conn.execute("SELECT id FROM accounts ORDER BY id").fetchall():
            uploads = conn.execute("SELECT COUNT(*) FROM images WHERE account_id = ? AND source "
                                   "IN ('upload', 'import')", (account,)).fetchone()[0]
            size = conn.execute("SELECT COALESCE(SUM(size), 0) FROM images WHERE account_id = ? "
                                "AND deleted_at IS NULL", (account,)).fetchone()[0]
            out.append(((ledger(account, "v1_uploads", month), uploads),
                        (ledger(account, STORAGE, FOREVER), size)))
        return out


async def test_recover_sweeps_only_what_no_live_request_owns(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(sweep_interval=3600)) as api:
        ctx = api.ctx
        key = api.key("owner@example.com", plan="pro")
        r = await api.client.post("/v1/upload", files={"file": ("a.jpg", jpeg(1))}, headers=auth(key))
        assert r.status_code == 201, r.text
        kept = await _image(api, key)
        root: Path = ctx.blobs.root
        old = stale_age(ctx.settings) + 60
        leftovers = {
            ".staging/.upload-crashed": old, "originals/t1/orphan.jpg": old,
            "images/t1/orphan.png": old, "renders/ab/abcdef.png": old,
            "originals/t1/.tmp-half": old,
        }
        young = {".staging/.upload-live": 1, "originals/t1/just-written.jpg": 1,
                 "renders/cd/.tmp-live": 1}
        for name, seconds in {**leftovers, **young}.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"x")
            age(path, seconds)
        for path in root.rglob("*"):  # the real uploads are old too: they must stay all the same
            if path.is_file() and path.relative_to(root).as_posix() not in young:
                age(path, old)
        account = ctx.meta.keys.list()[0].account_id
        ctx.counters.usage.add(account, STORAGE, FOREVER, 12345)  # as after a delete cut short

        found = recover(ctx)

        assert found == {"ledgers": 1, "staging": 1, "temp": 1, "orphans": 3}
        for name in leftovers:
            assert not (root / name).exists(), name
        for name in young:
            assert (root / name).exists(), name
        assert ctx.counters.usage.get(account, STORAGE, FOREVER) == ctx.meta.images.total_bytes(
            account, now=0)
        src = r.json()["src"].replace("http://testserver", "")
        assert (await api.client.get(src)).status_code == 200
        assert (await api.client.get(kept)).status_code == 200


async def _image(api: Api, key: str) -> str:
    import base64

    body = {"image_data": base64.b64encode(jpeg(2)).decode()}
    r = await api.client.post("/api/images", json=body, headers=auth(key))
    assert r.status_code == 201, r.text
    url: str = r.json()["data"]["image_url"]
    return url.replace("http://testserver", "")


class Load:
    """Uploads from both families in a loop, plus uploads that stall half way, until stopped."""

    def __init__(self, served: Served, key: str) -> None:
        self.served, self.key = served, key
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self.v1, args=(i,)) for i in range(4)]
        self.threads += [threading.Thread(target=self.images, args=(i,)) for i in range(2)]
        self.stalled: list[Any] = []

    def __enter__(self) -> Load:
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for t in self.threads:
            t.join(15)
        for sock in self.stalled:
            sock.close()

    def _loop(self, send: Callable[[httpx.Client, int], Any], seed: int) -> None:
        with httpx.Client(base_url=self.served.base, timeout=10,
                          headers={"Authorization": f"Bearer {self.key}"}) as client:
            n = seed * 1000
            while not self.stop.is_set():
                n += 1
                try:
                    send(client, n)
                except httpx.TransportError:
                    return  # the server is gone

    def v1(self, seed: int) -> None:
        self._loop(lambda c, n: c.post("/v1/upload", files={"file": (f"{n}.jpg", jpeg(n))}), seed)

    def images(self, seed: int) -> None:
        import base64

        self._loop(lambda c, n: c.post("/api/images", json={
            "image_data": base64.b64encode(jpeg(n, (80, 80))).decode()}), seed)

    def stall_uploads(self, count: int) -> None:
        """Uploads that send half their body and wait: their staging files exist at the kill."""
        data = jpeg(7, (400, 300)) + b"\0" * 200_000
        body = (b"--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.jpg\"\r\n\r\n"
                + data + b"\r\n--B--\r\n")
        head = (f"POST /v1/upload HTTP/1.1\r\nHost: {self.served.host}\r\nAuthorization: Bearer {self.key}"
                f"\r\nContent-Type: multipart/form-data; boundary=B\r\n"
                f"Content-Length: {len(body)}\r\n\r\n").encode()
        for _ in range(count):
            sock = self.served.connect(10)
            sock.sendall(head + body[: len(body) // 2])
            self.stalled.append(sock)


def _wait_for(predicate: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


@pytest.mark.timeout(150)
def test_kill_9_under_load_leaves_nothing_after_restart(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = cli(data, "keys", "create", "--email", "load@example.com", "--plan", "pro").split()[-1]
    # Short request deadlines make `stale_age` a few seconds, so the test sees the second pass.
    env = {"PINRENDER_REQUEST_TIMEOUT": "1", "PINRENDER_FETCH_TIMEOUT": "1",
           "PINRENDER_RENDER_TIMEOUT": "1", "PINRENDER_SWEEP_INTERVAL": "3600"}
    staging = data / "blobs" / ".staging"
    blobs, db = data / "blobs", data / "pinrender.db"
    with serving(data, env) as served, Load(served, key) as load:
        assert _wait_for(lambda: bool(ledgers_and_rows(db)) and ledgers_and_rows(db)[0][0][1] > 5, 30)
        load.stall_uploads(3)
        assert _wait_for(lambda: len(list(staging.glob(".upload-*"))) >= 3, 10)
        served.kill()
    assert list(staging.glob(".upload-*")), "the kill left staging files to recover from"
    with serving(data, env):
        settings = Settings(data_dir=data, request_timeout=1, fetch_timeout=1, render_timeout=1)
        assert _wait_for(lambda: strays(blobs, db) == [], stale_age(settings) + 20), strays(blobs, db)
        for (uploads, upload_rows), (stored, stored_rows) in ledgers_and_rows(db):
            assert uploads == upload_rows and stored == stored_rows
        with sqlite3.connect(db) as conn:  # and every row still has its original
            keys = [r[0] for r in conn.execute("SELECT blob_key FROM images")]
        assert keys and all((blobs / k).is_file() for k in keys)
