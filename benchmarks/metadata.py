"""The metadata layer's hot paths on SQLite: today's hand-written SQL against a SQLAlchemy Core
prototype of the same three queries, to decide how PostgreSQL joins (ARCHITECTURE.md).

    python benchmarks/metadata.py [--ops 2000] [--images 2000]

The three paths: the API-key lookup every authenticated request makes, one page of `/api/images`
(50 rows, newest first), and an upload's insert with its two quota claims in one transaction.
Both sides use one file database in WAL mode with `synchronous=NORMAL`, take the write lock up
front (`BEGIN IMMEDIATE`) and build the same record objects from the rows. SQLAlchemy is needed
only here (`pip install sqlalchemy`); it is not a dependency of the server.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 (after the path set-up)
from sqlalchemy.dialects.sqlite import insert as sqlite_insert  # noqa: E402

from pinrender_server.backends import ApiKey, Claim, ImageRecord, SqliteMetaStore  # noqa: E402
from pinrender_server.services.accounts import hash_key, issue_key  # noqa: E402

NOW = 1_800_000_000.0


def record(account_id: int, i: int) -> ImageRecord:
    return ImageRecord(id=0, unique_id="", account_id=account_id, blob_key=f"originals/t/{i}.jpg",
                       media_type="image/jpeg", ext="jpg", width=640, height=480, size=40_000,
                       title=f"image {i}", created_at=NOW + i, updated_at=NOW + i)


def claims(i: int) -> tuple[Claim, ...]:
    return (Claim("storage_bytes", "all", 40_000), Claim("uploads", "2027-01", 1, 10**9))


class CoreStore:
    """The prototype: the same three queries in SQLAlchemy Core, on the same file."""

    def __init__(self, path: str) -> None:
        self.engine = sa.create_engine(f"sqlite:///{path}")

        @sa.event.listens_for(self.engine, "connect")
        def connect(dbapi: Any, _: Any) -> None:
            dbapi.isolation_level = None  # SQLAlchemy's documented recipe: we emit BEGIN ourselves
            dbapi.execute("PRAGMA foreign_keys = ON")
            dbapi.execute("PRAGMA synchronous = NORMAL")

        @sa.event.listens_for(self.engine, "begin")
        def begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        md = sa.MetaData()
        self.keys = sa.Table("api_keys", md, autoload_with=self.engine)
        self.images = sa.Table("images", md, autoload_with=self.engine)
        self.tags = sa.Table("image_tags", md, autoload_with=self.engine)
        self.usage = sa.Table("usage", md, autoload_with=self.engine)

    def key_by_hash(self, key_hash: str) -> ApiKey | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(self.keys).where(self.keys.c.key_hash == key_hash)).first()
        if row is None:
            return None
        m = row._mapping
        return ApiKey(id=m["id"], account_id=m["account_id"], prefix=m["prefix"],
                      key_hash=m["key_hash"], name=m["name"], role=m["role"],
                      abilities=tuple(json.loads(m["abilities"])), active=bool(m["active"]),
                      created_at=m["created_at"], last_used_at=m["last_used_at"])

    def page(self, account_id: int, now: float, limit: int = 50) -> list[ImageRecord]:
        i = self.images.c
        query = (sa.select(self.images)
                 .where(i.account_id == account_id, i.deleted_at.is_(None),
                        sa.or_(i.expires_at.is_(None), i.expires_at > now))
                 .order_by(i.id.desc()).limit(limit + 1))
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        out = []
        for row in rows[:limit]:
            data = dict(row._mapping)
            data["tags"] = tuple(json.loads(data["tags"]))
            data["hotspots"] = tuple(json.loads(data["hotspots"]))
            data["metadata"] = json.loads(data["metadata"])
            data["public"] = bool(data["public"])
            out.append(ImageRecord(**data))
        return out

    def create(self, rec: ImageRecord, claims: tuple[Claim, ...], unique_id: str) -> int | None:
        u = self.usage.c
        values = {k: v for k, v in rec.__dict__.items() if k != "id"}
        values.update(unique_id=unique_id, tags=json.dumps(list(rec.tags)),
                      hotspots=json.dumps(list(rec.hotspots)), metadata=json.dumps(rec.metadata),
                      public=int(rec.public))
        with self.engine.begin() as conn:
            for claim in claims:
                if claim.limit is not None:
                    count = conn.execute(sa.select(u.count).where(
                        u.account_id == rec.account_id, u.metric == claim.metric,
                        u.period == claim.period)).scalar()
                    if (count or 0) + claim.amount > claim.limit:
                        raise RuntimeError("refused")
                upsert = sqlite_insert(self.usage).values(
                    account_id=rec.account_id, metric=claim.metric, period=claim.period,
                    count=claim.amount)
                conn.execute(upsert.on_conflict_do_update(
                    index_elements=[u.account_id, u.metric, u.period],
                    set_={"count": u.count + claim.amount}))
            image_id = conn.execute(sa.insert(self.images).values(**values)).inserted_primary_key
            if rec.tags:
                conn.execute(sa.insert(self.tags), [{"image_id": image_id[0], "tag": t}
                                                     for t in rec.tags])
        return int(image_id[0])


def timed(fn: Callable[[int], object], ops: int) -> tuple[float, float]:
    """Median and p99 microseconds per call over `ops` calls (after 50 warm-up calls)."""
    for i in range(50):
        fn(-1 - i)
    samples = []
    for i in range(ops):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000, help="calls per path and layer")
    parser.add_argument("--images", type=int, default=2000, help="rows behind the list query")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = str(Path(tmp) / "meta.db")
        meta = SqliteMetaStore(path)
        secret = ""
        for n in range(50):
            secret = issue_key(meta, f"u{n}@example.com").secret
        account = meta.keys.by_hash(hash_key(secret))
        assert account is not None
        aid = account.account_id
        for i in range(args.images):
            meta.images.create(record(aid, i), claims=claims(i))
        core = CoreStore(path)
        h = hash_key(secret)
        assert core.key_by_hash(h) == meta.keys.by_hash(h)
        assert core.page(aid, NOW) == meta.images.list(aid, now=NOW).items[:50]
        serial = iter(range(10**9))
        rows = [
            ("API-key lookup", lambda i: meta.keys.by_hash(h), lambda i: core.key_by_hash(h)),
            (f"/api/images page (50 of {args.images})", lambda i: meta.images.list(aid, now=NOW),
             lambda i: core.page(aid, NOW)),
            ("upload insert + 2 claims",
             lambda i: meta.images.create(record(aid, 10**6 + next(serial)), claims=claims(i)),
             lambda i: core.create(record(aid, 10**6 + next(serial)), claims(i),
                                   f"c{next(serial):07d}")),
        ]
        print(f"SQLite {sqlite3.sqlite_version}, SQLAlchemy "
              f"{sa.__version__}, {args.ops} calls per cell (median / p99 in µs)")
        print("| hot path | hand-written SQL | SQLAlchemy Core | Core / SQL |")
        print("|---|---|---|---|")
        for name, raw, alchemy in rows:
            r50, r99 = timed(raw, args.ops)
            c50, c99 = timed(alchemy, args.ops)
            print(f"| {name} | {r50:.0f} / {r99:.0f} | {c50:.0f} / {c99:.0f} | {c50 / r50:.2f}x |")
        meta.close()
        core.engine.dispose()


if __name__ == "__main__":
    main()
