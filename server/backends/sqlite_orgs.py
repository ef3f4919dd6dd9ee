"""The embedded store of the org-token family (seed 002): organisation tokens and events."""

from __future__ import annotations

import sqlite3

from .records import Event, OrgToken
from .sqlite_db import Database


def _token(row: sqlite3.Row) -> OrgToken:
    return OrgToken(id=row["id"], org_id=row["org_id"], name=row["name"], prefix=row["prefix"],
                    token_hash=row["token_hash"], active=bool(row["active"]),
                    created_at=row["created_at"], last_used_at=row["last_used_at"])


def _event(row: sqlite3.Row) -> Event:
    return Event(id=row["id"], org_id=row["org_id"], name=row["name"],
                 created_at=row["created_at"])


class SqliteOrgTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, token: OrgToken, *, max_per_org: int) -> OrgToken | None:
        # Count and insert under one write lock (BEGIN IMMEDIATE): a burst of creates, from any
        # number of processes, cannot pass the limit.
        with self.db.transaction() as conn:
            count = conn.execute("SELECT COUNT(*) FROM org_tokens WHERE org_id = ?",
                                 (token.org_id,)).fetchone()[0]
            if count >= max_per_org:
                return None
            conn.execute(
                "INSERT INTO org_tokens (id, org_id, name, prefix, token_hash, active, created_at,"
                " last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (token.id, token.org_id, token.name, token.prefix, token.token_hash,
                 int(token.active), token.created_at, token.last_used_at))
        return token

    def by_hash(self, token_hash: str) -> OrgToken | None:
        rows = self.db.query("SELECT * FROM org_tokens WHERE token_hash = ?", (token_hash,))
        return _token(rows[0]) if rows else None

    def get(self, token_id: str) -> OrgToken | None:
        rows = self.db.query("SELECT * FROM org_tokens WHERE id = ?", (token_id,))
        return _token(rows[0]) if rows else None

    def list(self, org_id: int) -> list[OrgToken]:
        rows = self.db.query("SELECT * FROM org_tokens WHERE org_id = ? ORDER BY created_at, id",
                             (org_id,))
        return [_token(r) for r in rows]

    def set_active(self, token_id: str, active: bool) -> OrgToken | None:
        with self.db.transaction() as conn:
            conn.execute("UPDATE org_tokens SET active = ? WHERE id = ?", (int(active), token_id))
        return self.get(token_id)

    def delete(self, token_id: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM org_tokens WHERE id = ?", (token_id,)).rowcount > 0

    def touch(self, token_id: str, when: float) -> None:
        self.db.query("UPDATE org_tokens SET last_used_at = ? WHERE id = ?", (when, token_id))


class SqliteEvents:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, org_id: int, name: str, *, now: float) -> Event:
        with self.db.transaction() as conn:
            cur = conn.execute("INSERT INTO events (org_id, name, created_at) VALUES (?, ?, ?)",
                               (org_id, name, now))
            event_id = int(cur.lastrowid or 0)
        return Event(id=event_id, org_id=org_id, name=name, created_at=now)

    def get(self, event_id: int) -> Event | None:
        rows = self.db.query("SELECT * FROM events WHERE id = ?", (event_id,))
        return _event(rows[0]) if rows else None

    def list(self, org_id: int) -> list[Event]:
        rows = self.db.query("SELECT * FROM events WHERE org_id = ? ORDER BY id", (org_id,))
        return [_event(r) for r in rows]
