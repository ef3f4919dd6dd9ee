"""Counter stores on their hot paths: a usage claim (every metered request) and a rolling-window
hit (every authenticated or anonymous request), in memory, SQLite and Redis.

    python benchmarks/counters.py [--ops 3000] [--redis redis://127.0.0.1:6379/15]

One thread, then eight at once (each op on its own account/bucket spread, as requests from many
callers would be). Latency median / p99 in µs; ops/s over the whole run. Redis is the local
Debian package on loopback; its keys go under a prefix of their own and are removed afterwards.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pinrender_server.backends import CounterStore, MemoryCounterStore, SqliteCounterStore  # noqa: E402
from pinrender_server.backends.redis_counters import RedisCounterStore  # noqa: E402

Op = Callable[[CounterStore, int], object]


def claim(store: CounterStore, i: int) -> object:
    return store.usage.claim(i % 50, "renders", "2026-11", 1, 10**12)


def hit(store: CounterStore, i: int) -> object:
    # A limit no run reaches, so every hit is recorded (the costlier branch).
    return store.ratelimits.hit(f"key:{i % 50}", 10**9, 3600, time.time())


def run(store: CounterStore, op: Op, ops: int, threads: int) -> tuple[list[float], float]:
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = ops // threads
    barrier = threading.Barrier(threads + 1)

    def worker(offset: int) -> None:
        mine = []
        barrier.wait()
        for n in range(per_thread):
            t = time.perf_counter()
            op(store, offset + n)
            mine.append(time.perf_counter() - t)
        with lock:
            latencies.extend(mine)

    pool = [threading.Thread(target=worker, args=(k * per_thread,)) for k in range(threads)]
    for thread in pool:
        thread.start()
    barrier.wait()
    start = time.perf_counter()
    for thread in pool:
        thread.join()
    return latencies, len(latencies) / (time.perf_counter() - start)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f}" if seconds < 1e-5 else f"{seconds * 1e6:.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ops", type=int, default=3000)
    parser.add_argument("--redis", default="redis://127.0.0.1:6379/15")
    args = parser.parse_args()

    folder = tempfile.TemporaryDirectory()
    redis_store = RedisCounterStore(args.redis, prefix=f"bench:{uuid.uuid4().hex}:")
    stores: dict[str, CounterStore] = {
        "memory": MemoryCounterStore(),
        "sqlite (own file, WAL)": SqliteCounterStore.open(str(Path(folder.name) / "counters.db")),
        "redis (loopback)": redis_store,
    }
    print(f"{args.ops} ops per row; latency median / p99 µs\n")
    print("| store | operation | threads | median µs | p99 µs | ops/s |")
    print("|---|---|---|---|---|---|")
    try:
        for name, store in stores.items():
            for label, op in (("claim", claim), ("rolling-window hit", hit)):
                run(store, op, min(300, args.ops), 1)  # warm up: connections, scripts, pages
                for threads in (1, 8):
                    latencies, rate = run(store, op, args.ops, threads)
                    print(f"| {name} | {label} | {threads} | {us(statistics.median(latencies))} "
                          f"| {us(percentile(latencies, 0.99))} | {rate:,.0f} |")
    finally:
        keys = list(redis_store.client.scan_iter(match=f"{redis_store.prefix}*"))
        if keys:
            redis_store.client.delete(*keys)
        for store in stores.values():
            store.close()
        folder.cleanup()


if __name__ == "__main__":
    main()
