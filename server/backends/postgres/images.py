"""The image repository in PostgreSQL: one `images` table for every API family, tags in a side
table (filled by the insert itself) so tag filters are index lookups."""

from __future__ import annotations

import builtins
import json
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import psycopg

from ..records import Claim, ClaimRefused, Conflict, ImagePage, ImageRecord, new_unique_id
from .db import Database, Row

_JSON_FIELDS = {"tags", "metadata", "hotspots"}
_COLUMNS = [f.name for f in fields(ImageRecord) if f.name != "id"]
_UPDATABLE = set(_COLUMNS) - {"unique_id", "account_id", "created_at", "version"}
_LIVE = "deleted_at IS NULL AND (expires_at IS NULL OR expires_at > %s)"

# One statement, one round trip: `pinrender_admit` (schema.py) checks the cap and spends the
# claims, or raises and nothing is written; then the row and its tags, the row coming back with
# its id. Without a claim or a cap the admission is a constant.
_INSERT = (
    "WITH admitted AS (SELECT pinrender_admit(%s, %s, %s, %s::text[], %s::text[], %s::bigint[],"
    " %s::bigint[]) AS ok),"
    f" made AS (INSERT INTO images ({', '.join(_COLUMNS)})"
    f" SELECT {', '.join('%s' for _ in _COLUMNS)} FROM admitted RETURNING *),"
    " tagged AS (INSERT INTO image_tags (image_id, tag)"
    " SELECT DISTINCT made.id, tag FROM made, unnest(%s::text[]) AS tag)"
    " SELECT * FROM made"
)


def _row(row: Row) -> ImageRecord:
    data = dict(row)
    data["tags"] = tuple(json.loads(data["tags"]))
    data["hotspots"] = tuple(json.loads(data["hotspots"]))
    data["metadata"] = json.loads(data["metadata"])
    return ImageRecord(**data)


