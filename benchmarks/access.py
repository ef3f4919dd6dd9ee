"""What deciding who may fetch an image costs per request, in process (no network).

    python benchmarks/access.py --requests 400

One app on a temporary data dir, one 1600x1200 JPEG uploaded twice (public and private), its
`?size=s` WebP stored after a first fetch; then the same stored file fetched by URL (public), by
a signed URL and by the owner's key (private), and the 304 of each. The public row is the
baseline: the Host allowlist and nosniff are the only work it shares with the others.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx
from PIL import Image

from pinrender.urls import sign_path
from pinrender_server.app import create_app
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings


def photo() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 60, 30)).save(buf, "JPEG")
    return buf.getvalue()


async def timed(n: int, call: Callable[[], Awaitable[httpx.Response]], expect: int) -> list[float]:
    out = []
    for _ in range(n):
        started = time.perf_counter()
        r = await call()
        out.append((time.perf_counter() - started) * 1000)
        if r.status_code != expect:
            raise SystemExit(f"expected {expect}, got {r.status_code}: {r.text[:200]}")
    return out


async def main(n: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), load_examples=False, allowed_hosts=["bench"],
                            plans={"pro": {"hourly_requests": 10**7}})
        app = create_app(settings)
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://bench") as c:
                key = issue_key(app.state.ctx.meta, "bench@example.com", plan="pro").secret
                owner = {"Authorization": f"Bearer {key}"}
                srcs = {}
                for public in ("true", "false"):
                    r = await c.post("/v1/upload", data={"public": public}, headers=owner,
                                     files={"file": ("p.jpg", photo(), "image/jpeg")})
                    srcs[public] = r.json()["src"]
                plain = srcs["true"].rsplit(".", 1)[0] + ".webp?size=s"
                media = (await c.get(f"/v1/media/{srcs['false'].split('/')[-1].split('.')[0]}",
                                     headers=owner)).json()
                private = media["src"].split("?")[0].rsplit(".", 1)[0] + ".webp?size=s"
                await c.get(private, headers=owner)  # computes and stores the variant
                signed_url = sign_path(httpx.URL(private).raw_path.decode(),
                                       app.state.ctx.secret, int(time.time()) + 3600)
                etags = {"public": (await c.get(plain)).headers["etag"],
                         "private": (await c.get(private, headers=owner)).headers["etag"]}
                rows = [
                    ("public, no key", lambda: c.get(plain), 200),
                    ("private, signed URL", lambda: c.get(signed_url), 200),
                    ("private, owner's key", lambda: c.get(private, headers=owner), 200),
                    ("public, 304", lambda: c.get(plain, headers={
                        "If-None-Match": etags["public"]}), 304),
                    ("private, signed URL, 304", lambda: c.get(signed_url, headers={
                        "If-None-Match": etags["private"]}), 304),
                    ("private, owner's key, 304", lambda: c.get(private, headers={
                        **owner, "If-None-Match": etags["private"]}), 304),
                ]
                print(f"| request ({n} each) | median ms | p90 ms |")
                print("|---|---|---|")
                for label, call, expect in rows:
                    times = sorted(await timed(n, call, expect))
                    print(f"| {label} | {statistics.median(times):.2f} | "
                          f"{times[int(len(times) * 0.9)]:.2f} |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    asyncio.run(main(parser.parse_args().requests))
