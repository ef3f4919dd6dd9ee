"""The embedded store of what several processes on one database agree on: leases (which process
runs a background loop) and the server's own secrets."""

from __future__ import annotations

from .sqlite_db import Database


class SqliteCoordination:
    def __init__(self, db: Database) -> None:
        self.db = db

    def acquire(self, name: str, holder: str, *, ttl: float, now: float) -> bool:
        # One statement: take the lease if it is free, expired or already ours, and renew it.
        with self.db.transaction() as conn:
            conn.execute(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)"
                " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
                " expires_at = excluded.expires_at"
                " WHERE leases.holder = excluded.holder OR leases.expires_at <= ?",
                (name, holder, now + ttl, now))
            row = conn.execute("SELECT holder FROM leases WHERE name = ?", (name,)).fetchone()
        return row is not None and row[0] == holder

    def release(self, name: str, holder: str) -> None:
        self.db.query("DELETE FROM leases WHERE name = ? AND holder = ?", (name, holder))

    def secret(self, name: str, proposed: str) -> str:
        with self.db.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO secrets (name, value) VALUES (?, ?)",
                         (name, proposed))
            row = conn.execute("SELECT value FROM secrets WHERE name = ?", (name,)).fetchone()
        return str(row[0])
