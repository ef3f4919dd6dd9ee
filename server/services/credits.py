"""AI credits (seed 000, "Monthly AI credits"): what each operation costs, and the one way to pay
for it — a claim on the account's monthly pool through the ledger, given back when the work fails.

    with credits.spent(counters, account, plan, credits.TEXT):    # 1 credit, or LimitReached
        ... the AI call ...
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

from ..backends import Account, Claim, CounterStore
from ..settings import Plan
from . import ledger, metrics

TEXT = 1  # hotspots, concepts, expansion, detailed prompt, locating spots
# Seed 000, "Image generation cost": model tier x quality; `auto` is billed at the medium rate.
IMAGE_COSTS: dict[str, dict[str, int]] = {
    "mini": {"low": 1, "medium": 3, "high": 5},
    "standard": {"low": 1, "medium": 6, "high": 12},
    "plus": {"low": 1, "medium": 8, "high": 16},
    "ultra": {"low": 1, "medium": 10, "high": 20},
}


def image_cost(model: str, quality: str) -> int:
    return IMAGE_COSTS[model]["medium" if quality == "auto" else quality]


@dataclass(frozen=True)
class Balance:
    used: int
    limit: int
    resets_at: int

    @property
    def remaining(self) -> int:
        return max(0, self.limit - self.used)


def balance(counters: CounterStore, account: Account, plan: Plan, now: float | None = None) -> Balance:
    used = counters.usage.get(account.id, ledger.AI_CREDITS, ledger.month(now))
    return Balance(used, plan.monthly_credits, ledger.month_reset(now))


def claim(account: Account, plan: Plan, amount: int, now: float | None = None) -> Claim:
    """This month's claim of `amount` credits against the plan's pool."""
    return Claim(ledger.AI_CREDITS, ledger.month(now), amount, plan.monthly_credits)


def refused(counters: CounterStore, account: Account, plan: Plan, amount: int,
            now: float | None = None) -> ledger.LimitReached:
    left = balance(counters, account, plan, now).remaining
    return ledger.LimitReached(
        ledger.AI_CREDITS, plan.monthly_credits, ledger.month_reset(now),
        f"Not enough monthly AI credits: this costs {amount}, {left} of {plan.monthly_credits} left "
        "this month")


def require(counters: CounterStore, account: Account, plan: Plan, amount: int) -> None:
    """Refuse now (429) what the pool cannot cover; a forecast for work charged later, by phase."""
    if balance(counters, account, plan).remaining < amount:
        raise refused(counters, account, plan, amount)


@contextlib.contextmanager
def spent(counters: CounterStore, account: Account, plan: Plan, amount: int) -> Iterator[None]:
    """`amount` credits claimed for the `with` block (LimitReached if the pool can't cover it,
    StoreUnavailable if the counters can't be asked); any exception gives them back."""
    now = time.time()
    try:
        with ledger.charged(counters, account.id, ledger.AI_CREDITS, ledger.month(now), amount,
                            plan.monthly_credits, resets_at=ledger.month_reset(now)):
            metrics.CREDITS_CLAIMED.inc(amount)
            try:
                yield
            except BaseException:
                metrics.CREDITS_REFUNDED.inc(amount)
                raise
    except ledger.LimitReached:
        raise refused(counters, account, plan, amount, now) from None

