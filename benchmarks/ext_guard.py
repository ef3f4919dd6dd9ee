"""What the org-token family costs per request, in-process (ASGI, no network), on SQLite:

    python benchmarks/ext_guard.py [--requests 500]

Rows: the ext family's `ping` (every check of `guard.admit`: token by hash, organisation, event,
host, the organisation's rolling-hour hit; `last_used_at` at most once a minute) next to
`/api/account` (an account key's authentication, the other families' baseline), and a
`/api/render` whose layer names a stored image (`media:{id}`, resolved and checked on every
request) next to the same render with no stored image, both answered 304 from their ETag, so
the table shows the resolution's cost rather than pixels.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402 (after the path set-up)
from PIL import Image  # noqa: E402

from pinrender_server.app import create_app  # noqa: E402
from pinrender_server.services.accounts import issue_key  # noqa: E402
from pinrender_server.settings import Settings  # noqa: E402


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (200, 200), (200, 30, 30)).save(buf, "PNG")
    return buf.getvalue()


async def timed(n: int, call: Callable[[], Awaitable[httpx.Response]], status: int
                ) -> tuple[float, float]:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        r = await call()
        samples.append((time.perf_counter() - start) * 1e6)
        assert r.status_code == status, r.text
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.99) - 1]


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), load_examples=False, allowed_hosts=["testserver"],
                            ext={"allowed_hosts": ["testserver"]},  # type: ignore[arg-type]
                            plans={"free": {"hourly_requests": 10_000_000}})  # type: ignore[dict-item]
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                key = issue_key(app.state.ctx.meta, "bench@example.com").secret
                auth = {"X-API-Key": key}
                org = (await c.get("/api/v1/orgs", headers=auth)).json()[0]["id"]
                event = (await c.post(f"/api/v1/orgs/{org}/events", json={"name": "B"},
                                      headers=auth)).json()["id"]
                token = (await c.post(f"/api/v1/orgs/{org}/tokens", json={"name": "B"},
                                      headers=auth)).json()["token"]
                base = f"/api/v1/ext/{org}/event/{event}"
                photo = (await c.post(f"{base}/photos", headers={"X-API-Key": token},
                                      files={"file": ("p.png", png(), "image/png")})).json()
                template = {"canvas": {"width": 100, "height": 100}, "layers": [
                    {"name": "p", "type": "image", "x": 0, "y": 0, "width": 100, "height": 100}]}
                r = await c.post("/api/templates", headers=auth, json={
                    "name": "B", "jsonData": template, "public": True})
                tid = r.json()["data"]["id"]
                stored = (f"/api/render?templateId={tid}&layers="
                          + json.dumps({"p": {"image_url": f"media:{photo['id']}"}}))
                plain = f"/api/render?templateId={tid}"
                etags = {u: (await c.get(u)).headers["etag"] for u in (stored, plain)}
                rows = [
                    ("ext ping (org token, 5 checks + rate hit)",
                     await timed(n, lambda: c.get(f"{base}/ping", headers={"X-API-Key": token}),
                                 200)),
                    ("/api/account (account key)",
                     await timed(n, lambda: c.get("/api/account", headers=auth), 200)),
                    ("/api/render 304, layer media:{id}",
                     await timed(n, lambda: c.get(stored, headers={
                         "If-None-Match": etags[stored]}), 304)),
                    ("/api/render 304, no stored image",
                     await timed(n, lambda: c.get(plain, headers={
                         "If-None-Match": etags[plain]}), 304)),
                ]
    print(f"{n} requests each, in-process ASGI; median / p99 µs\n")
    print("| request | median | p99 |\n|---|---|---|")
    for name, (median, p99) in rows:
        print(f"| {name} | {median:.0f} | {p99:.0f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500)
    asyncio.run(main(parser.parse_args().requests))
