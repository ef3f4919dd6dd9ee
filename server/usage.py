"""Usage periods and limits: the monthly render allowance and the rolling-hour request ceiling."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

from .storage import MetaStore

RENDERS = "renders"
REQUESTS = "requests"


def month(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime("%Y-%m")


def month_reset(now: float | None = None) -> int:
    """Unix time of the start of next calendar month (UTC): when the allowance resets."""
    d = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return int(nxt.timestamp())


def _hour(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H")


@dataclass(frozen=True)
class HourlyCount:
    used: int
    limit: int
    reset_in: int  # seconds until the current hour window rolls over

    @property
    def exceeded(self) -> bool:
        return self.used > self.limit


def count_request(meta: MetaStore, account_id: int, limit: int, now: float | None = None) -> HourlyCount:
    """Count one request and estimate the rolling-hour total.

    A sliding-window estimate (this hour's count plus the previous hour's, weighted by how much of it
    is still inside the last 60 minutes) tracks a true rolling hour within a few percent, at the cost
    of two counters instead of a timestamp per request.
    """
    now = time.time() if now is None else now
    current = meta.usage.add(account_id, REQUESTS, _hour(now))
    previous = meta.usage.get(account_id, REQUESTS, _hour(now - 3600))
    into_hour = now % 3600
    estimate = current + int(previous * (1 - into_hour / 3600))
    return HourlyCount(used=estimate, limit=limit, reset_in=int(3600 - into_hour) + 1)
