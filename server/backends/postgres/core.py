"""Accounts, API keys, templates and stored results in PostgreSQL (the SQLite side: `sqlite.py`).
Each call is one statement: writes return their row (`RETURNING`) instead of reading it back."""

from __future__ import annotations

import builtins
import json
import secrets
import time
from typing import Any

from ..records import Account, ApiKey, Page, ResultRecord, TemplateRecord
from .db import Database, Row


def _account(row: Row) -> Account:
    return Account(
        id=row["id"], email=row["email"], name=row["name"], plan=row["plan"],
        team_hash=row["team_hash"], embed_key=row["embed_key"], render_secret=row["render_secret"],
        host_allowlist=tuple(json.loads(row["host_allowlist"])), created_at=row["created_at"],
    )


def _key(row: Row) -> ApiKey:
    return ApiKey(
        id=row["id"], account_id=row["account_id"], prefix=row["prefix"],
        key_hash=row["key_hash"], name=row["name"], role=row["role"],
        abilities=tuple(json.loads(row["abilities"])), active=row["active"],
        created_at=row["created_at"], last_used_at=row["last_used_at"],
    )


def _template(row: Row) -> TemplateRecord:
    data = row.get("json_data")
    return TemplateRecord(
        id=row["id"], account_id=row["account_id"], name=row["name"],
        description=row["description"], json_data=json.loads(data) if data else {},
        public=row["public"], preview_url=row["preview_url"],
        require_signature=row["require_signature"], version=row["version"],
        created_at=row["created_at"], updated_at=row["updated_at"],
    )


def _result(r: Row) -> ResultRecord:
    return ResultRecord(key=r["key"], blob_key=r["blob_key"], media_type=r["media_type"],
                        size=r["size"], account_id=r["account_id"], template_id=r["template_id"],
                        created_at=r["created_at"])


class PostgresAccounts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, email: str, *, name: str = "", plan: str = "free") -> Account:
        row = self.db.returning(
            "INSERT INTO accounts (email, name, plan, team_hash, embed_key, render_secret,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING *",
            (email, name, plan, secrets.token_hex(8), secrets.token_hex(16),
             secrets.token_urlsafe(32), time.time()))
        assert row is not None
        return _account(row)

    def get(self, account_id: int) -> Account | None:
        row = self.db.row("SELECT * FROM accounts WHERE id = %s", (account_id,))
        return _account(row) if row else None

    def by_email(self, email: str) -> Account | None:
        row = self.db.row("SELECT * FROM accounts WHERE email = %s", (email,))
        return _account(row) if row else None

    def _set(self, account_id: int, column: str, value: object) -> Account | None:
        row = self.db.returning(f"UPDATE accounts SET {column} = %s WHERE id = %s RETURNING *",
                                (value, account_id))
        return _account(row) if row else None

    def set_plan(self, account_id: int, plan: str) -> Account | None:
        return self._set(account_id, "plan", plan)

    def set_host_allowlist(self, account_id: int, hosts: list[str]) -> Account | None:
        return self._set(account_id, "host_allowlist", json.dumps(hosts))

    def rotate_embed_key(self, account_id: int) -> Account | None:
        return self._set(account_id, "embed_key", secrets.token_hex(16))


class PostgresKeys:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, key: ApiKey) -> ApiKey:
        self.db.run(
            "INSERT INTO api_keys (id, account_id, prefix, key_hash, name, role, abilities, active,"
            " created_at, last_used_at) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (key.id, key.account_id, key.prefix, key.key_hash, key.name, key.role,
             json.dumps(list(key.abilities)), key.active, key.created_at, key.last_used_at))
        return key

    def by_hash(self, key_hash: str) -> ApiKey | None:
        row = self.db.row("SELECT * FROM api_keys WHERE key_hash = %s", (key_hash,))
        return _key(row) if row else None

    def get(self, key_id: str) -> ApiKey | None:
        row = self.db.row("SELECT * FROM api_keys WHERE id = %s", (key_id,))
        return _key(row) if row else None

    def list(self, account_id: int | None = None) -> builtins.list[ApiKey]:
        if account_id is None:
            rows = self.db.rows("SELECT * FROM api_keys ORDER BY created_at, id")
        else:
            rows = self.db.rows("SELECT * FROM api_keys WHERE account_id = %s ORDER BY created_at, id",
                                (account_id,))
        return [_key(r) for r in rows]

    def count(self, account_id: int) -> int:
        row = self.db.row("SELECT COUNT(*) AS n FROM api_keys WHERE account_id = %s", (account_id,))
        return int(row["n"]) if row else 0

    def set_active(self, key_id: str, active: bool) -> bool:
        return self.db.run("UPDATE api_keys SET active = %s WHERE id = %s", (active, key_id)) > 0

    def delete(self, key_id: str) -> bool:
        return self.db.run("DELETE FROM api_keys WHERE id = %s", (key_id,)) > 0

    def touch(self, key_id: str, when: float) -> None:
        self.db.run("UPDATE api_keys SET last_used_at = %s WHERE id = %s", (when, key_id))


