"""Usage ledgers shared by every API family: calendar months (UTC) for monthly allowances, and
the bytes of live originals an account stores, whichever family stored them."""

from __future__ import annotations

import time
from datetime import UTC, datetime

from ..backends import MetaStore

RENDERS = "renders"
STORAGE = "storage_bytes"  # bytes of live originals, every family's; never reset
FOREVER = "all"  # the period of ledgers that never reset


def month(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime("%Y-%m")


def month_reset(now: float | None = None) -> int:
    """Unix time of the start of next calendar month (UTC): when the allowance resets."""
    d = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return int(nxt.timestamp())


def stored(meta: MetaStore, account_id: int | None, size: int) -> None:
    """Count `size` more bytes of originals (a family without a storage quota stores freely)."""
    if account_id is not None:
        meta.usage.add(account_id, STORAGE, FOREVER, size)


def unstored(meta: MetaStore, account_id: int | None, size: int) -> None:
    """Give back the bytes of an original that is gone."""
    if account_id is not None:
        meta.usage.release(account_id, STORAGE, FOREVER, size)
