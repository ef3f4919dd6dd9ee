"""Rows to records, for the backends whose drivers hand back mappings with JSON as text (SQLite,
PostgreSQL): one conversion each, so the dialects cannot drift apart in what they return."""

from __future__ import annotations

import json
from typing import Any, Protocol

from .records import JobRecord


class Row(Protocol):
    """A row by column name: a dict (psycopg's dict_row) or a `sqlite3.Row`."""

    def __getitem__(self, name: str, /) -> Any: ...


def dump_json(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def job_record(row: Row) -> JobRecord:
    return JobRecord(
        id=row["id"], account_id=row["account_id"], kind=row["kind"], status=row["status"],
        input=json.loads(row["input"]), state=json.loads(row["state"]),
        results=json.loads(row["results"]) if row["results"] is not None else None,
        error=row["error"], attempts=row["attempts"], lease_owner=row["lease_owner"],
        lease_until=row["lease_until"], created_at=row["created_at"], updated_at=row["updated_at"],
    )
