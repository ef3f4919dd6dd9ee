"""The sliding-window log in PostgreSQL: one row per admitted hit, a true rolling window.

Each bucket is serialised by a transaction-scoped advisory lock on the hash of its name, so
prune-count-insert is one step across every process sharing the database; two racing hits can
never both take the last slot. The four statements go out pipelined: one round trip per hit.
"""

from __future__ import annotations

from ..records import RateHit
from .db import Database


class PostgresRateLimits:
    def __init__(self, db: Database) -> None:
        self.db = db

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        since = now - window_seconds
        with self.db.transaction(pipeline=True) as conn:
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (bucket,))
            conn.execute("DELETE FROM rate_hits WHERE bucket = %s AND at <= %s", (bucket, since))
            added = conn.execute(
                "INSERT INTO rate_hits (bucket, at) SELECT %s, %s"
                " WHERE (SELECT COUNT(*) FROM rate_hits WHERE bucket = %s) < %s RETURNING 1",
                (bucket, now, bucket, limit))
            seen = conn.execute("SELECT COUNT(*) AS used, MIN(at) AS oldest FROM rate_hits"
                                " WHERE bucket = %s", (bucket,))
            allowed = added.fetchone() is not None
            row = seen.fetchone()
        assert row is not None
        return RateHit(allowed=allowed, used=int(row["used"]), oldest_at=row["oldest"])

    def usage(self, bucket: str, window_seconds: float, now: float) -> int:
        row = self.db.row("SELECT COUNT(*) AS n FROM rate_hits WHERE bucket = %s AND at > %s",
                          (bucket, now - window_seconds))
        return int(row["n"]) if row else 0

    def reset(self, bucket: str) -> None:
        self.db.run("DELETE FROM rate_hits WHERE bucket = %s", (bucket,))

    def prune(self, before: float) -> int:
        return self.db.run("DELETE FROM rate_hits WHERE at <= %s", (before,))
