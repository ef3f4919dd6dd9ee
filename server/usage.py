"""Usage periods: the calendar months that monthly allowances and credits reset on (UTC)."""

from __future__ import annotations

import time
from datetime import UTC, datetime

RENDERS = "renders"


def month(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime("%Y-%m")


def month_reset(now: float | None = None) -> int:
    """Unix time of the start of next calendar month (UTC): when the allowance resets."""
    d = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return int(nxt.timestamp())
