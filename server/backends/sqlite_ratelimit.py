"""The embedded sliding-window log: one row per admitted hit, so the window is a true rolling one.

A row per hit costs a few bytes per request and at most `limit` rows per bucket; in exchange the
count is exact at any instant, which the two-counter estimate cannot be.
"""

from __future__ import annotations

from .records import RateHit
from .sqlite_db import Database


class SqliteRateLimits:
    def __init__(self, db: Database) -> None:
        self.db = db

    def hit(self, bucket: str, limit: int, window_seconds: float, now: float) -> RateHit:
        since = now - window_seconds
        # BEGIN IMMEDIATE (in `transaction`) makes prune-count-insert one step, across threads and
        # across processes sharing the file: two racing hits can never both take the last slot.
        with self.db.transaction() as conn:
            conn.execute("DELETE FROM rate_hits WHERE bucket = ? AND at <= ?", (bucket, since))
            used, oldest = conn.execute(
                "SELECT COUNT(*), MIN(at) FROM rate_hits WHERE bucket = ?", (bucket,)).fetchone()
            used = int(used)
            allowed = used < limit
            if allowed:
                conn.execute("INSERT INTO rate_hits (bucket, at) VALUES (?, ?)", (bucket, now))
                used += 1
                oldest = now if oldest is None else oldest
        return RateHit(allowed=allowed, used=used, oldest_at=oldest)

    def usage(self, bucket: str, window_seconds: float, now: float) -> int:
        rows = self.db.query("SELECT COUNT(*) FROM rate_hits WHERE bucket = ? AND at > ?",
                             (bucket, now - window_seconds))
        return int(rows[0][0])

    def reset(self, bucket: str) -> None:
        self.db.query("DELETE FROM rate_hits WHERE bucket = ?", (bucket,))

    def prune(self, before: float) -> int:
        with self.db.transaction() as conn:
            return int(conn.execute("DELETE FROM rate_hits WHERE at <= ?", (before,)).rowcount)
