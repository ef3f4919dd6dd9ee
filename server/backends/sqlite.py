"""The embedded metadata store: SQLite repositories over one `Database`."""

from __future__ import annotations

import builtins
import json
import secrets
import sqlite3
import time
from typing import Any

from .records import Account, ApiKey, Page, ResultRecord, TemplateRecord
from .sqlite_coordination import SqliteCoordination
from .sqlite_db import Database
from .sqlite_hosting import SqliteHosting
from .sqlite_images import SqliteImages
from .sqlite_jobs import SqliteJobs
from .sqlite_orgs import SqliteEvents, SqliteOrgTokens
from .sqlite_ratelimit import SqliteRateLimits
from .sqlite_usage import SqliteUsage


def _account(row: sqlite3.Row) -> Account:
    return Account(
        id=row["id"], email=row["email"], name=row["name"], plan=row["plan"],
        team_hash=row["team_hash"], embed_key=row["embed_key"], render_secret=row["render_secret"],
        host_allowlist=tuple(json.loads(row["host_allowlist"])), created_at=row["created_at"],
    )


def _key(row: sqlite3.Row) -> ApiKey:
    return ApiKey(
        id=row["id"], account_id=row["account_id"], prefix=row["prefix"],
        key_hash=row["key_hash"], name=row["name"], role=row["role"],
        abilities=tuple(json.loads(row["abilities"])), active=bool(row["active"]),
        created_at=row["created_at"], last_used_at=row["last_used_at"],
    )


def _template(row: sqlite3.Row) -> TemplateRecord:
    data = row["json_data"] if "json_data" in row.keys() else None  # noqa: SIM118 (Row.__contains__ tests values)
    return TemplateRecord(
        id=row["id"], account_id=row["account_id"], name=row["name"],
        description=row["description"], json_data=json.loads(data) if data else {},
        public=bool(row["public"]), preview_url=row["preview_url"],
        require_signature=bool(row["require_signature"]), version=row["version"],
        created_at=row["created_at"], updated_at=row["updated_at"],
    )


def _result(r: sqlite3.Row) -> ResultRecord:
    return ResultRecord(key=r["key"], blob_key=r["blob_key"], media_type=r["media_type"],
                        size=r["size"], account_id=r["account_id"], template_id=r["template_id"],
                        created_at=r["created_at"])


class SqliteAccounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, email: str, *, name: str = "", plan: str = "free") -> Account:
        with self.db.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO accounts (email, name, plan, team_hash, embed_key, render_secret,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (email, name, plan, secrets.token_hex(8), secrets.token_hex(16),
                 secrets.token_urlsafe(32), time.time()),
            )
            account_id = cur.lastrowid
        found = self.get(int(account_id or 0))
        assert found is not None
        return found

    def get(self, account_id: int) -> Account | None:
        rows = self.db.query("SELECT * FROM accounts WHERE id = ?", (account_id,))
        return _account(rows[0]) if rows else None

    def by_email(self, email: str) -> Account | None:
        rows = self.db.query("SELECT * FROM accounts WHERE email = ?", (email,))
        return _account(rows[0]) if rows else None

    def set_plan(self, account_id: int, plan: str) -> Account | None:
        self.db.query("UPDATE accounts SET plan = ? WHERE id = ?", (plan, account_id))
        return self.get(account_id)

    def set_host_allowlist(self, account_id: int, hosts: list[str]) -> Account | None:
        self.db.query(
            "UPDATE accounts SET host_allowlist = ? WHERE id = ?", (json.dumps(hosts), account_id)
        )
        return self.get(account_id)

    def rotate_embed_key(self, account_id: int) -> Account | None:
        self.db.query("UPDATE accounts SET embed_key = ? WHERE id = ?",
                      (secrets.token_hex(16), account_id))
        return self.get(account_id)


