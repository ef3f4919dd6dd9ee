"""Counters and limits: the `CounterStore`, a concern of its own apart from the records.

Two kinds of counting, both exact under concurrency and across processes sharing the store:
usage ledgers per (account, metric, period) — monthly renders, uploads, stored bytes, AI credits —
spent only within a limit; and sliding-window logs per bucket for rolling-hour request limits.

Every `MetaStore` has counters of its own (`meta.counters`), in its own transactions, which is what
lets an upload's row and its quota claims commit together. `PINRENDER_COUNTERS` may put them
elsewhere (`memory://` for one process; a separate database; Redis later); then the media ingest
claims first and gives the claims back when the row is not written (server/services/media.py).
"""

from __future__ import annotations

from typing import Protocol

from .records import RateHit


class StoreUnavailable(Exception):
    """The store could not be reached (a networked backend down, a timeout). Raised instead of a
    driver's own error, so the app answers 503 and never lets metered work run unmetered.
    `backend` says which: "counters", "blobs" or "database"."""

    def __init__(self, message: str, *, backend: str = "counters") -> None:
        super().__init__(message)
        self.backend = backend


class UsageRepo(Protocol):
    """Counters per (account, metric, period). `claim` is the only way to spend against a limit."""

    def get(self, account_id: int, metric: str, period: str) -> int: ...

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int: ...

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        """Add `amount` only if the total stays within `limit`; atomic under concurrency."""
        ...

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None:
        """Take `amount` back, never below zero."""
        ...


class RateLimitRepo(Protocol):
    """Sliding-window logs per bucket (`key:…`, `ip:…`, `email:…`): a true rolling window."""

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        """Record a hit at `now` if fewer than `limit` hits lie in (now - window, now]; atomic
        under concurrency. A refused hit is not recorded."""
        ...

    def usage(self, bucket: str, window_seconds: float, now: float) -> int: ...

    def reset(self, bucket: str) -> None: ...

    def prune(self, before: float) -> int:
        """Forget hits at or before `before` in every bucket (housekeeping); returns how many."""
        ...


class CounterStore(Protocol):
    @property
    def usage(self) -> UsageRepo: ...

    @property
    def ratelimits(self) -> RateLimitRepo: ...

    def close(self) -> None: ...
