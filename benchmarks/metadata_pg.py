"""The metadata layer's three hot paths on the embedded SQLite store and on PostgreSQL, through
the same `MetaStore` calls the server makes.

    python benchmarks/metadata_pg.py [--ops 2000] [--images 2000] [--url postgresql://postgres@127.0.0.1/postgres]

The paths: the API-key lookup every authenticated request makes, one page of `/api/images` (50
rows, newest first), and an upload's insert with its two quota claims in one transaction. SQLite
is one file in WAL mode; PostgreSQL is the server at `--url` (a maintenance database: a scratch
database is created there and dropped after), reached over loopback TCP through the store's pool,
so its columns include a network round trip per call that SQLite does not pay. PostgreSQL runs
twice: as configured (a commit waits for its WAL flush: durable through an OS crash) and with
`synchronous_commit=off` (a commit does not wait; closer to SQLite's WAL + `synchronous=NORMAL`,
which the embedded store uses), to show what the flush costs.
"""

from __future__ import annotations

import argparse
import secrets
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402 (after the path set-up)

from pinrender_server.backends import Claim, ImageRecord, MetaStore, open_meta_store  # noqa: E402
from pinrender_server.services.accounts import hash_key, issue_key  # noqa: E402

NOW = 1_800_000_000.0


def record(account_id: int, i: int) -> ImageRecord:
    return ImageRecord(id=0, unique_id="", account_id=account_id, blob_key=f"originals/t/{i}.jpg",
                       media_type="image/jpeg", ext="jpg", width=640, height=480, size=40_000,
                       title=f"image {i}", tags=("a", "b"), created_at=NOW + i, updated_at=NOW + i)


CLAIMS = (Claim("storage_bytes", "all", 40_000), Claim("uploads", "2027-01", 1, 10**9))


def timed(fn: Callable[[int], object], ops: int) -> tuple[float, float]:
    """Median and p99 microseconds per call over `ops` calls (after 50 warm-up calls, which also
    let psycopg prepare its statements)."""
    for i in range(50):
        fn(-1 - i)
    samples = []
    for i in range(ops):
        start = time.perf_counter()
        fn(i)
        samples.append((time.perf_counter() - start) * 1e6)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(len(samples) * 0.99))]


def paths(meta: MetaStore, images: int) -> list[tuple[str, Callable[[int], object]]]:
    secret = ""
    for n in range(50):
        secret = issue_key(meta, f"u{n}@example.com").secret
    key_hash = hash_key(secret)
    found = meta.keys.by_hash(key_hash)
    assert found is not None
    aid = found.account_id
    for i in range(images):
        meta.images.create(record(aid, i), claims=CLAIMS)
    serial = iter(range(10**9))
    return [
        ("API-key lookup", lambda i: meta.keys.by_hash(key_hash)),
        (f"/api/images page (50 of {images})", lambda i: meta.images.list(aid, now=NOW)),
        ("upload insert + 2 claims",
         lambda i: meta.images.create(record(aid, 10**6 + next(serial)), claims=CLAIMS)),
    ]


def paths_on(store: MetaStore, filled: MetaStore) -> list[tuple[str, Callable[[int], object]]]:
    """The three paths through `store`, on the rows `paths` already put in the same database."""
    key = filled.keys.list()[-1]
    aid = key.account_id
    serial = iter(range(2 * 10**9, 3 * 10**9))
    images = filled.images.count(aid, now=NOW)
    return [
        ("API-key lookup", lambda i: store.keys.by_hash(key.key_hash)),
        (f"/api/images page (50 of {images})", lambda i: store.images.list(aid, now=NOW)),
        ("upload insert + 2 claims",
         lambda i: store.images.create(record(aid, next(serial)), claims=CLAIMS)),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=2000, help="calls per path and store")
    parser.add_argument("--images", type=int, default=2000, help="rows behind the list query")
    parser.add_argument("--url", default="postgresql://postgres@127.0.0.1:5432/postgres",
                        help="a PostgreSQL maintenance database to make a scratch database in")
    args = parser.parse_args()
    name = f"pinrender_bench_{secrets.token_hex(4)}"
    with psycopg.connect(args.url, autocommit=True) as admin:
        version = admin.execute("SHOW server_version").fetchone()[0]  # type: ignore[index]
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with tempfile.TemporaryDirectory() as tmp:
            sqlite = open_meta_store(f"sqlite:///{Path(tmp) / 'meta.db'}")
            url = urlsplit(args.url)._replace(path=f"/{name}").geturl()
            durable = open_meta_store(url)
            relaxed = open_meta_store(url + "?options=-c%20synchronous_commit%3Doff")
            rows = zip(paths(sqlite, args.images), paths(durable, args.images), paths_on(relaxed, durable))
            print(f"SQLite {sqlite3.sqlite_version} (WAL file), PostgreSQL {version} (loopback TCP),"
                  f" psycopg {psycopg.__version__}; {args.ops} calls per cell (median / p99 in µs)")
            print("| hot path | SQLite | PostgreSQL | PostgreSQL / SQLite | PostgreSQL, synchronous_commit=off |")
            print("|---|---|---|---|---|")
            for (label, on_sqlite), (_, on_pg), (_, on_relaxed) in rows:
                s50, s99 = timed(on_sqlite, args.ops)
                p50, p99 = timed(on_pg, args.ops)
                r50, r99 = timed(on_relaxed, args.ops)
                print(f"| {label} | {s50:.0f} / {s99:.0f} | {p50:.0f} / {p99:.0f} | {p50 / s50:.1f}x"
                      f" | {r50:.0f} / {r99:.0f} |")
            for store in (sqlite, durable, relaxed):
                store.close()
    finally:
        with psycopg.connect(args.url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
