"""`services.ratelimit`: the limiter's decisions and headers over any counter store."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinrender_server.backends import MemoryCounterStore
from pinrender_server.services.ratelimit import RateLimiter

T0 = 1_800_000_000.0


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_limiter_decision_and_headers() -> None:
    store = MemoryCounterStore()
    clock = Clock(T0)
    limiter = RateLimiter(store, clock=clock)
    first = limiter.hit("key:1", 2, 3600)
    assert (first.allowed, first.limit, first.remaining, first.reset_at) == (True, 2, 1, T0 + 3600)
    clock.now += 600
    second = limiter.hit("key:1", 2, 3600)
    assert (second.allowed, second.remaining, second.reset_at) == (True, 0, T0 + 3600)
    clock.now += 600
    third = limiter.hit("key:1", 2, 3600)
    assert not third.allowed and third.remaining == 0
    headers = third.headers(now=clock.now)
    assert headers["X-RateLimit-Limit"] == "2" and headers["X-RateLimit-Remaining"] == "0"
    assert headers["X-RateLimit-Reset"] == str(int(T0 + 3600))
    assert headers["Retry-After"] == str(3600 - 1200)
    clock.now = T0 + 3600  # the first hit slides out: one slot again
    assert limiter.hit("key:1", 2, 3600).allowed
    assert not limiter.hit("key:1", 2, 3600).allowed
    with pytest.raises(ValueError):
        limiter.hit("key:1", 1, 0)
    store.close()


@settings(max_examples=40, deadline=None)
@given(limit=st.integers(1, 6), window=st.integers(1, 50),
       gaps=st.lists(st.integers(0, 30), min_size=1, max_size=40))
def test_limiter_matches_a_reference_log(limit: int, window: int, gaps: list[int]) -> None:
    """At every instant, admitted hits in any window never exceed the limit, and a hit is refused
    only when the window is really full (a reference model of the log)."""
    store = MemoryCounterStore()
    limiter = RateLimiter(store)
    now = T0
    admitted: list[float] = []
    for gap in gaps:
        now += gap
        live = [t for t in admitted if t > now - window]
        decision = limiter.hit("b", limit, window, now=now)
        assert decision.allowed == (len(live) < limit)
        if decision.allowed:
            admitted.append(now)
            live.append(now)
        assert decision.remaining == limit - len(live)
    store.close()
