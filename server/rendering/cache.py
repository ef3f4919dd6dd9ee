"""A thread-safe LRU of encoded results, bounded by their total size in bytes."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from cachetools import LRUCache


@dataclass(frozen=True)
class Output:
    data: bytes
    media_type: str
    format: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds: fetch, render, encode


def _size(value: Output) -> int:
    return len(value.data) + 256


class OutputCache:
    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._cache: LRUCache[str, Output] = LRUCache(maxsize=max(1, max_bytes), getsizeof=_size)

    def get(self, key: str) -> Output | None:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: str, value: Output) -> None:
        if _size(value) > self.max_bytes:
            return  # one huge result must not flush everything else
        with self._lock:
            self._cache[key] = value

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return int(self._cache.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)
