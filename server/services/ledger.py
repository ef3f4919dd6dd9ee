"""The ledger: every metered thing (renders, uploads, stored bytes, later AI credits) is a counter
per account and period in the MetaStore, shared by every API family.

Work that costs is claimed before it starts (`charged`: the store's claim is one atomic
check-and-add, so concurrent requests cannot overspend) and given back when the work fails or turns
out to cost nothing. Uploads claim inside the transaction that inserts their row (see
`MetaStore.images.create(claims=...)`), so their counters never run ahead of rows either."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from ..backends import MetaStore

RENDERS = "renders"
STORAGE = "storage_bytes"  # bytes of live originals, every family's; never reset
FOREVER = "all"  # the period of ledgers that never reset
UNITS = {RENDERS: "render"}  # what one unit of a counter is called in messages


def month(now: float | None = None) -> str:
    return datetime.fromtimestamp(time.time() if now is None else now, UTC).strftime("%Y-%m")


def month_reset(now: float | None = None) -> int:
    """Unix time of the start of next calendar month (UTC): when the allowance resets."""
    d = datetime.fromtimestamp(time.time() if now is None else now, UTC)
    nxt = datetime(d.year + (d.month == 12), d.month % 12 + 1, 1, tzinfo=UTC)
    return int(nxt.timestamp())


def stored(meta: MetaStore, account_id: int | None, size: int) -> None:
    """Count `size` more bytes of originals (a family without a storage quota stores freely)."""
    if account_id is not None:
        meta.usage.add(account_id, STORAGE, FOREVER, size)


def unstored(meta: MetaStore, account_id: int | None, size: int) -> None:
    """Give back the bytes of an original that is gone."""
    if account_id is not None:
        meta.usage.release(account_id, STORAGE, FOREVER, size)


class LimitReached(Exception):
    """A claim the allowance refused; nothing was spent. Answered as a 429 by `http/errors`."""

    def __init__(self, counter: str, limit: int, resets_at: int) -> None:
        super().__init__(f"Monthly {UNITS.get(counter, counter)} limit reached")
        self.counter, self.limit, self.resets_at = counter, limit, resets_at


@dataclass
class Charge:
    """A claimed amount, until the work it pays for is done."""

    meta: MetaStore
    account_id: int
    counter: str
    period: str
    amount: int
    released: bool = False

    def release(self) -> None:
        """Give the amount back (the work failed, or another request's identical work served)."""
        if not self.released:
            self.released = True
            self.meta.usage.release(self.account_id, self.counter, self.period, self.amount)


@contextlib.contextmanager
def charged(meta: MetaStore, account_id: int, counter: str, period: str, amount: int, limit: int,
            *, resets_at: int) -> Iterator[Charge]:
    """Claim `amount` of `counter` for the work in the `with` block, or raise `LimitReached`; any
    exception (a cancelled request too) gives the claim back."""
    if not meta.usage.claim(account_id, counter, period, amount, limit):
        raise LimitReached(counter, limit, resets_at)
    charge = Charge(meta, account_id, counter, period, amount)
    try:
        yield charge
    except BaseException:
        charge.release()
        raise


def monthly_render(meta: MetaStore, account_id: int, allowance: int,
                   now: float | None = None) -> contextlib.AbstractContextManager[Charge]:
    """One render of the account's monthly allowance."""
    return charged(meta, account_id, RENDERS, month(now), 1, allowance, resets_at=month_reset(now))
