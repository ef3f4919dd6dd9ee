"""Transform benchmark: pinrender against sharp, interleaved in one run, same photos, matched
encoder settings (JPEG q80, WebP q80, AVIF q50, PNG zlib level 6), file to encoded buffer.

    python benchmarks/transforms.py [--rounds 15] [--threads 1]

sharp runs with `sharp.concurrency(1)` and its cache off, in benchmarks/peers/ (`npm install`
there on first use). `--threads` sets libvips' thread pool for pinrender (VIPS_CONCURRENCY, default
1 to match sharp). Also prints the peak RSS of one `size="m"` transform of a generated
50-megapixel JPEG, each in a fresh process.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PHOTOS = HERE.parent.parent / "shared" / "photos"
PEERS = HERE / "peers"

# (label, rule, target, format, quality or zlib level)
ROWS = [
    ("short edge 640 webp", "short_edge", 640, "webp", 80),
    ("short edge 1080 jpeg", "short_edge", 1080, "jpeg", 80),
    ("width 512 webp", "width", 512, "webp", 80),
    ("short edge 640 png", "short_edge", 640, "png", 6),
    ("short edge 320 avif", "short_edge", 320, "avif", 50),
]
SIZE_NAMES = {640: "m", 1080: "l", 320: "s"}


@functools.cache
def _renderer() -> Any:
    # No result cache: the module-level renderer keeps encoded results by key, so every round
    # after the warm-up would time a cache hit instead of the transform (sharp keeps none).
    import pinrender

    return pinrender.Renderer(cache_bytes=0)


def pinrender_job(path: Path, rule: str, target: int, fmt: str, setting: int) -> tuple[float, int]:
    transform = _renderer().transform
    options: dict[str, object] = {"format": fmt}
    if rule == "short_edge":
        options["size"] = SIZE_NAMES[target]
    else:
        options["width"] = target
    if fmt != "png":  # png's zlib level 6 is pinrender's default
        options["quality"] = setting
    start = time.perf_counter()
    data = transform(path, **options)  # type: ignore[arg-type]
    return (time.perf_counter() - start) * 1000, len(data)


class Sharp:
    def __init__(self) -> None:
        if not (PEERS / "node_modules" / "sharp").exists():
            subprocess.run(["npm", "install", "--no-audit", "--no-fund"], cwd=PEERS, check=True)
        self.proc = subprocess.Popen(["node", str(PEERS / "transform.mjs")], cwd=PEERS,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, job: dict[str, object]) -> dict[str, float]:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(job) + "\n")
        self.proc.stdin.flush()
        return json.loads(self.proc.stdout.readline())

    def job(self, path: Path, rule: str, target: int, fmt: str, setting: int) -> tuple[float, int]:
        key = "level" if fmt == "png" else "quality"
        answer = self.ask({"file": str(path), "rule": rule, "target": target, "format": fmt,
                           key: setting})
        return answer["ms"], int(answer["bytes"])

    def close(self) -> None:
        assert self.proc.stdin
        self.proc.stdin.close()
        self.proc.wait(timeout=10)


def p90(values: list[float]) -> float:
    return statistics.quantiles(values, n=10)[-1] if len(values) >= 2 else values[0]


def run_rows(rounds: int) -> list[dict[str, object]]:
    photos = sorted(p for p in PHOTOS.glob("photo-*.jpg"))
    sharp = Sharp()
    cases = [(label, photo, rule, target, fmt, setting)
             for photo in photos for (label, rule, target, fmt, setting) in ROWS]
    times: dict[tuple[str, str], dict[str, list[float]]] = {}
    sizes: dict[tuple[str, str], dict[str, int]] = {}
    for case in cases:  # warm-up: first-use costs (imports, codec set-up) are not the row's
        pinrender_job(*case[1:])
        sharp.job(*case[1:])
    for _ in range(rounds):
        for label, photo, rule, target, fmt, setting in cases:
            key = (label, photo.name)
            slot = times.setdefault(key, {"pinrender": [], "sharp": []})
            for name, runner in (("pinrender", pinrender_job), ("sharp", sharp.job)):
                ms, size = runner(photo, rule, target, fmt, setting)
                slot[name].append(ms)
                sizes.setdefault(key, {})[name] = size
    sharp.close()
    rows = []
    for (label, photo), slot in times.items():
        ours, theirs = statistics.median(slot["pinrender"]), statistics.median(slot["sharp"])
        rows.append({"row": label, "photo": photo, "pinrender": ours,
                     "pinrender_p90": p90(slot["pinrender"]), "sharp": theirs,
                     "sharp_p90": p90(slot["sharp"]), "ratio": ours / theirs,
                     "bytes": sizes[(label, photo)]["pinrender"],
                     "sharp_bytes": sizes[(label, photo)]["sharp"]})
    return rows


# VmHWM, not ru_maxrss: a forked child's ru_maxrss starts at its parent's peak.
RSS_SCRIPT = """
import re, sys
def hwm():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1)) * 1024
from pinrender import transform
base = hwm()
out = transform(sys.argv[1], size="m", format=sys.argv[2])
print(base, hwm(), len(out))
"""


def big_jpeg(folder: Path) -> Path:
    """A 50-megapixel JPEG (8660x5774), generated from the large photo in a child process so
    this one's memory stays small."""
    path = folder / "photo-50mp.jpg"
    script = ("import pyvips, sys; im = pyvips.Image.new_from_file(sys.argv[1]); "
              "im.resize(8660 / im.width, vscale=5774 / im.height).jpegsave(sys.argv[2], Q=85)")
    subprocess.run([sys.executable, "-c", script, str(PHOTOS / "photo-6000x4000.jpg"), str(path)],
                   check=True)
    return path


