"""The rate-limit repository part of the MetaStore conformance suite, and `server.ratelimit`."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinrender_server.backends import MetaStore, SqliteMetaStore
from pinrender_server.services.ratelimit import RateLimiter

T0 = 1_800_000_000.0


def test_hits_until_the_limit_then_refuses(meta: MetaStore) -> None:
    repo = meta.ratelimits
    results = [repo.hit("key:a", 3, 60, T0 + i) for i in range(5)]
    assert [r.allowed for r in results] == [True, True, True, False, False]
    assert [r.used for r in results] == [1, 2, 3, 3, 3]
    assert all(r.oldest_at == T0 for r in results)
    assert repo.usage("key:a", 60, T0 + 10) == 3
    assert repo.hit("key:b", 3, 60, T0).allowed  # buckets are independent


def test_window_slides_one_hit_at_a_time(meta: MetaStore) -> None:
    repo = meta.ratelimits
    for i in range(3):
        assert repo.hit("k", 3, 100, T0 + i * 10).allowed  # at T0, T0+10, T0+20
    assert not repo.hit("k", 3, 100, T0 + 99.9).allowed
    # At T0+100 the first hit leaves the window (it covers (now-100, now]): exactly one slot.
    assert repo.hit("k", 3, 100, T0 + 100).allowed
    assert not repo.hit("k", 3, 100, T0 + 105).allowed
    assert repo.hit("k", 3, 100, T0 + 110).allowed


def test_reset_and_prune(meta: MetaStore) -> None:
    repo = meta.ratelimits
    repo.hit("a", 5, 60, T0)
    repo.hit("b", 5, 60, T0 + 30)
    assert repo.prune(T0 + 1) == 1
    assert repo.usage("a", 60, T0 + 31) == 0 and repo.usage("b", 60, T0 + 31) == 1
    repo.reset("b")
    assert repo.usage("b", 60, T0 + 31) == 0


def test_zero_limit_refuses_everything(meta: MetaStore) -> None:
    hit = meta.ratelimits.hit("z", 0, 60, T0)
    assert not hit.allowed and hit.used == 0 and hit.oldest_at is None


def test_exact_under_threads(tmp_path: Path) -> None:
    store = SqliteMetaStore(str(tmp_path / "m.db"))
    allowed: list[bool] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(10):
            ok = store.ratelimits.hit("hot", 37, 3600, T0).allowed
            with lock:
                allowed.append(ok)

    threads = [threading.Thread(target=worker) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    store.close()
    assert sum(allowed) == 37


def test_two_stores_on_one_file_share_the_limit(tmp_path: Path) -> None:
    # Two worker processes open the same file; the transaction must hold across connections.
    a, b = SqliteMetaStore(str(tmp_path / "m.db")), SqliteMetaStore(str(tmp_path / "m.db"))
    results = [(a if i % 2 else b).ratelimits.hit("x", 5, 60, T0).allowed for i in range(12)]
    a.close()
    b.close()
    assert sum(results) == 5


# -- the limiter ---------------------------------------------------------------------------------

class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_limiter_decision_and_headers() -> None:
    store = SqliteMetaStore(":memory:")
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
    store = SqliteMetaStore(":memory:")
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
