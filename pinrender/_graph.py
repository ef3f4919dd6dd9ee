"""The render graph: immutable nodes with content keys, and the executor that runs them.

A node is a frozen dataclass. Its fields are either other nodes (its inputs) or plain,
JSON-able parameters. Its content key hashes its kind, its parameters and its inputs' keys, so the
key of a whole render is known before any pixel exists, and two nodes with the same key produce
the same value: the executor may reuse a cached value in place of running a node.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from cachetools import LRUCache

KEY_LENGTH = 24  # hex characters: 96 bits


def digest(*parts: bytes | str) -> str:
    h = hashlib.blake2b(digest_size=KEY_LENGTH // 2)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)
    return h.hexdigest()


def _canonical(value: Any) -> Any:
    """Parameters as plain JSON, so equal parameters hash equally whatever their Python type."""
    if isinstance(value, Node):
        return {"node": value.key}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in sorted(value.items())}
    if hasattr(value, "model_dump"):
        return _canonical(value.model_dump(mode="json"))
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _canonical(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass(frozen=True)
class Node:
    """Base class of every node kind. Subclasses set `kind` and implement `run`."""

    kind: ClassVar[str] = "node"
    # Cheap or lazy results (file bytes, lazy libvips images) are not worth keeping in the cache.
    cacheable: ClassVar[bool] = True

    def inputs(self) -> tuple[Node, ...]:
        found: list[Node] = []
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Node):
                found.append(value)
            elif isinstance(value, tuple):
                found.extend(v for v in value if isinstance(v, Node))
        return tuple(found)

    @property
    def key(self) -> str:
        cached = self.__dict__.get("_key")
        if cached is None:
            params = {f.name: _canonical(getattr(self, f.name)) for f in fields(self)}
            cached = digest(self.kind, json.dumps(params, sort_keys=True, separators=(",", ":")))
            object.__setattr__(self, "_key", cached)
        return cached

    def run(self, ctx: ExecutionContext, *inputs: Any) -> Any:
        raise NotImplementedError


def value_size(value: Any) -> int:
    """Approximate bytes a cached value holds."""
    if isinstance(value, (bytes, bytearray)):
        return len(value)
    size = getattr(value, "size", None)
    mode = getattr(value, "mode", None)
    if isinstance(size, tuple) and isinstance(mode, str):  # a Pillow image
        return size[0] * size[1] * max(1, len(mode))
    nbytes = getattr(value, "nbytes", None)
    if isinstance(nbytes, int):
        return nbytes
    return 1024


class ResultCache:
    """A thread-safe LRU of values, bounded by their total size in bytes."""

    def __init__(self, max_bytes: int, sizeof: Callable[[Any], int] = value_size) -> None:
        self._lock = threading.Lock()
        self._sizeof = sizeof
        self._cache: LRUCache[str, Any] = LRUCache(maxsize=max(1, max_bytes), getsizeof=sizeof)

    def get(self, key: str) -> Any | None:
        with self._lock:
            return self._cache.get(key)

    def put(self, key: str, value: Any) -> None:
        if self._sizeof(value) > self._cache.maxsize:
            return  # one huge value must not flush everything else
        with self._lock:
            self._cache[key] = value

    def discard(self, key: str) -> None:
        with self._lock:
            self._cache.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._cache.clear()

    @property
    def bytes_used(self) -> int:
        with self._lock:
            return int(self._cache.currsize)

    def __len__(self) -> int:
        with self._lock:
            return len(self._cache)


@dataclass
class ExecutionContext:
    """What nodes may use while running: services (loader, fonts, limits) and counters."""

    services: Any
    cache: ResultCache | None = None
    runs: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # s by kind
    check_deadline: Callable[[], None] = lambda: None


def execute(root: Node, ctx: ExecutionContext) -> Any:
    """Run `root`, reusing values already computed in this run or held in the cache."""
    import time

    memo: dict[str, Any] = {}

    def visit(node: Node) -> Any:
        key = node.key
        if key in memo:
            return memo[key]
        if node.cacheable and ctx.cache is not None:
            hit = ctx.cache.get(key)
            if hit is not None:
                memo[key] = hit
                return hit
        values = [visit(child) for child in node.inputs()]
        ctx.check_deadline()
        started = time.perf_counter()
        value = node.run(ctx, *values)
        ctx.timings[node.kind] += time.perf_counter() - started
        ctx.runs[node.kind] += 1
        if node.cacheable and ctx.cache is not None:
            ctx.cache.put(key, value)
        memo[key] = value
        return value

    return visit(root)
