"""What the Redis counter store adds to the conformance suite: exact across several stores (each with
its own connections, as several processes have), buckets that expire, and StoreUnavailable — never a
driver error — when Redis is down."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender_server.backends import MemoryCounterStore, StoreUnavailable, open_counter_store
from pinrender_server.backends.redis_counters import RedisCounterStore
from pinrender_server.backends.testing.factories import concurrently
from tests.server.shared_backends import ScratchRedis, closed_port_url, redis_url

T0 = 1_800_000_000.0


@pytest.fixture
def pair() -> Iterator[tuple[RedisCounterStore, RedisCounterStore]]:
    """Two stores on one prefix, each with its own connection pool: two processes' worth."""
    first = ScratchRedis()
    second = RedisCounterStore(redis_url(), prefix=first.prefix)
    yield first, second
    second.close()
    first.close()


def test_claims_across_two_stores_stay_exact(pair: tuple[RedisCounterStore, RedisCounterStore]) -> None:
    stores = list(pair)
    calls = iter(range(10**6))

    def claim() -> bool:
        store = stores[next(calls) % 2]
        return store.usage.claim(7, "credits", "2026-11", 3, 100)

    wins = concurrently(claim, 120)
    assert wins.count(True) == 33  # 33 * 3 = 99; a 34th would pass 100
    assert pair[0].usage.get(7, "credits", "2026-11") == 99 == pair[1].usage.get(7, "credits", "2026-11")
    # Give-backs race too, and never go below zero.
    concurrently(lambda: stores[next(calls) % 2].usage.release(7, "credits", "2026-11", 5), 40)
    assert pair[1].usage.get(7, "credits", "2026-11") == 0


def test_rate_limit_hits_across_two_stores_stay_exact(
        pair: tuple[RedisCounterStore, RedisCounterStore]) -> None:
    stores = list(pair)
    calls = iter(range(10**6))
    now = time.time()

    hits = concurrently(lambda: stores[next(calls) % 2].ratelimits.hit("key:1", 25, 3600, now), 100)
    assert sum(h.allowed for h in hits) == 25
    assert max(h.used for h in hits) == 25
    assert pair[0].ratelimits.usage("key:1", 3600, now) == 25
    # Twenty-five hits at the same instant are twenty-five members, not one.
    assert pair[1].client.zcard(f"{pair[1].prefix}rate:key:1") == 25


def test_buckets_expire_one_window_after_their_last_hit() -> None:
    store = ScratchRedis()
    try:
        store.ratelimits.hit("ip:1", 5, 90, time.time())
        ttl = store.client.pttl(f"{store.prefix}rate:ip:1")
        assert 0 < ttl <= 90_000
        store.usage.add(7, "uploads", "2026-11", 1)  # monthly ledgers keep no expiry
        assert store.client.ttl(f"{store.prefix}usage:7:2026-11") == -1
        store.ratelimits.hit("ip:2", 5, 0.05, time.time())
        time.sleep(0.2)
        assert not store.client.exists(f"{store.prefix}rate:ip:2")
    finally:
        store.close()


def test_the_url_chooses_redis_and_its_prefix() -> None:
    url = redis_url()
    store = open_counter_store(f"{url}?prefix=app-one:", meta=None)  # type: ignore[arg-type]
    try:
        assert isinstance(store, RedisCounterStore) and store.prefix == "app-one:"
        store.ping()
    finally:
        store.close()


def test_every_call_is_store_unavailable_when_redis_is_down() -> None:
    store = RedisCounterStore(closed_port_url())
    calls = [
        lambda: store.usage.get(1, "m", "p"),
        lambda: store.usage.add(1, "m", "p"),
        lambda: store.usage.claim(1, "m", "p", 1, 5),
        lambda: store.usage.release(1, "m", "p", 1),
        lambda: store.ratelimits.hit("b", 5, 60, T0),
        lambda: store.ratelimits.usage("b", 60, T0),
        lambda: store.ratelimits.reset("b"),
        lambda: store.ratelimits.prune(T0),
        store.ping,
    ]
    for call in calls:
        with pytest.raises(StoreUnavailable, match="unreachable"):
            call()
    store.close()


def test_a_missing_client_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    with pytest.raises(ImportError, match=r"pip install 'pinrender\[redis\]'"):
        RedisCounterStore("redis://127.0.0.1:6379/15")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.floats(0, 30, allow_nan=False), st.sampled_from(["a", "b"]),
                                st.sampled_from(["hit", "usage", "claim", "release"]),
                                st.integers(0, 4)), max_size=40),
       limit=st.integers(0, 5), window=st.sampled_from([0.5, 7.25, 60.0]))
def test_redis_answers_exactly_as_the_memory_store(steps: list[tuple[float, str, str, int]],
                                                   limit: int, window: float) -> None:
    """Any sequence of hits, counts, claims and give-backs: the same answers, to the last float."""
    redis_store, memory = ScratchRedis(), MemoryCounterStore()
    try:
        now = T0
        for gap, name, action, amount in steps:
            now += gap
            for store in (redis_store, memory):
                if action == "hit":
                    answer: object = store.ratelimits.hit(name, limit, window, now)
                elif action == "usage":
                    answer = store.ratelimits.usage(name, window, now)
                elif action == "claim":
                    answer = store.usage.claim(1, name, "p", amount, limit)
                else:
                    answer = store.usage.release(1, name, "p", amount)
                if store is redis_store:
                    expected = answer
                else:
                    assert answer == expected, (action, name, now)
            assert redis_store.usage.get(1, name, "p") == memory.usage.get(1, name, "p")
    finally:
        redis_store.close()
