"""`/api/images` benchmark: list latency by cursor at depth 0 and at depth 100,000, and embed-data
hits and 304s per second. Runs the real app in-process over ASGI (no network).

    python benchmarks/images.py [--rows 100000] [--seconds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import anyio
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pinrender_server.app import create_app
from pinrender_server.families.interactive import cursor
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings


def seed(meta: object, account_id: int, rows: int) -> list[int]:
    db = meta.db  # type: ignore[attr-defined]
    now = time.time()
    with db.transaction() as conn:  # bulk insert: the repository's create is one row per call
        conn.executemany(
            "INSERT INTO images (unique_id, account_id, blob_key, media_type, ext, width, height,"
            " size, title, created_at, updated_at) VALUES (?, ?, 'x', 'image/png', 'png', 100, 50,"
            " 10, ?, ?, ?)",
            [(f"{i:08x}", account_id, f"img {i}", now, now) for i in range(rows)])
    return [r[0] for r in db.query("SELECT id FROM images ORDER BY id DESC")]


async def timed(client: httpx.AsyncClient, url: str, n: int, **kw: object) -> list[float]:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        r = await client.get(url, **kw)  # type: ignore[arg-type]
        assert r.status_code in (200, 304), r.text
        out.append((time.perf_counter() - t) * 1000)
    return out


async def rate(client: httpx.AsyncClient, url: str, seconds: float, **kw: object) -> float:
    n, end = 0, time.perf_counter() + seconds
    while time.perf_counter() < end:
        await client.get(url, **kw)  # type: ignore[arg-type]
        n += 1
    return n / seconds


async def main(rows: int, seconds: float) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), load_examples=False, storage="memory://",
                            plans={"pro": {"hourly_requests": 10**9}})
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            meta = app.state.ctx.meta
            issued = issue_key(meta, "bench@example.com", plan="pro")
            ids = seed(meta, issued.account.id, rows)
            h = {"Authorization": f"Bearer {issued.secret}"}
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
                numbered = await timed(client, "/api/images?limit=20", 50, headers=h)
                top = cursor.encode(ids[0] + 1)
                first = await timed(client, f"/api/images?limit=20&cursor={top}", 200, headers=h)
                deep = cursor.encode(ids[-21] if rows > 21 else ids[-1])
                last = await timed(client, f"/api/images?limit=20&cursor={deep}", 200, headers=h)
                image = meta.images.get(ids[0])
                url = f"/api/images/{image.unique_id}/embed-data"
                params = {"user": issued.account.embed_key}
                r = await client.get(url, params=params)
                hits = await rate(client, url, seconds, params=params)
                not_modified = await rate(client, url, seconds, params=params,
                                          headers={"If-None-Match": r.headers["etag"]})
    print(f"| measure ({rows:,} images) | result |\n|---|---|")
    print(f"| list, cursor at depth 0, median | {statistics.median(first):.2f} ms |")
    print(f"| list, cursor at depth {rows - 21:,}, median | {statistics.median(last):.2f} ms |")
    print(f"| list, page=1 (no cursor: includes the total count), median | "
          f"{statistics.median(numbered):.2f} ms |")
    print(f"| embed-data 200 | {hits:,.0f} req/s |")
    print(f"| embed-data 304 (If-None-Match) | {not_modified:,.0f} req/s |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=2.0)
    args = parser.parse_args()
    anyio.run(main, args.rows, args.seconds)