def _column_value(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return json.dumps(list(value) if isinstance(value, tuple) else value, separators=(",", ":"))
    if name == "public":
        return bool(value)
    return value


class PostgresImages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, record: ImageRecord, *, max_live: int | None = None, now: float = 0.0,
               claims: Sequence[Claim] = ()) -> ImageRecord | None:
        values = {name: getattr(record, name) for name in _COLUMNS}  # shallow: asdict deep-copies
        for _ in range(10):
            if not record.unique_id:
                values["unique_id"] = new_unique_id()
            try:
                return self._insert(record, values, max_live, now, claims)
            except Conflict as exc:
                if "images_unique_id_key" in str(exc) and not record.unique_id:
                    continue  # a collision of random ids: draw another
                raise
        raise RuntimeError("could not draw a free unique_id")

    def _insert(self, record: ImageRecord, values: dict[str, Any], max_live: int | None,
                now: float, claims: Sequence[Claim]) -> ImageRecord | None:
        account_id = record.account_id
        spent = claims if account_id is not None else ()
        params = [account_id, max_live, now, [c.metric for c in spent], [c.period for c in spent],
                  [c.amount for c in spent], [c.limit for c in spent],
                  *(_column_value(n, values[n]) for n in _COLUMNS), list(record.tags)]
        with self.db.connection() as conn:
            try:
                row = conn.execute(_INSERT, params).fetchone()
            except psycopg.errors.RaiseException as exc:
                refusal = exc.diag.message_primary or ""
                if refusal == "pinrender:full":
                    return None
                if refusal.startswith("pinrender:claim:"):
                    raise ClaimRefused(spent[int(refusal.rsplit(":", 1)[1]) - 1]) from None
                raise
        assert row is not None
        return _row(row)

    def get(self, ref: int | str, *, include_deleted: bool = False) -> ImageRecord | None:
        column = "id" if isinstance(ref, int) or str(ref).isdigit() else "unique_id"
        value: Any = int(ref) if column == "id" else str(ref)
        if column == "id" and not -(2**63) <= value < 2**63:
            return None  # no bigint id can match, and the driver would refuse the number
        sql = f"SELECT * FROM images WHERE {column} = %s"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        row = self.db.row(sql, (value,))
        return _row(row) if row else None

    def by_external_id(self, account_id: int, external_id: str) -> ImageRecord | None:
        row = self.db.row("SELECT * FROM images WHERE account_id = %s AND external_id = %s"
                          " AND deleted_at IS NULL", (account_id, external_id))
        return _row(row) if row else None

    def list(self, account_id: int, *, now: float, before_id: int | None = None, limit: int = 50,
             namespace: str | None = None, tags: tuple[str, ...] = (),
             tag_mode: str = "all") -> ImagePage:
        where = ["account_id = %s", _LIVE]
        params: list[Any] = [account_id, now]
        if before_id is not None:
            where.append("id < %s")
            params.append(before_id)
        if namespace is not None:
            where.append("namespace = %s")
            params.append(namespace)
        if tags:
            # One array parameter, whatever the number of tags: one prepared statement serves all.
            if tag_mode == "any":
                where.append("id IN (SELECT image_id FROM image_tags WHERE tag = ANY(%s::text[]))")
                params.append(list(tags))
            else:
                where.append("id IN (SELECT image_id FROM image_tags WHERE tag = ANY(%s::text[])"
                             " GROUP BY image_id HAVING COUNT(*) = %s)")
                params.extend([list(tags), len(set(tags))])
        rows = self.db.rows(
            f"SELECT * FROM images WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT %s",
            (*params, limit + 1))
        return ImagePage([_row(r) for r in rows[:limit]], has_more=len(rows) > limit)

    def update(self, image_id: int, changes: dict[str, Any], *, now: float) -> ImageRecord | None:
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        sets = [f"{name} = %s" for name in changes] + ["version = version + 1", "updated_at = %s"]
        values = [_column_value(n, v) for n, v in changes.items()] + [now, image_id]
        with self.db.transaction() as conn:
            row = conn.execute(f"UPDATE images SET {', '.join(sets)} WHERE id = %s RETURNING *",
                               values).fetchone()
            if row is None:
                return None
            if "tags" in changes:
                conn.execute("DELETE FROM image_tags WHERE image_id = %s", (image_id,))
                conn.execute("INSERT INTO image_tags (image_id, tag) SELECT DISTINCT %s::bigint, tag"
                             " FROM unnest(%s::text[]) AS tag", (image_id, list(changes["tags"])))
        return _row(row)

    def soft_delete(self, image_id: int, *, now: float) -> bool:
        return self.db.run(
            "UPDATE images SET deleted_at = %s, version = version + 1, updated_at = %s"
            " WHERE id = %s AND deleted_at IS NULL", (now, now, image_id)) > 0

    def purge(self, image_id: int) -> bool:
        return self.db.run("DELETE FROM images WHERE id = %s", (image_id,)) > 0

    def count(self, account_id: int, *, now: float) -> int:
        row = self.db.row(f"SELECT COUNT(*) AS n FROM images WHERE account_id = %s AND {_LIVE}",
                          (account_id, now))
        return int(row["n"]) if row else 0

    def total_bytes(self, account_id: int, *, now: float) -> int:
        row = self.db.row(f"SELECT COALESCE(SUM(size), 0) AS n FROM images WHERE account_id = %s"
                          f" AND {_LIVE}", (account_id, now))
        return int(row["n"]) if row else 0

    def namespaces(self, account_id: int, *, now: float) -> builtins.list[tuple[str, int]]:
        rows = self.db.rows(
            f"SELECT namespace, COUNT(*) AS n FROM images WHERE account_id = %s AND {_LIVE}"
            " AND namespace IS NOT NULL GROUP BY namespace ORDER BY namespace", (account_id, now))
        return [(r["namespace"], int(r["n"])) for r in rows]

    def due_for_removal(self, *, now: float, limit: int = 100) -> builtins.list[ImageRecord]:
        rows = self.db.rows(
            "SELECT * FROM images WHERE deleted_at IS NOT NULL"
            " OR (expires_at IS NOT NULL AND expires_at <= %s) ORDER BY id LIMIT %s", (now, limit))
        return [_row(r) for r in rows]

    def has_blob(self, blob_key: str) -> bool:
        return bool(self.db.rows("SELECT 1 FROM images WHERE blob_key = %s LIMIT 1", (blob_key,)))

    def recount_bytes(self, metric: str, period: str) -> int:
        with self.db.transaction() as conn:
            # Lock the ledgers being rewritten, so a claim racing the recount waits for it.
            conn.execute("LOCK TABLE usage IN SHARE ROW EXCLUSIVE MODE")
            stored = ("(SELECT COALESCE(SUM(size), 0) FROM images WHERE account_id = a.id"
                      " AND deleted_at IS NULL)")
            row = conn.execute(
                "SELECT COUNT(*) AS n FROM accounts a LEFT JOIN usage u ON u.account_id = a.id"
                f" AND u.metric = %s AND u.period = %s WHERE COALESCE(u.count, 0) != {stored}",
                (metric, period)).fetchone()
            conn.execute(
                f"INSERT INTO usage (account_id, metric, period, count) SELECT a.id, %s, %s, {stored}"
                " FROM accounts a ON CONFLICT (account_id, metric, period)"
                " DO UPDATE SET count = excluded.count", (metric, period))
        return int(row["n"]) if row else 0
