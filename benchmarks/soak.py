"""Memory soak: resident memory across many distinct transforms of one large progressive JPEG.

    python benchmarks/soak.py [--iterations 20] [--side 8000] [--concurrent 8] [--gc on|off]
                              [--decode-budget-mb N]

Makes a progressive JPEG of `side` x `side` (64 MP at the default: inside the pixel limits; a
progressive JPEG is the worst case, libjpeg holds every coefficient of the whole image whatever
the shrink-on-load factor) and runs, in this one process:

1. `--iterations` distinct transforms one after another (each a new key: no cache hit), printing
   VmRSS before and after each and the process's peak (VmHWM). With `--gc off` (the default) the
   cyclic garbage collector is disabled, so memory that only a collection would free shows up.
2. `--concurrent` distinct transforms at once from as many threads, printing the peak RSS they
   reached above the starting point (0 skips this part). The renderer's decode budget
   (`Limits.max_decode_bytes`, `--decode-budget-mb`) is what keeps this bounded.
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pinrender

MB = 2**20
OPTIONS: list[dict[str, Any]] = [{"size": s} for s in ("s", "m", "l")] + \
    [{"width": w} for w in (256, 512, 720, 1024, 1500, 2000)]


def status(field: str) -> int:
    """A /proc/self/status memory field (VmRSS, VmHWM) in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak() -> None:
    # Writing 5 to clear_refs resets VmHWM to the current RSS (Linux >= 4.0).
    Path("/proc/self/clear_refs").write_text("5")


def large_jpeg(side: int, folder: Path) -> Path:
    import pyvips

    xy = pyvips.Image.xyz(side, side)
    # Smooth ramps with a little texture: small on disk (as a photo of sky would be), large decoded.
    r = (xy[0] * (255 / side)).cast("uchar")
    g = (xy[1] * (255 / side)).cast("uchar")
    b = ((xy[0] + xy[1]) % 256).cast("uchar")
    image = r.bandjoin([g, b]).copy(interpretation="srgb")
    path = folder / f"progressive-{side}.jpg"
    image.jpegsave(str(path), Q=80, interlace=True)
    return path


def option(i: int) -> dict[str, Any]:
    """The i-th distinct transform: a size rule, a format and a quality."""
    return {**OPTIONS[i % len(OPTIONS)], "format": ("jpeg", "webp")[i // len(OPTIONS) % 2],
            "quality": 60 + i % 40}


def soak(renderer: pinrender.Renderer, path: Path, iterations: int) -> None:
    print("| # | transform | RSS before MB | RSS after MB | peak MB | ms |")
    print("|---|---|---|---|---|---|")
    first_peak = 0
    for i in range(iterations):
        opts = option(i)
        before = status("VmRSS")
        started = time.perf_counter()
        renderer.transform(path, **opts)
        ms = (time.perf_counter() - started) * 1000
        after, peak = status("VmRSS"), status("VmHWM")
        first_peak = first_peak or peak
        label = ", ".join(f"{k}={v}" for k, v in opts.items())
        print(f"| {i + 1} | {label} | {before / MB:.0f} | {after / MB:.0f} | {peak / MB:.0f} | "
              f"{ms:.0f} |")
    print(f"\nfinal RSS {status('VmRSS') / MB:.0f} MB; peak {status('VmHWM') / MB:.0f} MB, "
          f"{(status('VmHWM') - first_peak) / MB:.0f} MB above the first transform's peak")


def concurrent(renderer: pinrender.Renderer, path: Path, n: int) -> None:
    gc.collect()
    start = status("VmRSS")
    reset_peak()
    barrier = threading.Barrier(n)
    errors: list[BaseException] = []

    def one(i: int) -> None:
        barrier.wait()
        try:
            renderer.transform(path, **{**option(100 + i), "quality": 30 + i})
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    budget = getattr(renderer, "decode_budget", None)
    print(f"\n{n} concurrent transforms: RSS at start {start / MB:.0f} MB, peak "
          f"{status('VmHWM') / MB:.0f} MB ({(status('VmHWM') - start) / MB:.0f} MB above start), "
          f"{seconds:.1f} s, errors: {[type(e).__name__ for e in errors] or 'none'}")
    if budget is not None:
        print(f"decode budget {budget.capacity / MB:.0f} MB, high-water {budget.high_water / MB:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("--side", type=int, default=8000)
    parser.add_argument("--concurrent", type=int, default=8)
    parser.add_argument("--gc", choices=("on", "off"), default="off")
    parser.add_argument("--decode-budget-mb", type=int, default=None)
    args = parser.parse_args()
    if args.gc == "off":
        gc.disable()
    limits = pinrender.Limits()
    if args.decode_budget_mb is not None:
        limits = pinrender.Limits(max_decode_bytes=args.decode_budget_mb * MB)  # type: ignore[call-arg]
    with tempfile.TemporaryDirectory() as tmp:
        path = large_jpeg(args.side, Path(tmp))
        print(f"source: {args.side}x{args.side} progressive JPEG, {path.stat().st_size / 1024:.0f} KB; "
              f"gc {args.gc}; RSS at start {status('VmRSS') / MB:.0f} MB\n")
        services = pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts(), limits)
        if args.iterations:
            soak(pinrender.Renderer(services), path, args.iterations)
        if args.concurrent:
            concurrent(pinrender.Renderer(services), path, args.concurrent)


if __name__ == "__main__":
    main()
