"""Several server processes, on the embedded backends and on shared ones (PostgreSQL, Redis, S3):

    python benchmarks/scale.py [--seconds 8] [--concurrency 16] [--processes 1,2,4]

For 1, 2 and 4 `pinrender serve` processes on one port, requests per second and p50 / p99 of:
cached `/api/render` hits (an authenticated `/api/account` call alongside, for the limit check),
cold renders (a new title each request) and CDN transforms (`/src` with `store_transforms` off,
so each request decodes and resizes). Then the overhead of the shared backends against the
embedded ones at one process (goal: at most 1.3x on cached hits, 1.1x on cold renders).

Needs PostgreSQL (PINRENDER_TEST_POSTGRES, default trust auth on 127.0.0.1:5432), Redis
(PINRENDER_TEST_REDIS, default db 15 on 127.0.0.1:6379) and moto (`pip install -e '.[test]'`).
The load generator is one asyncio process beside the servers, on the same cores.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402 (after the path set-up)

from pinrender_server.backends import open_meta_store  # noqa: E402
from pinrender_server.services.accounts import issue_key  # noqa: E402
from tests.server.backends.pg import fresh_database  # noqa: E402
from tests.server.process import serving  # noqa: E402
from tests.server.shared_backends import CREDENTIALS, REDIS_URL, MotoS3  # noqa: E402

CARD = {"canvas": {"width": 1200, "height": 630, "background": "#1d3557"},
        "layers": [{"name": "title", "type": "text", "x": 80, "y": 180, "width": 1040,
                    "height": 260, "text": "{{title}}", "fontSize": 72, "fontWeight": 700,
                    "color": "#ffffff"}],
        "variables": [{"name": "title", "default": "Hello"}]}
PHOTO = ROOT.parent / "shared" / "photos"


@contextmanager
def shared_env() -> Iterator[dict[str, str]]:
    with fresh_database() as database:
        MotoS3.start()
        bucket = MotoS3.new_bucket()
        prefix = f"scale:{os.getpid()}:{time.time_ns()}:"
        yield {"PINRENDER_DATABASE": database,
               "PINRENDER_COUNTERS": f"{REDIS_URL}?prefix={prefix}",
               "PINRENDER_STORAGE": f"s3://{bucket}/blobs",
               "AWS_ENDPOINT_URL": MotoS3.endpoint, **CREDENTIALS}


async def load(seconds: float, concurrency: int, request: Callable[[httpx.AsyncClient, int], Any],
               base: str) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    errors = 0
    counter = iter(range(10**9))
    deadline = time.perf_counter() + seconds
    limits = httpx.Limits(max_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, timeout=60, limits=limits) as client:
        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                response = await request(client, next(counter))
                latencies.append(time.perf_counter() - started)
                errors += response.status_code >= 400

        began = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.perf_counter() - began
    return len(latencies) / elapsed, latencies, errors


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def scenario(label: str, env: dict[str, str], processes: int, args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        settings = {"PINRENDER_STORE_TRANSFORMS": "false", "PINRENDER_PLANS__PRO__HOURLY_REQUESTS": "100000000",
                    "PINRENDER_PLANS__PRO__MONTHLY_RENDERS": "100000000", "PINRENDER_RENDER_QUEUE": "1000",
                    **env}
        previous = {k: os.environ.get(k) for k in settings}
        os.environ.update(settings)  # the key is made on the same backends the servers use
        try:
            meta = open_meta_store(env.get("PINRENDER_DATABASE") or f"sqlite:///{data}/pinrender.db")
            key = issue_key(meta, f"scale{time.time_ns()}@example.com", plan="pro").secret
            meta.close()
        finally:
            for k, v in previous.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        auth = {"Authorization": f"Bearer {key}"}
        with serving(data, settings, workers=processes, startup=60) as server:
            base = server.base
            template = httpx.post(f"{base}/api/templates", headers=auth, timeout=30, json={
                "name": "Scale", "jsonData": CARD, "public": True}).json()["data"]["id"]
            photo = (PHOTO / "photo-2725x2225.jpg").read_bytes()
            up = httpx.post(f"{base}/v1/upload", headers=auth, timeout=60,
                            files={"file": ("photo.jpg", photo, "image/jpeg")}).json()
            src = up["data"]["src"] if "data" in up else up["src"]
            src_path = httpx.URL(src).raw_path.decode().split("?")[0]
            cached_url = f"/api/render?templateId={template}&format=jpeg"
            httpx.get(f"{base}{cached_url}", timeout=60)

            def cached(c: httpx.AsyncClient, i: int) -> Any:
                return c.get(cached_url) if i % 4 else c.get("/api/account", headers=auth)

            def cold(c: httpx.AsyncClient, i: int) -> Any:
                layers = json.dumps({"title": {"text": f"Cold render {i} {time.time_ns()}"}})
                return c.get(f"/api/render?templateId={template}&format=jpeg&layers={layers}")

            def cdn(c: httpx.AsyncClient, i: int) -> Any:
                return c.get(f"{src_path}?size=s")

            for name, request in (("cached hit", cached), ("cold render", cold), ("CDN transform", cdn)):
                rate, latencies, errors = asyncio.run(load(args.seconds, args.concurrency, request, base))
                rows.append({"backends": label, "processes": processes, "path": name, "rate": rate,
                             "p50": pct(latencies, 0.5), "p99": pct(latencies, 0.99), "errors": errors})
            limit = asyncio.run(load(min(3, args.seconds), 4,
                                     lambda c, i: c.get("/api/account", headers=auth), base))
            rows.append({"backends": label, "processes": processes, "path": "limit check (/api/account)",
                         "rate": limit[0], "p50": pct(limit[1], 0.5), "p99": pct(limit[1], 0.99),
                         "errors": limit[2]})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--processes", default="1,2,4")
    args = parser.parse_args()
    counts = [int(n) for n in args.processes.split(",")]
    rows: list[dict[str, Any]] = []
    for n in counts:
        rows += scenario("embedded", {}, n, args)
    with ExitStack() as stack:
        for n in counts:
            env = stack.enter_context(shared_env())
            rows += scenario("PostgreSQL + Redis + S3", env, n, args)
    print(f"{os.cpu_count()} cores, concurrency {args.concurrency}, {args.seconds:g} s per row\n")
    print("| backends | processes | path | req/s | p50 / p99 ms | errors |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['backends']} | {r['processes']} | {r['path']} | {r['rate']:.1f} | "
              f"{r['p50']:.1f} / {r['p99']:.1f} | {r['errors']} |")
    one = {(r["backends"], r["path"]): r for r in rows if r["processes"] == counts[0]}
    print(f"\noverhead of the shared backends at {counts[0]} process(es), time per request "
          "(embedded = 1.00x):\n")
    for path in ("cached hit", "cold render", "CDN transform", "limit check (/api/account)"):
        a, b = one.get(("embedded", path)), one.get(("PostgreSQL + Redis + S3", path))
        if a and b:
            print(f"- {path}: {a['rate'] / b['rate']:.2f}x (p99 {b['p99']:.1f} ms vs {a['p99']:.1f} ms)")


if __name__ == "__main__":
    main()
