"""Usage ledgers in PostgreSQL: counters per (account, metric, period), spent only within limits.

A claim is one upsert whose update applies only while the total stays within the limit: the row
lock `ON CONFLICT DO UPDATE` takes makes check-and-add atomic across any number of processes.
"""

from __future__ import annotations

from ..records import Claim
from .db import Conn, Database

SPEND = (
    "INSERT INTO usage (account_id, metric, period, count)"
    " SELECT %(account)s, %(metric)s, %(period)s, %(amount)s::bigint"
    " WHERE %(limit)s::bigint IS NULL OR %(amount)s::bigint <= %(limit)s::bigint"
    " ON CONFLICT (account_id, metric, period) DO UPDATE SET count = usage.count + excluded.count"
    " WHERE %(limit)s::bigint IS NULL OR usage.count + excluded.count <= %(limit)s::bigint"
    " RETURNING count"
)
RELEASE = ("UPDATE usage SET count = GREATEST(0, count - %s::bigint) WHERE account_id = %s"
           " AND metric = %s AND period = %s")


def spend_params(account_id: int, claim: Claim) -> dict[str, object]:
    return {"account": account_id, "metric": claim.metric, "period": claim.period,
            "amount": claim.amount, "limit": claim.limit}


def spend(conn: Conn, account_id: int, claim: Claim) -> bool:
    """Inside the caller's transaction: add `claim.amount` unless that passes `claim.limit`."""
    return conn.execute(SPEND, spend_params(account_id, claim)).fetchone() is not None


class PostgresUsage:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, account_id: int, metric: str, period: str) -> int:
        row = self.db.row("SELECT count FROM usage WHERE account_id = %s AND metric = %s"
                          " AND period = %s", (account_id, metric, period))
        return int(row["count"]) if row else 0

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int:
        row = self.db.returning(
            "INSERT INTO usage (account_id, metric, period, count) VALUES (%s, %s, %s, %s::bigint)"
            " ON CONFLICT (account_id, metric, period) DO UPDATE SET count = usage.count + excluded.count"
            " RETURNING count", (account_id, metric, period, amount))
        assert row is not None
        return int(row["count"])

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        row = self.db.returning(SPEND, spend_params(account_id, Claim(metric, period, amount, limit)))
        return row is not None

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None:
        self.db.run(RELEASE, (amount, account_id, metric, period))
