"""The decode budget: a semaphore counted in bytes, shared by every decode in the process.

A worker count bounds how many renders run at once, not how much memory they take: one 64 MP
progressive JPEG holds ~200-400 MB of coefficients while it decodes, whatever the output size.
So each decode reserves its estimated size (from the header) before it starts and gives it back
when its pixels are released, and decodes that do not fit wait, first come first served, until
the render's deadline.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from functools import cache

from ._errors import RenderTimeout


class Reservation:
    """Bytes held from a budget; `release` gives them back (once, however often it is called)."""

    __slots__ = ("_budget", "nbytes")

    def __init__(self, budget: ByteBudget, nbytes: int) -> None:
        self._budget: ByteBudget | None = budget
        self.nbytes = nbytes

    @property
    def held(self) -> bool:
        return self._budget is not None and self.nbytes > 0

    def release(self) -> None:
        budget, self._budget = self._budget, None
        if budget is not None:
            budget._give_back(self.nbytes)


class ByteBudget:
    """`capacity` bytes shared by threads; `acquire(n)` waits until `n` fit.

    Attributes, for monitoring and tests:
        capacity    the configured bytes
        in_use      bytes reserved now
        high_water  the most bytes ever reserved at once (over `capacity` only for a request
                    larger than the whole budget, which runs alone, or for an execution that
                    already held some budget, see `acquire`)
        waits       how many requests had to wait
    """

    def __init__(self, capacity: int) -> None:
        if capacity < 1:
            raise ValueError("a byte budget needs a capacity of at least 1 byte")
        self.capacity = capacity
        self.in_use = 0
        self.high_water = 0
        self.waits = 0
        self._cond = threading.Condition()
        self._queue: deque[object] = deque()  # waiting requests, served in order

    def acquire(self, nbytes: int, *, deadline: float | None = None,
                wait: bool = True) -> Reservation:
        """Reserve `nbytes`, waiting (until `deadline`, a `time.monotonic()` value) for room.

        A request larger than the capacity is granted once nothing else is held: it runs alone.
        With `wait=False` the bytes are taken at once, fitting or not: a caller that already
        holds budget must not wait for more, or two such callers would wait for each other.
        """
        nbytes = max(0, int(nbytes))
        with self._cond:
            if wait and (self._queue or not self._fits(nbytes)):
                self._wait_turn(nbytes, deadline)
            self.in_use += nbytes
            self.high_water = max(self.high_water, self.in_use)
        return Reservation(self, nbytes)

    def _fits(self, nbytes: int) -> bool:
        return self.in_use == 0 or self.in_use + nbytes <= self.capacity

    def _wait_turn(self, nbytes: int, deadline: float | None) -> None:
        ticket = object()
        self._queue.append(ticket)
        self.waits += 1
        try:
            while not (self._queue[0] is ticket and self._fits(nbytes)):
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    raise RenderTimeout(f"the render's deadline passed while waiting for "
                                        f"{nbytes} bytes of decode memory")
                self._cond.wait(remaining)
        finally:
            self._queue.remove(ticket)
            self._cond.notify_all()  # the next in line may fit now

    def _give_back(self, nbytes: int) -> None:
        with self._cond:
            self.in_use -= nbytes
            self._cond.notify_all()


@cache
def decode_budget(capacity: int) -> ByteBudget:
    """The process's budget for `capacity` bytes: every renderer configured with the same
    `Limits.max_decode_bytes` shares one."""
    return ByteBudget(capacity)