def peak_rss(path: Path) -> list[tuple[str, float, float]]:
    results = []
    for fmt in ("webp", "jpeg"):
        out = subprocess.run([sys.executable, "-c", RSS_SCRIPT, str(path), fmt], check=True,
                             capture_output=True, text=True).stdout.split()
        base, peak = int(out[0]) / 2**20, int(out[1]) / 2**20
        results.append((f"pinrender size=m {fmt}", base, peak))
    sharp = Sharp()
    sharp.job(path, "short_edge", 640, "webp", 80)
    answer = sharp.ask({"rss": True})
    sharp.close()
    results.append(("sharp short edge 640 webp", answer["base"] / 2**20, answer["hwm"] / 2**20))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    os.environ["VIPS_CONCURRENCY"] = str(args.threads)
    import pyvips

    pyvips.concurrency_set(args.threads)
    rows = run_rows(args.rounds)
    print(f"{'row':22} {'photo':20} {'pinrender ms':>14} {'sharp ms':>14} {'ratio':>6}"
          f" {'pinrender B':>11} {'sharp B':>9}")
    for r in rows:
        print(f"{r['row']:22} {r['photo']:20} {r['pinrender']:7.1f} /{r['pinrender_p90']:5.1f}"
              f" {r['sharp']:7.1f} /{r['sharp_p90']:5.1f} {r['ratio']:6.2f}"
              f" {r['bytes']:11d} {r['sharp_bytes']:9d}")
    ratios = sorted(float(r["ratio"]) for r in rows)  # type: ignore[arg-type]
    print(f"median ratio {statistics.median(ratios):.2f}, worst {ratios[-1]:.2f}"
          f" (median / p90 ms; {args.rounds} rounds; libvips threads {args.threads})")
    with tempfile.TemporaryDirectory() as tmp:
        for label, base, peak in peak_rss(big_jpeg(Path(tmp))):
            print(f"peak RSS {label:28} {peak:7.1f} MB (process after imports: {base:.1f} MB)")


if __name__ == "__main__":
    main()
