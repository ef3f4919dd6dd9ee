"""The render graph: immutable nodes with content keys, and the executor that runs them.

A node is a frozen dataclass. Its fields are either other nodes (its inputs) or plain,
JSON-able parameters. Its content key hashes its kind, its parameters and its inputs' keys, so the
key of a whole render is known before any pixel exists, and two nodes with the same key produce
the same value: the executor may reuse a cached value in place of running a node.
"""

from __future__ import annotations

import hashlib
import json
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar

from cachetools import LRUCache

from ._budget import ByteBudget, Reservation, decode_budget
from ._errors import DecodeError, LimitError, PinrenderError, RenderError, RenderTimeout

KEY_LENGTH = 24  # hex characters: 96 bits


def digest(*parts: bytes | str) -> str:
    """The content key of `parts` (public as `pinrender.content_key`): 24 hex characters, with
    each part's length hashed in, so no two different lists of parts can run together."""
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
    # What an unexpected library error while running becomes (see `node_error`): kinds that
    # pull a source's pixels say DecodeError, since that is where a damaged file shows itself.
    failure: ClassVar[type[PinrenderError]] = RenderError

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
    """What nodes may use while running: services (loader, fonts, limits), the cache, the
    deadline, the decode budget, and counters."""

    services: Any
    cache: ResultCache | None = None
    runs: Counter[str] = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=lambda: defaultdict(float))  # s by kind
    deadline: float | None = None  # time.monotonic() by which the execution must end
    timeout: float | None = None  # the seconds that deadline stands for, for the message
    # Decode memory held by this execution; the executor gives it back as pixels are released.
    reservations: list[Reservation] = field(default_factory=list)

    def check_deadline(self) -> None:
        if self.deadline is not None and time.monotonic() > self.deadline:
            limit = f"{self.timeout:g} s" if self.timeout is not None else "its deadline"
            raise RenderTimeout(f"render took longer than {limit}")

    @property
    def decode_budget(self) -> ByteBudget:
        return decode_budget(self.services.limits.max_decode_bytes)

    def reserve(self, nbytes: int) -> None:
        """Hold `nbytes` of the process's decode budget for pixels about to be decoded.

        Waits for room until the deadline, unless this execution already holds some: waiting
        while holding could leave two renders each waiting for the other.
        """
        held = any(r.held for r in self.reservations)
        self.reservations.append(self.decode_budget.acquire(nbytes, deadline=self.deadline,
                                                            wait=not held))


def _is_lazy(value: Any) -> bool:
    """Whether `value` is a libvips image: a lazy pipeline that reads its sources when pulled,
    often from a sequential decoder that can be read once only."""
    pyvips = sys.modules.get("pyvips")  # no pyvips imported, no pyvips values
    return pyvips is not None and isinstance(value, pyvips.Image)


def shareable(value: Any) -> Any:
    """`value` in a form any number of consumers may read in any order. Pillow images and bytes
    already are (nodes never draw into their inputs); a lazy libvips image is rendered into
    memory once, which costs no more than the random-access decode it would otherwise need."""
    return value.copy_memory() if _is_lazy(value) else value


@dataclass
class _Step:
    """A node to run, and how many consumers in this execution still have to read its value."""

    node: Node
    readers: int = 0


@dataclass
class _Entry:
    """A value in the memo, the consumers still to read it, and the decode memory it keeps
    in use (a lazy image keeps its whole pipeline's, back to the decode)."""

    value: Any
    readers: int
    holds: list[Reservation]


