"""What `/metrics` shows, in the Prometheus text format (prometheus-client), defined in one place
and updated by the code that does the work.

With `pinrender serve --workers N` every process writes its samples to
`PROMETHEUS_MULTIPROC_DIR` (the CLI sets it to `<data dir>/metrics`), and `/metrics` in any process
answers the sum over all of them.
"""

from __future__ import annotations

import os

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client import multiprocess as _multiprocess

REQUESTS = Counter("pinrender_http_requests_total", "HTTP requests answered",
                   ["family", "method", "status"])
REQUEST_SECONDS = Histogram("pinrender_http_request_seconds", "Time to answer a request",
                            ["family"], buckets=(.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30))
RENDERS = Counter("pinrender_renders_total", "Renders run (outputs not found in any cache)")
CACHE_LOOKUPS = Counter("pinrender_cache_lookups_total", "Output lookups, by where they ended",
                        ["result"])  # memory | stored | miss
RENDER_QUEUE = Gauge("pinrender_render_queue_depth", "Renders submitted and not yet finished",
                     multiprocess_mode="livesum")
CREDITS_CLAIMED = Counter("pinrender_ai_credits_claimed_total", "AI credits claimed before the work")
CREDITS_REFUNDED = Counter("pinrender_ai_credits_refunded_total", "AI credits given back on failure")
JOBS_FINISHED = Counter("pinrender_jobs_finished_total", "Background jobs finished",
                        ["kind", "status"])
BACKEND_SECONDS = Histogram("pinrender_backend_check_seconds",
                            "Round trip of a readiness check to each backend", ["backend"],
                            buckets=(.0005, .001, .0025, .005, .01, .025, .05, .1, .25, 1, 5))


def exposition() -> tuple[bytes, str]:
    """The metrics of this process, or of every process sharing the multiprocess directory."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        _multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(), CONTENT_TYPE_LATEST