_TEMPLATE_COLUMNS = ("name", "description", "json_data", "public", "preview_url", "require_signature")
_HEAD_COLUMNS = ("id, account_id, name, description, public, preview_url, require_signature,"
                 " version, created_at, updated_at")


class PostgresTemplates:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, record: TemplateRecord) -> TemplateRecord:
        now = time.time()
        row = self.db.returning(
            "INSERT INTO templates (id, account_id, name, description, json_data, public,"
            " preview_url, require_signature, version, created_at, updated_at)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
            (record.id, record.account_id, record.name, record.description,
             json.dumps(record.json_data), record.public, record.preview_url,
             record.require_signature, record.version, record.created_at or now,
             record.updated_at or now))
        assert row is not None
        return _template(row)

    def get(self, template_id: str, *, with_data: bool = True) -> TemplateRecord | None:
        columns = "*" if with_data else _HEAD_COLUMNS
        row = self.db.row(f"SELECT {columns} FROM templates WHERE id = %s", (template_id,))
        return _template(row) if row else None

    def list(self, account_id: int, *, offset: int = 0, limit: int = 20) -> Page:
        # The total rides along as a window count: one round trip for the page and its size.
        rows = self.db.rows(
            "SELECT *, COUNT(*) OVER () AS total FROM templates WHERE account_id = %s"
            " ORDER BY created_at, id LIMIT %s OFFSET %s", (account_id, limit, offset))
        total = int(rows[0]["total"]) if rows else self.count(account_id)
        return Page(items=[_template(r) for r in rows], total=total)

    def list_public(self, *, limit: int = 100) -> builtins.list[TemplateRecord]:
        rows = self.db.rows("SELECT * FROM templates WHERE public ORDER BY created_at, id LIMIT %s",
                            (limit,))
        return [_template(r) for r in rows]

    def count(self, account_id: int) -> int:
        row = self.db.row("SELECT COUNT(*) AS n FROM templates WHERE account_id = %s", (account_id,))
        return int(row["n"]) if row else 0

    def update(self, template_id: str, changes: dict[str, Any]) -> TemplateRecord | None:
        unknown = set(changes) - set(_TEMPLATE_COLUMNS)
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        values = [json.dumps(v) if n == "json_data" else v for n, v in changes.items()]
        assignments = "".join(f"{name} = %s, " for name in changes)
        row = self.db.returning(
            f"UPDATE templates SET {assignments}version = version + 1, updated_at = %s"
            " WHERE id = %s RETURNING *", (*values, time.time(), template_id))
        return _template(row) if row else None

    def delete(self, template_id: str) -> bool:
        return self.db.run("DELETE FROM templates WHERE id = %s", (template_id,)) > 0


class PostgresResults:
    def __init__(self, db: Database) -> None:
        self.db = db

    def put(self, record: ResultRecord) -> None:
        self.db.run(
            "INSERT INTO results (key, blob_key, media_type, size, account_id, template_id,"
            " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s) ON CONFLICT (key) DO UPDATE SET"
            " blob_key = excluded.blob_key, media_type = excluded.media_type, size = excluded.size,"
            " account_id = excluded.account_id, template_id = excluded.template_id,"
            " created_at = excluded.created_at",
            (record.key, record.blob_key, record.media_type, record.size, record.account_id,
             record.template_id, record.created_at or time.time()))

    def get(self, key: str) -> ResultRecord | None:
        row = self.db.row("SELECT * FROM results WHERE key = %s", (key,))
        return _result(row) if row else None

    def derived_from(self, origin: str) -> builtins.list[ResultRecord]:
        return [_result(r) for r in self.db.rows("SELECT * FROM results WHERE template_id = %s"
                                                 " ORDER BY created_at, key",
                                                 (origin,))]

    def delete(self, key: str) -> bool:
        return self.db.run("DELETE FROM results WHERE key = %s", (key,)) > 0
