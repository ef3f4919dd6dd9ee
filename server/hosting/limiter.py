"""Rolling-window request limits for the hosting family (keys per email/IP, anonymous uploads).

One small function, so the backend can change without touching handlers: the metadata store's
sliding-window log when it has one (exact rolling windows), else fixed windows counted with the
usage ledger's atomic `claim`.
"""

from __future__ import annotations

import math
import time
import zlib
from dataclasses import dataclass

from ..storage import MetaStore

GLOBAL_ACCOUNT = 0  # usage rows not tied to an account (buckets by email or IP)


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: int  # Unix time when a slot frees (rolling) or the window ends (fixed)

    def retry_after(self, now: float) -> int:
        return max(1, math.ceil(self.reset_at - now))


def hit(meta: MetaStore, bucket: str, limit: int, window: float, now: float | None = None
        ) -> Decision:
    now = time.time() if now is None else now
    rates = getattr(meta, "ratelimits", None)
    if rates is not None:
        h = rates.hit(bucket, limit, window, now)
        reset = (h.oldest_at if h.oldest_at is not None else now) + window
        return Decision(h.allowed, limit, max(0, limit - h.used), math.ceil(reset))
    start = int(now // window * window)
    period = f"{bucket}@{start}"
    # The usage ledger keys on (account, metric, period): a stable metric per bucket family keeps
    # its rows apart from account metrics.
    metric = f"rl:{zlib.crc32(bucket.encode()) % 997}"
    allowed = meta.usage.claim(GLOBAL_ACCOUNT, metric, period, 1, limit)
    used = meta.usage.get(GLOBAL_ACCOUNT, metric, period)
    return Decision(allowed, limit, max(0, limit - used), math.ceil(start + window))
