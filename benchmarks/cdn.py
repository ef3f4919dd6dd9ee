"""CDN transforms over HTTP: pinrender's `/src/…?size=` against thumbor, on 127.0.0.1.

    python benchmarks/cdn.py --requests 40

Creates `$TMPDIR/thumbor-venv` with `pip install thumbor` on first use (never a project
dependency), starts one thumbor process (Pillow engine, file loader on the photos dir, no result
storage, unsafe URLs) and one `pinrender serve` worker with PINRENDER_STORE_TRANSFORMS=false so
both do the full work on every request; then measures stored hits and 304s with storing on.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


async def measure(n: int, concurrency: int, request: Callable[[int], Awaitable[httpx.Response]],
                  expect: int) -> tuple[float, list[float]]:
    latencies: list[float] = []
    counter = iter(range(n))

    async def worker() -> None:
        for i in counter:
            started = time.perf_counter()
            r = await request(i)
            latencies.append(time.perf_counter() - started)
            if r.status_code != expect:
                raise SystemExit(f"expected {expect}, got {r.status_code}: {r.text[:200]}")

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return time.perf_counter() - t0, latencies

ROOT = Path(__file__).resolve().parent.parent
PHOTOS = ROOT.parent / "shared" / "photos"
PHOTO = "photo-2725x2225.jpg"
BIG = "photo-6000x4000.jpg"
VENV = Path(tempfile.gettempdir()) / "thumbor-venv"
# (label, pinrender ext + query, thumbor path); short edge = height on these landscape photos.
ROWS = [
    ("short edge 640 webp", "webp?size=m", "0x640/filters:format(webp):quality(80)"),
    ("short edge 1080 jpeg", "jpeg?size=l", "0x1080/filters:format(jpeg):quality(80)"),
    # /src has no width (seed 001); width variants are seed 000's /files/{uid}_{width}.webp
    ("width 512 webp", "files:512", "512x0/filters:format(webp):quality(80)"),
    ("short edge 640 png", "png?size=m", "0x640/filters:format(png)"),
]


def thumbor_bin() -> Path:
    exe = VENV / "bin" / "thumbor"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "thumbor"], check=True)
    return exe


def start_thumbor(port: int, conf_dir: str) -> subprocess.Popen[bytes]:
    conf = Path(conf_dir) / "thumbor.conf"
    conf.write_text(f"LOADER = 'thumbor.loaders.file_loader'\nFILE_LOADER_ROOT_PATH = '{PHOTOS}'\n"
                    "STORAGE = 'thumbor.storages.no_storage'\nRESULT_STORAGE = None\n"
                    "ALLOW_UNSAFE_URL = True\nENGINE = 'thumbor.engines.pil'\nQUALITY = 80\n"
                    "AUTO_WEBP = False\n")
    return subprocess.Popen([str(thumbor_bin()), "--port", str(port), "--ip", "127.0.0.1",
                             "--conf", str(conf), "-l", "error"])


def start_pinrender(port: int, data_dir: str, store: bool) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PINRENDER_STORE_TRANSFORMS": str(store).lower(),
           "PINRENDER_LOAD_EXAMPLES": "false"}
    if not store:
        # Full work on every request: no stored results and no in-memory node cache either.
        env.update(PINRENDER_RENDERER_CACHE_BYTES="0", PINRENDER_RESULT_CACHE_BYTES="0")
    return subprocess.Popen(
        [sys.executable, "-m", "pinrender_server.cli", "serve", "--port", str(port), "--workers", "1",
         "--data-dir", data_dir, "--no-access-log", "--log-level", "warning"], env=env, cwd=ROOT)


def wait_up(url: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited during start-up")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not start")


def upload_photos(base: str) -> dict[str, str]:
    key = httpx.post(base + "/v1/keys", json={"email": "bench@example.com"}).json()["key"]
    srcs = {}
    for name in (PHOTO, BIG):
        with (PHOTOS / name).open("rb") as f:
            r = httpx.post(base + "/v1/upload", files={"file": (name, f, "image/jpeg")},
                           headers={"Authorization": f"Bearer {key}"}, timeout=60)
        r.raise_for_status()
        srcs[name] = r.json()["src"].rsplit(".", 1)[0]
    return srcs


async def rate(url: str, n: int, conc: int, headers: dict[str, str] | None = None,
               expect: int = 200) -> tuple[float, float, float]:
    async with httpx.AsyncClient(timeout=120) as client:
        wall, lat = await measure(n, conc, lambda _i: client.get(url, headers=headers), expect)
    return n / wall, pct(lat, 50) * 1000, pct(lat, 99) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    n = args.requests
    with tempfile.TemporaryDirectory() as tmp:
        tp, pp = free_port(), free_port()
        thumbor = start_thumbor(tp, tmp)
        pin = start_pinrender(pp, tmp + "/full", store=False)
        try:
            tbase, pbase = f"http://127.0.0.1:{tp}", f"http://127.0.0.1:{pp}"
            wait_up(tbase + "/healthcheck", thumbor)
            wait_up(pbase + "/", pin)
            srcs = upload_photos(pbase)
            print("| row | conc | pinrender req/s | p50 / p99 ms | thumbor req/s | p50 / p99 ms | ratio |")
            print("|---|---|---|---|---|---|---|")
            for label, pin_q, th_q in ROWS:
                for conc in (1, 4):
                    t = asyncio.run(rate(f"{tbase}/unsafe/{th_q}/{PHOTO}", n, conc))
                    if pin_q.startswith("files:"):
                        uid = srcs[PHOTO].rsplit("/", 1)[1]
                        url = f"{pbase}/files/{uid}_{pin_q.split(':')[1]}.webp"
                    else:
                        url = f"{srcs[PHOTO]}.{pin_q}"
                    p = asyncio.run(rate(url, n, conc))
                    print(f"| {label} | {conc} | {p[0]:.1f} | {p[1]:.0f} / {p[2]:.0f} | {t[0]:.1f} | "
                          f"{t[1]:.0f} / {t[2]:.0f} | {p[0] / t[0]:.2f}x |")
        finally:
            thumbor.terminate()
            pin.terminate()
            thumbor.wait()
            pin.wait()
        port = free_port()
        pin = start_pinrender(port, tmp + "/stored", store=True)
        try:
            base = f"http://127.0.0.1:{port}"
            wait_up(base + "/", pin)
            srcs = upload_photos(base)
            url = f"{srcs[BIG]}.webp?size=m"
            started = time.perf_counter()
            etag = httpx.get(url, timeout=60).headers["etag"]
            first = (time.perf_counter() - started) * 1000
            hits = asyncio.run(rate(url, n * 10, 4))
            revalidated = asyncio.run(rate(url, n * 10, 4, {"If-None-Match": etag}, 304))
            print(f"\nfirst hit ?size=m of {BIG}: {first:.0f} ms")
            print(f"stored hits: {hits[0]:.0f} req/s, p99 {hits[2]:.1f} ms (concurrency 4)")
            print(f"304s:        {revalidated[0]:.0f} req/s, p99 {revalidated[2]:.1f} ms")
        finally:
            pin.terminate()
            pin.wait()


if __name__ == "__main__":
    main()
