"""The AI pipeline's two promises, measured on a real `pinrender serve`:

    python benchmarks/ai.py [--jobs 40] [--concurrency 8] [--workers 2,4]

1. `POST /api/images/ai/process` answers at once (seed 000: "typically < 200 ms") even while the
   background jobs it queued are running: p50 / p99 at `--concurrency` callers.
2. The worker pool, not the request path, bounds throughput: jobs completed per minute with the
   offline backend, and with an OpenAI-compatible fake provider that takes 2 s per image (the
   ceiling is then workers x 30 jobs/min).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402 (after the path set-up)

from pinrender_server.backends import SqliteMetaStore  # noqa: E402
from pinrender_server.services.accounts import issue_key  # noqa: E402
from tests.server.backends.ai.fake_openai import FakeOpenAI  # noqa: E402
from tests.server.process import serving  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run(label: str, env: dict[str, str], jobs: int, concurrency: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        meta = SqliteMetaStore(str(data / "pinrender.db"))
        secret = issue_key(meta, "bench@example.com", plan="agency").secret
        meta.close()
        settings = {"PINRENDER_PLANS__AGENCY__MONTHLY_CREDITS": "1000000",
                    "PINRENDER_PLANS__AGENCY__MAX_IMAGES": "1000000",
                    "PINRENDER_PLANS__AGENCY__HOURLY_REQUESTS": "1000000",
                    "PINRENDER_JOBS__MAX_OPEN_PER_ACCOUNT": str(jobs + 1),
                    "PINRENDER_JOBS__POLL_SECONDS": "0.2", **env}
        with serving(data, settings) as server, httpx.Client(
                base_url=server.base, headers={"Authorization": f"Bearer {secret}"}, timeout=30) as client:
            body = {"prompt": "a lighthouse on a cliff at dusk", "model": "mini", "quality": "low",
                    "detect_hotspots": env.get("PINRENDER_AI__BACKEND") != "openai"}

            def submit(_: int) -> tuple[float, int]:
                started = time.perf_counter()
                r = client.post("/api/images/ai/process", json=body)
                assert r.status_code == 202, r.text
                return time.perf_counter() - started, int(r.json()["data"]["job_id"])

            began = time.perf_counter()
            with concurrent.futures.ThreadPoolExecutor(concurrency) as pool:
                answers = list(pool.map(submit, range(jobs)))
            pending = {job_id for _, job_id in answers}
            while pending:
                for job_id in list(pending):
                    status = client.get(f"/api/articles/process/{job_id}").json()["data"]["status"]
                    if status in ("completed", "failed"):
                        assert status == "completed", job_id
                        pending.discard(job_id)
                time.sleep(0.2)
            elapsed = time.perf_counter() - began
    latencies = [ms * 1000 for ms, _ in answers]
    return {"label": label, "p50": statistics.median(latencies), "p99": percentile(latencies, 0.99),
            "per_minute": jobs / elapsed * 60, "elapsed": elapsed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--jobs", type=int, default=40)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--workers", default="2,4", help="job workers per run, comma-separated")
    args = parser.parse_args()
    rows = []
    for workers in [int(w) for w in args.workers.split(",")]:
        rows.append(run(f"offline, {workers} workers",
                        {"PINRENDER_JOBS__WORKERS": str(workers)}, args.jobs, args.concurrency))
    with FakeOpenAI() as fake:
        fake.default, fake.delay = "slow", 2.0
        for workers in [int(w) for w in args.workers.split(",")]:
            env = {"PINRENDER_JOBS__WORKERS": str(workers), "PINRENDER_AI__BACKEND": "openai",
                   "PINRENDER_AI__BASE_URL": fake.url, "PINRENDER_AI__API_KEY": "bench",
                   "PINRENDER_AI__IMAGE_SIZES": "exact"}
            row = run(f"provider 2 s/image, {workers} workers", env, args.jobs, args.concurrency)
            row["ceiling"] = workers * 30
            rows.append(row)
    print(f"ai/process: {args.jobs} jobs submitted by {args.concurrency} concurrent callers "
          f"({os.cpu_count()} cores)\n")
    print("| backend | answer p50 / p99 ms | jobs per minute | pool ceiling | all done in s |")
    print("|---|---|---|---|---|")
    for r in rows:
        ceiling = f"{r['ceiling']}" if "ceiling" in r else "CPU"
        print(f"| {r['label']} | {r['p50']:.1f} / {r['p99']:.1f} | {r['per_minute']:.1f} | "
              f"{ceiling} | {r['elapsed']:.1f} |")


if __name__ == "__main__":
    main()
