"""What several processes sharing the PostgreSQL database agree on: leases (which process runs a
background loop) and the server's own secrets."""

from __future__ import annotations

from .db import Database


class PostgresCoordination:
    def __init__(self, db: Database) -> None:
        self.db = db

    def acquire(self, name: str, holder: str, *, ttl: float, now: float) -> bool:
        # One statement: take the lease if it is free, expired or already ours, and renew it; a
        # row comes back only when this holder has it now.
        row = self.db.returning(
            "INSERT INTO leases (name, holder, expires_at) VALUES (%s, %s, %s)"
            " ON CONFLICT (name) DO UPDATE SET holder = excluded.holder,"
            " expires_at = excluded.expires_at"
            " WHERE leases.holder = excluded.holder OR leases.expires_at <= %s RETURNING holder",
            (name, holder, now + ttl, now))
        return row is not None and row["holder"] == holder

    def release(self, name: str, holder: str) -> None:
        self.db.run("DELETE FROM leases WHERE name = %s AND holder = %s", (name, holder))

    def secret(self, name: str, proposed: str) -> str:
        # Two statements, not one: the read must see a value another process committed while
        # this insert waited on it (a statement's snapshot predates that wait).
        self.db.run("INSERT INTO secrets (name, value) VALUES (%s, %s) ON CONFLICT DO NOTHING",
                    (name, proposed))
        row = self.db.row("SELECT value FROM secrets WHERE name = %s", (name,))
        assert row is not None
        return str(row["value"])
