"""A thread-safe LRU of encoded results, bounded by their total size in bytes."""

from __future__ import annotations

from dataclasses import dataclass, field

from pinrender import ResultCache


@dataclass(frozen=True)
class Output:
    data: bytes
    media_type: str
    format: str
    timings: dict[str, float] = field(default_factory=dict)  # seconds: fetch, render, encode


def _size(value: Output) -> int:
    return len(value.data) + 256


class OutputCache(ResultCache):
    """Encoded results by key, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(max_bytes, sizeof=_size)
