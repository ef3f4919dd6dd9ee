"""The ledger: every metered thing (renders, uploads, stored bytes, AI credits) is a counter per
account and period in the `CounterStore`, shared by every API family.

Work that costs is claimed before it starts (`charged`: the store's claim is one atomic
check-and-add, so concurrent requests cannot overspend) and given back when the work fails or turns
out to cost nothing. Uploads claim inside the transaction that inserts their row (see
`MetaStore.images.create(claims=...)`, or claim first when the counters live elsewhere: see
`services/media.commit`), so their counters never run ahead of rows either."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ..backends import Claim, ClaimRefused, CounterStore

RENDERS = "renders"
STORAGE = "storage_bytes"  # bytes of live originals, every family's; never reset
FOREVER = "all"  # the period of ledgers that never reset
AI_CREDITS = "ai_credits"
UNITS = {RENDERS: "render", AI_CREDITS: "AI credit"}  # what one unit is called in messages


def month(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime("%Y-%m")


def month_reset(now: float | None = None) -> int:
    """Unix time of the start of next calendar month (UTC): when the allowance resets."""
    d = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return int(nxt.timestamp())


def stored(counters: CounterStore, account_id: int | None, size: int) -> None:
    """Count `size` more bytes of originals (a family without a storage quota stores freely)."""
    if account_id is not None:
        counters.usage.add(account_id, STORAGE, FOREVER, size)


def unstored(counters: CounterStore, account_id: int | None, size: int) -> None:
    """Give back the bytes of an original that is gone."""
    if account_id is not None:
        counters.usage.release(account_id, STORAGE, FOREVER, size)


class LimitReached(Exception):
    """A claim the allowance refused; nothing was spent. Answered as a 429 by `http/errors`."""

    def __init__(self, counter: str, limit: int, resets_at: int, message: str = "") -> None:
        super().__init__(message or f"Monthly {UNITS.get(counter, counter)} limit reached")
        self.counter, self.limit, self.resets_at = counter, limit, resets_at


@dataclass
class Charge:
    """A claimed amount, until the work it pays for is done."""

    counters: CounterStore
    account_id: int
    counter: str
    period: str
    amount: int
    released: bool = False

    def release(self) -> None:
        """Give the amount back (the work failed, or another request's identical work served)."""
        if not self.released:
            self.released = True
            self.counters.usage.release(self.account_id, self.counter, self.period, self.amount)


@contextlib.contextmanager
def charged(counters: CounterStore, account_id: int, counter: str, period: str, amount: int, limit: int,
            *, resets_at: int) -> Iterator[Charge]:
    """Claim `amount` of `counter` for the work in the `with` block, or raise `LimitReached`; any
    exception (a cancelled request too) gives the claim back."""
    if not counters.usage.claim(account_id, counter, period, amount, limit):
        raise LimitReached(counter, limit, resets_at)
    charge = Charge(counters, account_id, counter, period, amount)
    try:
        yield charge
    except BaseException:
        charge.release()
        raise


def monthly_render(counters: CounterStore, account_id: int, allowance: int,
                   now: float | None = None) -> contextlib.AbstractContextManager[Charge]:
    """One render of the account's monthly allowance."""
    return charged(counters, account_id, RENDERS, month(now), 1, allowance, resets_at=month_reset(now))


@contextlib.contextmanager
def claimed(counters: CounterStore, account_id: int, claims: tuple[Claim, ...]) -> Iterator[None]:
    """Spend every claim for the work in the `with` block, or none: a refused claim gives back the
    ones before it and raises `ClaimRefused`; any exception in the block gives them all back.
    For counters kept apart from the rows; beside the rows, the row's transaction spends them."""
    spent: list[Claim] = []

    def give_back() -> None:
        for claim in spent:
            counters.usage.release(account_id, claim.metric, claim.period, claim.amount)

    for claim in claims:
        if claim.limit is None:
            counters.usage.add(account_id, claim.metric, claim.period, claim.amount)
        elif not counters.usage.claim(account_id, claim.metric, claim.period, claim.amount,
                                      claim.limit):
            give_back()
            raise ClaimRefused(claim)
        spent.append(claim)
    try:
        yield
    except BaseException:
        give_back()
        raise