def _schedule(root: Node, cache: ResultCache | None,
              memo: dict[str, _Entry]) -> list[_Step]:
    """The nodes that must run, inputs first, with their readers counted. Cache hits go into
    `memo` now (they are not looked up again, so eviction meanwhile cannot lose one) and their
    inputs are not visited at all."""
    steps: dict[str, _Step] = {}
    order: list[_Step] = []
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, expanded = stack.pop()
        key = node.key
        if expanded:
            order.append(steps[key])
            continue
        if key in steps or key in memo:
            continue
        hit = cache.get(key) if node.cacheable and cache is not None else None
        if hit is not None:
            memo[key] = _Entry(hit, 0, [])
            continue
        steps[key] = _Step(node)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node.inputs()))
    for step in order:
        for child in step.node.inputs():
            if child.key in steps:
                steps[child.key].readers += 1
            else:
                memo[child.key].readers += 1
    return order


def execute(root: Node, ctx: ExecutionContext) -> Any:
    """Run `root`, reusing values already computed in this run or held in the cache.

    Values are dropped as soon as their last consumer has read them, and the memo and every
    decode reservation are released when the execution ends, however it ends: no pixel buffer
    outlives the call (nothing here forms a reference cycle that only the garbage collector
    could break). Unexpected library errors come out as pinrender errors (see `node_error`).
    """
    memo: dict[str, _Entry] = {}
    try:
        for step in _schedule(root, ctx.cache, memo):
            _run(step, ctx, memo)
        entry = memo.pop(root.key)
        return entry.value
    finally:
        memo.clear()
        for reservation in ctx.reservations:
            reservation.release()
        ctx.reservations.clear()


def _run(step: _Step, ctx: ExecutionContext, memo: dict[str, _Entry]) -> None:
    node = step.node
    inputs = [memo[child.key] for child in node.inputs()]
    values = [entry.value for entry in inputs]
    ctx.check_deadline()
    held_before = len(ctx.reservations)
    started = time.perf_counter()
    try:
        value = node.run(ctx, *values)
    except PinrenderError:
        raise
    except Exception as exc:
        error = node_error(node, exc)
        if error is None:
            raise
        raise error from exc
    finally:
        del values
    ctx.timings[node.kind] += time.perf_counter() - started
    ctx.runs[node.kind] += 1
    holds = ctx.reservations[held_before:]
    if _is_lazy(value):
        holds += [r for entry in inputs for r in entry.holds]
    cached = node.cacheable and ctx.cache is not None
    if step.readers > 1 or cached:
        value = shareable(value)
    if cached:
        ctx.cache.put(node.key, value)  # type: ignore[union-attr]
    memo[node.key] = _Entry(value, step.readers, holds)
    for child, entry in zip(node.inputs(), inputs):
        entry.readers -= 1
        if entry.readers <= 0 and memo.get(child.key) is entry:
            del memo[child.key]
            _release_unheld(entry, memo)


def _release_unheld(dropped: _Entry, memo: dict[str, _Entry]) -> None:
    """Give back the decode memory of a dropped value that no value still in the memo keeps."""
    if not dropped.holds:
        return
    still = {id(r) for entry in memo.values() for r in entry.holds}
    for reservation in dropped.holds:
        if id(reservation) not in still:
            reservation.release()


def node_error(node: Node, exc: Exception) -> PinrenderError | None:
    """The pinrender error an unexpected library error of `node` stands for, or None for an
    error that is a bug here (TypeError, KeyError...) and must surface as one.

    libvips decodes lazily, so a damaged source fails wherever its pixels are first pulled;
    a node kind says through `failure` whether its failures are its source's or its own.
    """
    from PIL import Image

    if isinstance(exc, Image.DecompressionBombError):
        return LimitError(f"{node.kind}: {exc}")
    pyvips = sys.modules.get("pyvips")
    if pyvips is not None and isinstance(exc, pyvips.Error):
        from ._codecs.vips import vips_message

        detail = vips_message(exc)
    elif isinstance(exc, (OSError, ValueError)):
        detail = str(exc) or type(exc).__name__
    else:
        return None
    if issubclass(node.failure, DecodeError):
        return node.failure(f"cannot decode the image ({node.kind}): {detail}")
    return node.failure(f"the {node.kind} step failed: {detail}")
