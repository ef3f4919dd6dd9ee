"""The embedded image repository: one `images` table for every API family, tags in a side table
so tag filters are index lookups."""

from __future__ import annotations

import builtins
import json
import sqlite3
from collections.abc import Sequence
from dataclasses import asdict, fields
from typing import Any

from .records import Claim, ClaimRefused, Conflict, ImagePage, ImageRecord, new_unique_id
from .sqlite_db import Database
from .sqlite_usage import spend

_JSON_FIELDS = {"tags", "metadata", "hotspots"}
_COLUMNS = [f.name for f in fields(ImageRecord)]
_UPDATABLE = set(_COLUMNS) - {"id", "unique_id", "account_id", "created_at", "version"}


def _row(row: sqlite3.Row) -> ImageRecord:
    data = dict(row)
    data["tags"] = tuple(json.loads(data["tags"]))
    data["hotspots"] = tuple(json.loads(data["hotspots"]))
    data["metadata"] = json.loads(data["metadata"])
    data["public"] = bool(data["public"])
    return ImageRecord(**data)


def _column_value(name: str, value: Any) -> Any:
    if name in _JSON_FIELDS:
        return json.dumps(list(value) if isinstance(value, tuple) else value, separators=(",", ":"))
    if name == "public":
        return int(bool(value))
    return value


_LIVE = "deleted_at IS NULL AND (expires_at IS NULL OR expires_at > ?)"