class SqliteKeys:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, key: ApiKey) -> ApiKey:
        self.db.query(
            "INSERT INTO api_keys (id, account_id, prefix, key_hash, name, role, abilities, active,"
            " created_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (key.id, key.account_id, key.prefix, key.key_hash, key.name, key.role,
             json.dumps(list(key.abilities)), int(key.active), key.created_at, key.last_used_at),
        )
        return key

    def by_hash(self, key_hash: str) -> ApiKey | None:
        rows = self.db.query("SELECT * FROM api_keys WHERE key_hash = ?", (key_hash,))
        return _key(rows[0]) if rows else None

    def get(self, key_id: str) -> ApiKey | None:
        rows = self.db.query("SELECT * FROM api_keys WHERE id = ?", (key_id,))
        return _key(rows[0]) if rows else None

    def list(self, account_id: int | None = None) -> builtins.list[ApiKey]:
        if account_id is None:
            rows = self.db.query("SELECT * FROM api_keys ORDER BY created_at, id")
        else:
            rows = self.db.query(
                "SELECT * FROM api_keys WHERE account_id = ? ORDER BY created_at, id", (account_id,)
            )
        return [_key(r) for r in rows]

    def count(self, account_id: int) -> int:
        rows = self.db.query("SELECT COUNT(*) FROM api_keys WHERE account_id = ?", (account_id,))
        return int(rows[0][0])

    def set_active(self, key_id: str, active: bool) -> bool:
        with self.db.transaction() as conn:
            cur = conn.execute("UPDATE api_keys SET active = ? WHERE id = ?", (int(active), key_id))
            return cur.rowcount > 0

    def delete(self, key_id: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM api_keys WHERE id = ?", (key_id,)).rowcount > 0

    def touch(self, key_id: str, when: float) -> None:
        self.db.query("UPDATE api_keys SET last_used_at = ? WHERE id = ?", (when, key_id))


_TEMPLATE_COLUMNS = {
    "name": "name", "description": "description", "json_data": "json_data", "public": "public",
    "preview_url": "preview_url", "require_signature": "require_signature",
}


_HEAD_COLUMNS = ("id, account_id, name, description, public, preview_url, require_signature,"
                 " version, created_at, updated_at")


class SqliteTemplates:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, record: TemplateRecord) -> TemplateRecord:
        now = time.time()
        self.db.query(
            "INSERT INTO templates (id, account_id, name, description, json_data, public,"
            " preview_url, require_signature, version, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (record.id, record.account_id, record.name, record.description,
             json.dumps(record.json_data), int(record.public), record.preview_url,
             int(record.require_signature), record.version, record.created_at or now,
             record.updated_at or now),
        )
        found = self.get(record.id)
        assert found is not None
        return found

    def get(self, template_id: str, *, with_data: bool = True) -> TemplateRecord | None:
        columns = "*" if with_data else _HEAD_COLUMNS
        rows = self.db.query(f"SELECT {columns} FROM templates WHERE id = ?", (template_id,))
        return _template(rows[0]) if rows else None

    def list(self, account_id: int, *, offset: int = 0, limit: int = 20) -> Page:
        rows = self.db.query(
            "SELECT * FROM templates WHERE account_id = ? ORDER BY created_at, id LIMIT ? OFFSET ?",
            (account_id, limit, offset),
        )
        return Page(items=[_template(r) for r in rows], total=self.count(account_id))

    def list_public(self, *, limit: int = 100) -> builtins.list[TemplateRecord]:
        rows = self.db.query(
            "SELECT * FROM templates WHERE public = 1 ORDER BY created_at, id LIMIT ?", (limit,)
        )
        return [_template(r) for r in rows]

    def count(self, account_id: int) -> int:
        rows = self.db.query("SELECT COUNT(*) FROM templates WHERE account_id = ?", (account_id,))
        return int(rows[0][0])

    def update(self, template_id: str, changes: dict[str, Any]) -> TemplateRecord | None:
        unknown = set(changes) - set(_TEMPLATE_COLUMNS)
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        values: list[object] = []
        for name, value in changes.items():
            if name == "json_data":
                value = json.dumps(value)
            elif isinstance(value, bool):
                value = int(value)
            values.append(value)
        assignments = "".join(f"{_TEMPLATE_COLUMNS[n]} = ?, " for n in changes)
        with self.db.transaction() as conn:
            cur = conn.execute(
                f"UPDATE templates SET {assignments}version = version + 1, updated_at = ?"
                " WHERE id = ?",
                (*values, time.time(), template_id),
            )
            if cur.rowcount == 0:
                return None
        return self.get(template_id)

    def delete(self, template_id: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM templates WHERE id = ?", (template_id,)).rowcount > 0


class SqliteResults:
    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, record: ResultRecord) -> None:
        self.db.query(
            "INSERT OR REPLACE INTO results (key, blob_key, media_type, size, account_id,"
            " template_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (record.key, record.blob_key, record.media_type, record.size, record.account_id,
             record.template_id, record.created_at or time.time()),
        )

    def get(self, key: str) -> ResultRecord | None:
        rows = self.db.query("SELECT * FROM results WHERE key = ?", (key,))
        return _result(rows[0]) if rows else None

    def derived_from(self, origin: str) -> builtins.list[ResultRecord]:
        rows = self.db.query("SELECT * FROM results WHERE template_id = ?", (origin,))
        return [_result(r) for r in rows]

    def delete(self, key: str) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM results WHERE key = ?", (key,)).rowcount > 0


class SqliteMetaStore:
    def __init__(self, path: str) -> None:
        self.db = Database(path)
        self.accounts = SqliteAccounts(self.db)
        self.keys = SqliteKeys(self.db)
        self.templates = SqliteTemplates(self.db)
        self.results = SqliteResults(self.db)
        self.images = SqliteImages(self.db)
        self.hosting = SqliteHosting(self.db)
        self.coordination = SqliteCoordination(self.db)
        self.counters = SqliteCounterStore(self.db)
        self.jobs = SqliteJobs(self.db)
        self.org_tokens = SqliteOrgTokens(self.db)
        self.events = SqliteEvents(self.db)

    def close(self) -> None:
        self.db.close()


class SqliteCounterStore:
    """Usage ledgers and rate-limit logs in a SQLite database: the metadata store's own (sharing
    its transactions), or one of their own (`PINRENDER_COUNTERS=sqlite:///path`)."""

    def __init__(self, db: Database, *, owns: bool = False) -> None:
        self.db = db
        self.usage = SqliteUsage(db)
        self.ratelimits = SqliteRateLimits(db)
        self._owns = owns

    @classmethod
    def open(cls, path: str) -> SqliteCounterStore:
        return cls(Database(path), owns=True)

    def close(self) -> None:
        if self._owns:
            self.db.close()
