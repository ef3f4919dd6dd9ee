"""The ledger (`services.ledger`), on every MetaStore: a charge is claimed before the work, given
back when the work fails or costs nothing, refused past the limit, and exact under concurrency."""

from __future__ import annotations

import threading

import pytest

from pinrender_server.backends import MetaStore
from pinrender_server.services.ledger import RENDERS, LimitReached, charged, month, monthly_render


def test_a_charge_is_kept_when_the_work_succeeds(meta: MetaStore) -> None:
    a = meta.accounts.create("l@example.com")
    with monthly_render(meta.counters, a.id, allowance=2):
        assert meta.counters.usage.get(a.id, RENDERS, month()) == 1  # claimed before the work runs
    assert meta.counters.usage.get(a.id, RENDERS, month()) == 1


def test_a_failure_or_a_release_gives_the_charge_back(meta: MetaStore) -> None:
    a = meta.accounts.create("l@example.com")
    with pytest.raises(RuntimeError), monthly_render(meta.counters, a.id, allowance=2):
        raise RuntimeError("the render failed")
    assert meta.counters.usage.get(a.id, RENDERS, month()) == 0
    with monthly_render(meta.counters, a.id, allowance=2) as charge:
        charge.release()
        charge.release()  # once only, however often asked
    assert meta.counters.usage.get(a.id, RENDERS, month()) == 0


def test_past_the_limit_nothing_is_spent_and_the_work_does_not_run(meta: MetaStore) -> None:
    a = meta.accounts.create("l@example.com")
    ran = []
    with charged(meta.counters, a.id, "credits", "p", 3, 5, resets_at=123):
        pass
    with pytest.raises(LimitReached) as refused, charged(meta.counters, a.id, "credits", "p", 3, 5,
                                                          resets_at=123):
        ran.append(True)
    assert ran == [] and meta.counters.usage.get(a.id, "credits", "p") == 3
    assert (refused.value.counter, refused.value.limit, refused.value.resets_at) == ("credits", 5, 123)


@pytest.mark.parametrize("failing", [0, 3], ids=["all-succeed", "every-third-fails"])
def test_charges_are_exact_under_concurrency(meta: MetaStore, failing: int) -> None:
    a = meta.accounts.create("l@example.com")
    outcomes: list[bool] = []
    lock = threading.Lock()

    def spend(fail: bool) -> None:
        try:
            with monthly_render(meta.counters, a.id, allowance=10):
                if fail:
                    raise RuntimeError
            ok = True
        except (LimitReached, RuntimeError):
            ok = False
        with lock:
            outcomes.append(ok)

    threads = [threading.Thread(target=spend, args=(failing > 0 and i % failing == 0,))
               for i in range(60)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # What was spent is exactly what succeeded, never past the allowance; with no failures the
    # allowance is spent to the last render.
    spent = meta.counters.usage.get(a.id, RENDERS, month())
    assert spent == outcomes.count(True) <= 10
    if not failing:
        assert spent == 10