class SqliteImages:
    def __init__(self, db: Database) -> None:
        self.db = db

    def create(self, record: ImageRecord, *, max_live: int | None = None, now: float = 0.0,
               claims: Sequence[Claim] = ()) -> ImageRecord | None:
        values = asdict(record)
        values.pop("id")
        for _ in range(10):
            if not record.unique_id:
                values["unique_id"] = new_unique_id()
            names = list(values)
            try:
                with self.db.transaction() as conn:
                    if max_live is not None:
                        live = conn.execute(
                            f"SELECT COUNT(*) FROM images WHERE account_id = ? AND {_LIVE}",
                            (record.account_id, now)).fetchone()[0]
                        if live >= max_live:
                            return None
                    for claim in claims:
                        if record.account_id is not None and not spend(conn, record.account_id, claim):
                            raise ClaimRefused(claim)  # rolls the whole transaction back
                    cur = conn.execute(
                        f"INSERT INTO images ({', '.join(names)}) "
                        f"VALUES ({', '.join('?' for _ in names)})",
                        [_column_value(n, values[n]) for n in names],
                    )
                    image_id = int(cur.lastrowid or 0)
                    conn.executemany("INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)",
                                     [(image_id, tag) for tag in record.tags])
            except sqlite3.IntegrityError as exc:
                if "unique_id" in str(exc) and not record.unique_id:
                    continue  # a collision of random ids: draw another
                raise Conflict(str(exc)) from None
            found = self.get(image_id, include_deleted=True)
            assert found is not None
            return found
        raise RuntimeError("could not draw a free unique_id")

    def get(self, ref: int | str, *, include_deleted: bool = False) -> ImageRecord | None:
        column = "id" if isinstance(ref, int) or str(ref).isdigit() else "unique_id"
        value: Any = int(ref) if column == "id" else str(ref)
        sql = f"SELECT * FROM images WHERE {column} = ?"
        if not include_deleted:
            sql += " AND deleted_at IS NULL"
        rows = self.db.query(sql, (value,))
        return _row(rows[0]) if rows else None

    def by_external_id(self, account_id: int, external_id: str) -> ImageRecord | None:
        rows = self.db.query(
            "SELECT * FROM images WHERE account_id = ? AND external_id = ? AND deleted_at IS NULL",
            (account_id, external_id))
        return _row(rows[0]) if rows else None

    def list(self, account_id: int, *, now: float, before_id: int | None = None, limit: int = 50,
             namespace: str | None = None, tags: tuple[str, ...] = (),
             tag_mode: str = "all") -> ImagePage:
        where = ["account_id = ?", _LIVE]
        params: list[Any] = [account_id, now]
        if before_id is not None:
            where.append("id < ?")
            params.append(before_id)
        if namespace is not None:
            where.append("namespace = ?")
            params.append(namespace)
        if tags:
            marks = ", ".join("?" for _ in tags)
            if tag_mode == "any":
                where.append(f"id IN (SELECT image_id FROM image_tags WHERE tag IN ({marks}))")
                params.extend(tags)
            else:
                where.append(f"id IN (SELECT image_id FROM image_tags WHERE tag IN ({marks}) "
                             "GROUP BY image_id HAVING COUNT(*) = ?)")
                params.extend(tags)
                params.append(len(set(tags)))
        rows = self.db.query(
            f"SELECT * FROM images WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT ?",
            (*params, limit + 1))
        items = [_row(r) for r in rows[:limit]]
        return ImagePage(items, has_more=len(rows) > limit)

    def update(self, image_id: int, changes: dict[str, Any], *, now: float) -> ImageRecord | None:
        unknown = set(changes) - _UPDATABLE
        if unknown:
            raise ValueError(f"cannot update {sorted(unknown)}")
        sets = [f"{name} = ?" for name in changes] + ["version = version + 1", "updated_at = ?"]
        values = [_column_value(n, v) for n, v in changes.items()] + [now, image_id]
        with self.db.transaction() as conn:
            cur = conn.execute(f"UPDATE images SET {', '.join(sets)} WHERE id = ?", values)
            if cur.rowcount == 0:
                return None
            if "tags" in changes:
                conn.execute("DELETE FROM image_tags WHERE image_id = ?", (image_id,))
                conn.executemany("INSERT OR IGNORE INTO image_tags (image_id, tag) VALUES (?, ?)",
                                 [(image_id, tag) for tag in changes["tags"]])
        return self.get(image_id, include_deleted=True)

    def soft_delete(self, image_id: int, *, now: float) -> bool:
        with self.db.transaction() as conn:
            cur = conn.execute(
                "UPDATE images SET deleted_at = ?, version = version + 1, updated_at = ? "
                "WHERE id = ? AND deleted_at IS NULL", (now, now, image_id))
            return cur.rowcount > 0

    def purge(self, image_id: int) -> bool:
        with self.db.transaction() as conn:
            return conn.execute("DELETE FROM images WHERE id = ?", (image_id,)).rowcount > 0

    def count(self, account_id: int, *, now: float) -> int:
        rows = self.db.query(f"SELECT COUNT(*) FROM images WHERE account_id = ? AND {_LIVE}",
                             (account_id, now))
        return int(rows[0][0])

    def total_bytes(self, account_id: int, *, now: float) -> int:
        rows = self.db.query(
            f"SELECT COALESCE(SUM(size), 0) FROM images WHERE account_id = ? AND {_LIVE}",
            (account_id, now))
        return int(rows[0][0])

    def namespaces(self, account_id: int, *, now: float) -> builtins.list[tuple[str, int]]:
        rows = self.db.query(
            f"SELECT namespace, COUNT(*) FROM images WHERE account_id = ? AND {_LIVE} "
            "AND namespace IS NOT NULL GROUP BY namespace ORDER BY namespace", (account_id, now))
        return [(r[0], int(r[1])) for r in rows]

    def due_for_removal(self, *, now: float, limit: int = 100) -> builtins.list[ImageRecord]:
        rows = self.db.query(
            "SELECT * FROM images WHERE deleted_at IS NOT NULL "
            "OR (expires_at IS NOT NULL AND expires_at <= ?) ORDER BY id LIMIT ?", (now, limit))
        return [_row(r) for r in rows]

    def has_blob(self, blob_key: str) -> bool:
        return bool(self.db.query("SELECT 1 FROM images WHERE blob_key = ? LIMIT 1", (blob_key,)))

    def recount_bytes(self, metric: str, period: str) -> int:
        with self.db.transaction() as conn:
            changed = conn.execute(
                "SELECT COUNT(*) FROM accounts a LEFT JOIN usage u ON u.account_id = a.id"
                " AND u.metric = ? AND u.period = ? WHERE COALESCE(u.count, 0) != (SELECT"
                " COALESCE(SUM(size), 0) FROM images WHERE account_id = a.id AND deleted_at IS NULL)",
                (metric, period)).fetchone()[0]
            conn.execute(
                "INSERT INTO usage (account_id, metric, period, count) SELECT a.id, ?, ?,"
                " (SELECT COALESCE(SUM(size), 0) FROM images WHERE account_id = a.id"
                " AND deleted_at IS NULL) FROM accounts a WHERE true"
                " ON CONFLICT (account_id, metric, period) DO UPDATE SET count = excluded.count",
                (metric, period))
        return int(changed)
