"""The embedded store of the hosting family's own state (seed 001): email verification tokens,
which accounts are verified, and which image expiries come from an unverified plan's retention
(so verifying can lift exactly those, and never a `ttl` the caller asked for)."""

from __future__ import annotations

from .sqlite_db import Database


class SqliteHosting:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add_verification(self, token_hash: str, account_id: int, *, now: float,
                         expires_at: float) -> None:
        self.db.query(
            "INSERT INTO verification_tokens (token_hash, account_id, created_at, expires_at)"
            " VALUES (?, ?, ?, ?)", (token_hash, account_id, now, expires_at))

    def verify(self, token_hash: str, *, now: float) -> int | None:
        # One transaction: the account becomes verified and its retention expiries are lifted
        # together, so no image can expire "between" the two.
        with self.db.transaction() as conn:
            row = conn.execute(
                "SELECT account_id FROM verification_tokens WHERE token_hash = ? AND expires_at > ?",
                (token_hash, now)).fetchone()
            if row is None:
                return None
            account_id = int(row[0])
            conn.execute("INSERT OR IGNORE INTO verified_accounts (account_id, verified_at)"
                         " VALUES (?, ?)", (account_id, now))
            conn.execute(
                "UPDATE images SET expires_at = NULL, version = version + 1, updated_at = ?"
                " WHERE account_id = ? AND deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
                " AND id IN (SELECT image_id FROM retention_expiries)", (now, account_id, now))
            conn.execute("DELETE FROM retention_expiries WHERE image_id IN"
                         " (SELECT id FROM images WHERE account_id = ?)", (account_id,))
            return account_id

    def is_verified(self, account_id: int) -> bool:
        rows = self.db.query("SELECT 1 FROM verified_accounts WHERE account_id = ?", (account_id,))
        return bool(rows)

    def mark_retention(self, image_id: int) -> None:
        self.db.query("INSERT OR IGNORE INTO retention_expiries (image_id) VALUES (?)", (image_id,))

    def namespace_usage(self, account_id: int, *, now: float) -> list[tuple[str, int, int]]:
        rows = self.db.query(
            "SELECT namespace, COUNT(*), COALESCE(SUM(size), 0) FROM images WHERE account_id = ?"
            " AND deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"
            " AND namespace IS NOT NULL GROUP BY namespace ORDER BY namespace", (account_id, now))
        return [(r[0], int(r[1]), int(r[2])) for r in rows]
