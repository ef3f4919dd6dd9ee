"""Benchmark the edge server over real HTTP: cached hits, 304s and cold renders.

Starts `pinrender serve` (one worker) on a free 127.0.0.1 port with a throwaway data dir, then
measures requests/s and p50/p99 latency per scenario with bounded request counts, and reads the
server's render counter (`/api/_stats`, enabled by PINRENDER_DEBUG_STATS) around each scenario to
show which paths render nothing.

    python benchmarks/server.py [--hits 2000] [--cold 100] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pinrender_server.families.templates.examples import example_id  # noqa: E402 (needs the repository on sys.path)

TEMPLATE = example_id("blog-og")  # the heaviest example: photo background, avatar, auto-fit title


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, data_dir: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PINRENDER_DEBUG_STATS": "true", "PYTHONPATH": str(ROOT)}
    return subprocess.Popen(
        [sys.executable, "-m", "pinrender_server.cli", "serve", "--port", str(port), "--workers", "1",
         "--data-dir", data_dir, "--no-access-log", "--log-level", "warning"],
        env=env, cwd=ROOT,
    )


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("server exited during start-up")
        try:
            if httpx.get(base + "/api/_stats", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit("server did not start within 30 s")


async def measure(n: int, concurrency: int,
                  request: Callable[[int], Awaitable[httpx.Response]],
                  expect: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            t0 = time.perf_counter()
            r = await request(i)
            latencies.append(time.perf_counter() - t0)
            if r.status_code != expect:
                raise SystemExit(f"request {i}: expected {expect}, got {r.status_code}: {r.text[:200]}")

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] * 1000


async def run(base: str, hits: int, cold: int, concurrency: int) -> list[tuple[str, ...]]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=60) as client:
        async def renders() -> int:
            return int((await client.get("/api/_stats")).json()["data"]["renders"])

        params = {"templateId": TEMPLATE, "format": "jpeg",
                  "layers": json.dumps({"title": {"text": "A cached card"}})}
        warm = await client.get("/api/render", params=params)
        assert warm.status_code == 200, warm.text
        etag = warm.headers["etag"]

        scenarios = [
            ("cached /api/render hit", hits, concurrency, 200,
             lambda i: client.get("/api/render", params=params)),
            ("If-None-Match -> 304", hits, concurrency, 304,
             lambda i: client.get("/api/render", params=params, headers={"If-None-Match": etag})),
            ("cold render, unique title", cold, concurrency, 200,
             lambda i: client.get("/api/render", params={
                 "templateId": TEMPLATE, "format": "jpeg",
                 "layers": json.dumps({"title": {"text": f"Unique title number {i} {time.time()}"}})})),
        ]
        rows = []
        for name, n, conc, expect, request in scenarios:
            before = await renders()
            elapsed, lat = await measure(n, conc, request, expect)
            rendered = await renders() - before
            rows.append((name, str(n), str(conc), f"{n / elapsed:,.0f}", f"{pct(lat, 50):.2f}",
                         f"{pct(lat, 99):.2f}", f"{statistics.mean(lat) * 1000:.2f}",
                         str(rendered)))
        return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hits", type=int, default=2000, help="requests for the hit and 304 runs")
    parser.add_argument("--cold", type=int, default=100, help="cold renders")
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()

    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data_dir:
        proc = start_server(port, data_dir)
        try:
            wait_ready(base, proc)
            rows = asyncio.run(run(base, args.hits, args.cold, args.concurrency))
        finally:
            proc.terminate()
            proc.wait(10)

    header = ("scenario", "requests", "concurrency", "req/s", "p50 ms", "p99 ms", "mean ms",
              "renders")
    print(f"pinrender server, 1 worker, {os.cpu_count()} CPUs, template blog-og 1200x630 JPEG")
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
