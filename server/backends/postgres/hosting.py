"""The hosting family's own state in PostgreSQL (seed 001): verification tokens, verified
accounts, and which image expiries come from an unverified plan's retention."""

from __future__ import annotations

from .db import Database


class PostgresHosting:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_verification(self, token_hash: str, account_id: int, *, now: float,
                         expires_at: float) -> None:
        self.db.run("INSERT INTO verification_tokens (token_hash, account_id, created_at, expires_at)"
                    " VALUES (%s, %s, %s, %s)", (token_hash, account_id, now, expires_at))

    def verify(self, token_hash: str, *, now: float) -> int | None:
        # One transaction: the account becomes verified and its retention expiries are lifted
        # together, so no image can expire "between" the two.
        with self.db.transaction() as conn:
            row = conn.execute("SELECT account_id FROM verification_tokens WHERE token_hash = %s"
                               " AND expires_at > %s", (token_hash, now)).fetchone()
            if row is None:
                return None
            account_id = int(row["account_id"])
            conn.execute("INSERT INTO verified_accounts (account_id, verified_at) VALUES (%s, %s)"
                         " ON CONFLICT DO NOTHING", (account_id, now))
            conn.execute(
                "UPDATE images SET expires_at = NULL, version = version + 1, updated_at = %s"
                " WHERE account_id = %s AND deleted_at IS NULL"
                " AND (expires_at IS NULL OR expires_at > %s)"
                " AND id IN (SELECT image_id FROM retention_expiries)", (now, account_id, now))
            conn.execute("DELETE FROM retention_expiries WHERE image_id IN"
                         " (SELECT id FROM images WHERE account_id = %s)", (account_id,))
            return account_id

    def is_verified(self, account_id: int) -> bool:
        return bool(self.db.rows("SELECT 1 FROM verified_accounts WHERE account_id = %s", (account_id,)))

    def mark_retention(self, image_id: int) -> None:
        self.db.run("INSERT INTO retention_expiries (image_id) VALUES (%s) ON CONFLICT DO NOTHING",
                    (image_id,))

    def namespace_usage(self, account_id: int, *, now: float) -> list[tuple[str, int, int]]:
        rows = self.db.rows(
            "SELECT namespace, COUNT(*) AS n, COALESCE(SUM(size), 0) AS bytes FROM images"
            " WHERE account_id = %s AND deleted_at IS NULL AND (expires_at IS NULL OR expires_at > %s)"
            " AND namespace IS NOT NULL GROUP BY namespace ORDER BY namespace", (account_id, now))
        return [(r["namespace"], int(r["n"]), int(r["bytes"])) for r in rows]
