"""Runs renders off the event loop: bounded, deduplicated and timed.

- A fixed thread pool caps concurrent renders; at most `queue` more wait for a thread. Beyond that
  `run` raises `Busy` at once (the route answers 503 + Retry-After) rather than queueing unbounded.
- Identical concurrent requests (same key) share one job: single-flight.
- Each waiter gives up after `timeout`. The thread cannot be killed, so a slot stays taken until its
  job really ends: admission counts running jobs, not waiters, and memory stays bounded.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from .. import metrics

T = TypeVar("T")


class Busy(Exception):
    """Every worker is busy and the queue is full."""


class Timeout(Exception):
    """The job did not finish within the per-render timeout."""


class RenderPool(Generic[T]):
    def __init__(self, workers: int, queue: int, timeout: float) -> None:
        self.workers = workers
        self.capacity = workers + queue
        self.timeout = timeout
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="render")
        self._inflight: dict[str, asyncio.Future[T]] = {}
        self.pending = 0  # submitted jobs whose thread has not finished
        self.jobs = 0  # jobs ever started: each is one real render
        self.shared = 0  # waiters that joined another request's job

    async def run(self, key: str, fn: Callable[[], T]) -> tuple[T, bool]:
        """Run `fn` (or join the job already running for `key`); return (value, started_here)."""
        fut = self._inflight.get(key)
        leader = fut is None
        if fut is None:
            if self.pending >= self.capacity:
                raise Busy()
            self.pending += 1
            self.jobs += 1
            metrics.RENDER_QUEUE.inc()
            metrics.RENDERS.inc()
            loop = asyncio.get_running_loop()
            fut = loop.run_in_executor(self._executor, fn)
            self._inflight[key] = fut
            fut.add_done_callback(functools.partial(self._finished, key))
        else:
            self.shared += 1
        try:
            # shield: a waiter that times out or disconnects must not cancel the shared job.
            return await asyncio.wait_for(asyncio.shield(fut), self.timeout), leader
        except TimeoutError:
            raise Timeout() from None

    def _finished(self, key: str, fut: asyncio.Future[Any]) -> None:
        self.pending -= 1
        metrics.RENDER_QUEUE.dec()
        if self._inflight.get(key) is fut:
            del self._inflight[key]
        if not fut.cancelled():
            fut.exception()  # mark retrieved: nobody may be waiting any more

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
