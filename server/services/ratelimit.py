"""Sliding-window rate limits over the metadata store: `hit(bucket, limit, window)`.

    limiter = RateLimiter(ctx.counters)
    decision = limiter.hit(f"key:{key.id}", 1000, 3600)
    if not decision.allowed: ... 429, decision.headers()

A true rolling window (a log of admitted hits), not fixed clock buckets: the limit holds over every
window of `window_seconds`, and it is exact under concurrency because the store checks and records a
hit in one transaction. Buckets are free-form strings; prefix them by kind (`key:`, `ip:`, `email:`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..backends import CounterStore

Clock = Callable[[], float]


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset_at: float  # unix time when the next slot frees (now + window when nothing is used)
    checked_at: float | None = None  # the limiter's clock at the hit: Retry-After counts from it

    def retry_after(self, now: float) -> int:
        """Whole seconds until a slot frees, at least 1."""
        return max(1, math.ceil(self.reset_at - now))

    def headers(self, now: float | None = None) -> dict[str, str]:
        """`X-RateLimit-*`; Reset is a unix time in seconds (as GitHub and seed 001 use it)."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(math.ceil(self.reset_at)),
        }
        if not self.allowed:
            now = now if now is not None else self.checked_at
            now = time.time() if now is None else now
            headers["Retry-After"] = str(max(1, math.ceil(self.reset_at - now)))
        return headers


class RateLimiter:
    def __init__(self, counters: CounterStore, clock: Clock = time.time) -> None:
        self.counters = counters
        self.clock = clock

    def hit(self, bucket: str, limit: int, window_seconds: float,
            now: float | None = None) -> Decision:
        if limit < 0 or window_seconds <= 0:
            raise ValueError("limit must be >= 0 and window_seconds > 0")
        now = self.clock() if now is None else now
        result = self.counters.ratelimits.hit(bucket, limit, window_seconds, now)
        oldest = result.oldest_at if result.oldest_at is not None else now
        return Decision(allowed=result.allowed, limit=limit,
                        remaining=max(0, limit - result.used), reset_at=oldest + window_seconds,
                        checked_at=now)


def hit(counters: CounterStore, bucket: str, limit: int, window_seconds: float,
        now: float | None = None) -> Decision:
    """One hit on `bucket` with the wall clock (or `now`)."""
    return RateLimiter(counters).hit(bucket, limit, window_seconds, now)


HOUR = 3600.0


def limiter_for(app: Any) -> RateLimiter:
    """The app's limiter, kept on `app.state` so tests can swap in one with their own clock."""
    found: RateLimiter | None = getattr(app.state, "ratelimiter", None)
    if found is None:
        found = RateLimiter(app.state.ctx.counters)
        app.state.ratelimiter = found
    return found
