"""The SQLite connection and its schema migrations.

Migrations are an ordered list in code; `PRAGMA user_version` records how many have run, so a data
dir created by an older release is brought forward on start and never re-migrated.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MIGRATIONS: list[str] = [
    """
    CREATE TABLE accounts (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        email TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL DEFAULT '',
        plan TEXT NOT NULL,
        team_hash TEXT NOT NULL UNIQUE,
        embed_key TEXT NOT NULL UNIQUE,
        render_secret TEXT NOT NULL,
        host_allowlist TEXT NOT NULL DEFAULT '[]',
        created_at REAL NOT NULL
    );
    CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        prefix TEXT NOT NULL,
        key_hash TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        abilities TEXT NOT NULL,
        active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        last_used_at REAL
    );
    CREATE INDEX api_keys_account ON api_keys(account_id);
    CREATE TABLE templates (
        id TEXT PRIMARY KEY,
        account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        json_data TEXT NOT NULL,
        public INTEGER NOT NULL DEFAULT 0,
        preview_url TEXT,
        require_signature INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX templates_account ON templates(account_id, created_at, id);
    CREATE INDEX templates_public ON templates(public, created_at);
    CREATE TABLE results (
        key TEXT PRIMARY KEY,
        blob_key TEXT NOT NULL,
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        account_id INTEGER,
        template_id TEXT,
        created_at REAL NOT NULL
    );
    CREATE TABLE usage (
        account_id INTEGER NOT NULL,
        metric TEXT NOT NULL,
        period TEXT NOT NULL,
        count INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (account_id, metric, period)
    );
    """,
    """
    CREATE TABLE images (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        unique_id TEXT NOT NULL UNIQUE,
        account_id INTEGER REFERENCES accounts(id) ON DELETE CASCADE,
        blob_key TEXT NOT NULL,
        media_type TEXT NOT NULL,
        ext TEXT NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        size INTEGER NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL DEFAULT '',
        name TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        namespace TEXT,
        metadata TEXT NOT NULL DEFAULT '{}',
        hotspots TEXT NOT NULL DEFAULT '[]',
        external_id TEXT,
        public INTEGER NOT NULL DEFAULT 1,
        source TEXT NOT NULL DEFAULT 'upload',
        date TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        expires_at REAL,
        deleted_at REAL
    );
    CREATE INDEX images_account ON images(account_id, id);
    CREATE INDEX images_namespace ON images(account_id, namespace, id);
    CREATE UNIQUE INDEX images_external ON images(account_id, external_id)
        WHERE external_id IS NOT NULL AND deleted_at IS NULL;
    CREATE INDEX images_expiry ON images(expires_at) WHERE expires_at IS NOT NULL;
    CREATE TABLE image_tags (
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (tag, image_id)
    );
    CREATE INDEX image_tags_image ON image_tags(image_id);
    """,
    """
    CREATE TABLE rate_hits (
        bucket TEXT NOT NULL,
        at REAL NOT NULL
    );
    CREATE INDEX rate_hits_bucket ON rate_hits(bucket, at);
    """,
    """
    CREATE TABLE verification_tokens (
        token_hash TEXT PRIMARY KEY,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        created_at REAL NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE TABLE verified_accounts (
        account_id INTEGER PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        verified_at REAL NOT NULL
    );
    CREATE TABLE retention_expiries (
        image_id INTEGER PRIMARY KEY REFERENCES images(id) ON DELETE CASCADE
    );
    """,
    """
    CREATE INDEX results_origin ON results(template_id);
    """,
    """
    CREATE INDEX images_blob ON images(blob_key);
    """,
    """
    CREATE TABLE leases (
        name TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        expires_at REAL NOT NULL
    );
    CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    );
    """,
    """
    ALTER TABLE images ADD COLUMN status TEXT NOT NULL DEFAULT 'ready';
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind TEXT NOT NULL,
        status TEXT NOT NULL,
        input TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT '{}',
        results TEXT,
        error TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        lease_owner TEXT,
        lease_until REAL,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    );
    CREATE INDEX jobs_open ON jobs(status, id);
    CREATE INDEX jobs_account ON jobs(account_id, status);
    CREATE TABLE job_charges (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        phase TEXT NOT NULL,
        account_id INTEGER NOT NULL,
        metric TEXT NOT NULL,
        period TEXT NOT NULL,
        amount INTEGER NOT NULL,
        PRIMARY KEY (job_id, phase)
    );
    """,
    # Seed 002: organisation tokens and events (an organisation is an account).
    """
    CREATE TABLE org_tokens (
        id TEXT PRIMARY KEY,
        org_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        token_hash TEXT NOT NULL UNIQUE,
        active INTEGER NOT NULL DEFAULT 1,
        created_at REAL NOT NULL,
        last_used_at REAL
    );
    CREATE INDEX org_tokens_org ON org_tokens(org_id, created_at);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        org_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE INDEX events_org ON events(org_id, id);
    """,
]


class Database:
    """One connection guarded by a lock.

    One connection keeps transactions simple and correct across the server's threads; every query
    here is a point lookup or a small write, so contention on the lock is not where time goes.
    """

    def __init__(self, path: str) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA foreign_keys = ON")
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode = WAL")
            # WAL + NORMAL survives process crashes; only an OS crash can lose the last commits.
            self.conn.execute("PRAGMA synchronous = NORMAL")
        self.migrate()

    def migrate(self) -> None:
        with self.transaction() as conn:
            done = conn.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[done:], start=done + 1):
                for statement in filter(str.strip, script.split(";")):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {number}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        # BEGIN IMMEDIATE takes the write lock up front, so read-check-write sequences (claims)
        # cannot interleave with another process sharing the file (the CLI, a second worker).
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def query(self, sql: str, params: tuple[object, ...] = ()) -> list[sqlite3.Row]:
        with self.lock:
            return self.conn.execute(sql, params).fetchall()

    def close(self) -> None:
        with self.lock:
            self.conn.close()
