"""The conformance suite every `CounterStore` implementation must pass.

Subclass `CounterStoreContract` and give it a `counters` fixture that yields a fresh, empty store
(see `pinrender_server.backends.testing.meta` for the pattern). Needs pytest.
"""

from __future__ import annotations

from ..counters import CounterStore
from .factories import concurrently

ACCOUNT = 7
T0 = 1_800_000_000.0


class CounterStoreContract:

    def test_usage_counts_and_claims(self, counters: CounterStore) -> None:
        assert counters.usage.get(ACCOUNT, "renders", "2026-01") == 0
        assert counters.usage.add(ACCOUNT, "requests", "h1") == 1
        assert counters.usage.add(ACCOUNT, "requests", "h1", 4) == 5
        assert counters.usage.claim(ACCOUNT, "renders", "2026-01", 2, 3)
        assert not counters.usage.claim(ACCOUNT, "renders", "2026-01", 2, 3)
        assert counters.usage.claim(ACCOUNT, "renders", "2026-01", 1, 3)
        counters.usage.release(ACCOUNT, "renders", "2026-01", 2)
        assert counters.usage.get(ACCOUNT, "renders", "2026-01") == 1
        assert counters.usage.get(ACCOUNT, "renders", "2026-02") == 0

    def test_claims_hold_under_concurrency(self, counters: CounterStore) -> None:
        wins = concurrently(lambda: counters.usage.claim(ACCOUNT, "renders", "p", 1, 1), 100)
        assert wins.count(True) == 1
        assert counters.usage.get(ACCOUNT, "renders", "p") == 1

    def test_hits_until_the_limit_then_refuses(self, counters: CounterStore) -> None:
        repo = counters.ratelimits
        results = [repo.hit("key:a", 3, 60, T0 + i) for i in range(5)]
        assert [r.allowed for r in results] == [True, True, True, False, False]
        assert [r.used for r in results] == [1, 2, 3, 3, 3]
        assert all(r.oldest_at == T0 for r in results)
        assert repo.usage("key:a", 60, T0 + 10) == 3
        assert repo.hit("key:b", 3, 60, T0).allowed  # buckets are independent

    def test_window_slides_one_hit_at_a_time(self, counters: CounterStore) -> None:
        repo = counters.ratelimits
        for i in range(3):
            assert repo.hit("k", 3, 100, T0 + i * 10).allowed  # at T0, T0+10, T0+20
        assert not repo.hit("k", 3, 100, T0 + 99.9).allowed
        # At T0+100 the first hit leaves the window (it covers (now-100, now]): exactly one slot.
        assert repo.hit("k", 3, 100, T0 + 100).allowed
        assert not repo.hit("k", 3, 100, T0 + 105).allowed
        assert repo.hit("k", 3, 100, T0 + 110).allowed

    def test_reset_and_prune(self, counters: CounterStore) -> None:
        repo = counters.ratelimits
        repo.hit("a", 5, 60, T0)
        repo.hit("b", 5, 60, T0 + 30)
        assert repo.prune(T0 + 1) == 1
        assert repo.usage("a", 60, T0 + 31) == 0 and repo.usage("b", 60, T0 + 31) == 1
        repo.reset("b")
        assert repo.usage("b", 60, T0 + 31) == 0

    def test_zero_limit_refuses_everything(self, counters: CounterStore) -> None:
        hit = counters.ratelimits.hit("z", 0, 60, T0)
        assert not hit.allowed and hit.used == 0 and hit.oldest_at is None

    def test_ledgers_are_independent_and_never_negative(self, counters: CounterStore) -> None:
        counters.usage.add(ACCOUNT, "credits", "2026-03", 5)
        counters.usage.add(ACCOUNT + 1, "credits", "2026-03", 2)
        counters.usage.release(ACCOUNT, "credits", "2026-03", 9)
        counters.usage.release(ACCOUNT, "credits", "never-used", 1)
        assert counters.usage.get(ACCOUNT, "credits", "2026-03") == 0
        assert counters.usage.get(ACCOUNT + 1, "credits", "2026-03") == 2
        assert counters.usage.get(ACCOUNT, "credits", "never-used") == 0
        assert counters.usage.claim(ACCOUNT, "credits", "2026-03", 3, 3)
