"""The org-token family's store in PostgreSQL (seed 002): organisation tokens and events."""

from __future__ import annotations

from ..records import Event, OrgToken
from .db import Database, Row


def _token(row: Row) -> OrgToken:
    return OrgToken(id=row["id"], org_id=row["org_id"], name=row["name"], prefix=row["prefix"],
                    token_hash=row["token_hash"], active=row["active"],
                    created_at=row["created_at"], last_used_at=row["last_used_at"])


def _event(row: Row) -> Event:
    return Event(id=row["id"], org_id=row["org_id"], name=row["name"], created_at=row["created_at"])


class PostgresOrgTokens:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, token: OrgToken, *, max_per_org: int) -> OrgToken | None:
        with self.db.transaction() as conn:
            # The organisation's row lock: creates for one organisation, from any number of
            # processes, count and insert one after another and cannot pass the limit.
            conn.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (token.org_id,))
            row = conn.execute("SELECT COUNT(*) AS n FROM org_tokens WHERE org_id = %s",
                               (token.org_id,)).fetchone()
            if row is not None and row["n"] >= max_per_org:
                return None
            conn.execute(
                "INSERT INTO org_tokens (id, org_id, name, prefix, token_hash, active, created_at,"
                " last_used_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                (token.id, token.org_id, token.name, token.prefix, token.token_hash,
                 token.active, token.created_at, token.last_used_at))
        return token

    def by_hash(self, token_hash: str) -> OrgToken | None:
        row = self.db.row("SELECT * FROM org_tokens WHERE token_hash = %s", (token_hash,))
        return _token(row) if row else None

    def get(self, token_id: str) -> OrgToken | None:
        row = self.db.row("SELECT * FROM org_tokens WHERE id = %s", (token_id,))
        return _token(row) if row else None

    def list(self, org_id: int) -> list[OrgToken]:
        rows = self.db.rows("SELECT * FROM org_tokens WHERE org_id = %s ORDER BY created_at, id",
                            (org_id,))
        return [_token(r) for r in rows]

    def set_active(self, token_id: str, active: bool) -> OrgToken | None:
        row = self.db.returning("UPDATE org_tokens SET active = %s WHERE id = %s RETURNING *",
                                (active, token_id))
        return _token(row) if row else None

    def delete(self, token_id: str) -> bool:
        return self.db.run("DELETE FROM org_tokens WHERE id = %s", (token_id,)) > 0

    def touch(self, token_id: str, when: float) -> None:
        self.db.run("UPDATE org_tokens SET last_used_at = %s WHERE id = %s", (when, token_id))


class PostgresEvents:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, org_id: int, name: str, *, now: float) -> Event:
        row = self.db.returning("INSERT INTO events (org_id, name, created_at) VALUES (%s, %s, %s)"
                                " RETURNING *", (org_id, name, now))
        assert row is not None
        return _event(row)

    def get(self, event_id: int) -> Event | None:
        if not -(2**63) <= event_id < 2**63:
            return None
        row = self.db.row("SELECT * FROM events WHERE id = %s", (event_id,))
        return _event(row) if row else None

    def list(self, org_id: int) -> list[Event]:
        return [_event(r) for r in self.db.rows("SELECT * FROM events WHERE org_id = %s ORDER BY id",
                                                (org_id,))]
