"""The sliding-window log in PostgreSQL: one row per admitted hit, a true rolling window.

Each bucket is serialised by a transaction-scoped advisory lock on the hash of its name, so
prune-count-insert is one step across every process sharing the database; two racing hits can
never both take the last slot. The steps run server-side in `pinrender_hit` (schema.py): one
round trip per hit.
"""

from __future__ import annotations

from ..records import RateHit
from .db import Database


class PostgresRateLimits:
    def __init__(self, db: Database) -> None:
        self.db = db

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        row = self.db.returning("SELECT * FROM pinrender_hit(%s, %s, %s, %s)",
                                (bucket, limit, now - window_seconds, now))
        assert row is not None
        return RateHit(allowed=row["allowed"], used=int(row["used"]), oldest_at=row["oldest"])

    def usage(self, bucket: str, window_seconds: float, now: float) -> int:
        row = self.db.row("SELECT COUNT(*) AS n FROM rate_hits WHERE bucket = %s AND at > %s",
                          (bucket, now - window_seconds))
        return int(row["n"]) if row else 0

    def reset(self, bucket: str) -> None:
        self.db.run("DELETE FROM rate_hits WHERE bucket = %s", (bucket,))

    def prune(self, before: float) -> int:
        return self.db.run("DELETE FROM rate_hits WHERE at <= %s", (before,))
