"""Counters in this process's memory (`PINRENDER_COUNTERS=memory://`): for tests and for a single
process that does not need its counts to survive a restart. Exact under threads (one lock); not
shared between processes, so never the choice for `pinrender serve --workers N`."""

from __future__ import annotations

import threading
from collections import defaultdict, deque

from .records import RateHit


class MemoryUsage:
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._counts: dict[tuple[int, str, str], int] = defaultdict(int)

    def get(self, account_id: int, metric: str, period: str) -> int:
        with self._lock:
            return self._counts.get((account_id, metric, period), 0)

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int:
        with self._lock:
            self._counts[(account_id, metric, period)] += amount
            return self._counts[(account_id, metric, period)]

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        with self._lock:
            key = (account_id, metric, period)
            if self._counts.get(key, 0) + amount > limit:
                return False
            self._counts[key] += amount
            return True

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None:
        with self._lock:
            key = (account_id, metric, period)
            if key in self._counts:
                self._counts[key] = max(0, self._counts[key] - amount)


class MemoryRateLimits:
    def __init__(self, lock: threading.Lock) -> None:
        self._lock = lock
        self._hits: dict[str, deque[float]] = {}

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        with self._lock:
            log = self._hits.setdefault(bucket, deque())
            while log and log[0] <= now - window_seconds:
                log.popleft()
            allowed = len(log) < limit
            if allowed:
                log.append(now)
            return RateHit(allowed=allowed, used=len(log), oldest_at=log[0] if log else None)

    def usage(self, bucket: str, window_seconds: float, now: float) -> int:
        with self._lock:
            return sum(1 for at in self._hits.get(bucket, ()) if at > now - window_seconds)

    def reset(self, bucket: str) -> None:
        with self._lock:
            self._hits.pop(bucket, None)

    def prune(self, before: float) -> int:
        with self._lock:
            removed = 0
            for bucket, log in list(self._hits.items()):
                while log and log[0] <= before:
                    log.popleft()
                    removed += 1
                if not log:
                    del self._hits[bucket]
            return removed


class MemoryCounterStore:
    def __init__(self) -> None:
        lock = threading.Lock()
        self.usage = MemoryUsage(lock)
        self.ratelimits = MemoryRateLimits(lock)

    def close(self) -> None:
        pass
