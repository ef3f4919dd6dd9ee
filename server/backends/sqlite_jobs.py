"""The embedded job table: leases taken inside `BEGIN IMMEDIATE`, so two workers (threads or
processes on one file) can never hold the same job, and phase charges recorded with their spend."""

from __future__ import annotations

import builtins
import sqlite3
from typing import Any

from .records import Claim, ClaimRefused, JobRecord
from .rows import dump_json, job_record
from .sqlite_db import Database
from .sqlite_usage import give_back
from .sqlite_usage import spend as spend_claim


class SqliteJobs:
    # No notifications between processes here: workers find new jobs by polling (a job queued in
    # this process wakes them directly, see JobRunner.wake).
    notifies = False

    def __init__(self, db: Database) -> None:
        self.db = db

    def wait_for_work(self, timeout: float) -> bool:
        return False

    def enqueue(self, account_id: int, kind: str, input: dict[str, Any], *, max_open: int,
                now: float) -> JobRecord | None:
        with self.db.transaction() as conn:
            open_jobs = conn.execute(
                "SELECT COUNT(*) FROM jobs WHERE account_id = ? AND status IN ('queued', 'running')",
                (account_id,)).fetchone()[0]
            if open_jobs >= max_open:
                return None
            cur = conn.execute(
                "INSERT INTO jobs (account_id, kind, status, input, created_at, updated_at)"
                " VALUES (?, ?, 'queued', ?, ?, ?)", (account_id, kind, dump_json(input), now, now))
            job_id = int(cur.lastrowid or 0)
        found = self.get(job_id)
        assert found is not None
        return found

    def get(self, job_id: int) -> JobRecord | None:
        rows = self.db.query("SELECT * FROM jobs WHERE id = ?", (job_id,))
        return job_record(rows[0]) if rows else None

    def claim(self, holder: str, *, now: float, lease_seconds: float,
              max_attempts: int) -> JobRecord | None:
        with self.db.transaction() as conn:
            while True:
                row = conn.execute(
                    "SELECT id, attempts FROM jobs WHERE status = 'queued'"
                    " OR (status = 'running' AND lease_until <= ?) ORDER BY id LIMIT 1",
                    (now,)).fetchone()
                if row is None:
                    return None
                if row["attempts"] >= max_attempts:
                    conn.execute(
                        "UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_until = NULL,"
                        " error = ?, updated_at = ? WHERE id = ?",
                        (f"gave up after {row['attempts']} attempts (the worker stopped each time)",
                         now, row["id"]))
                    continue
                conn.execute(
                    "UPDATE jobs SET status = 'running', lease_owner = ?, lease_until = ?,"
                    " attempts = attempts + 1, updated_at = ? WHERE id = ?",
                    (holder, now + lease_seconds, now, row["id"]))
                found = conn.execute("SELECT * FROM jobs WHERE id = ?", (row["id"],)).fetchone()
                return job_record(found)

    def _held(self, conn: sqlite3.Connection, job_id: int, holder: str) -> bool:
        row = conn.execute("SELECT 1 FROM jobs WHERE id = ? AND lease_owner = ? AND status = 'running'",
                           (job_id, holder)).fetchone()
        return row is not None

    def renew(self, job_id: int, holder: str, *, until: float) -> bool:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE jobs SET lease_until = ? WHERE id = ? AND lease_owner = ?"
                " AND status = 'running'", (until, job_id, holder)).rowcount > 0

    def save_state(self, job_id: int, holder: str, state: dict[str, Any], *, now: float) -> bool:
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE jobs SET state = ?, updated_at = ? WHERE id = ? AND lease_owner = ?"
                " AND status = 'running'", (dump_json(state), now, job_id, holder)).rowcount > 0

    def finish(self, job_id: int, holder: str, *, status: str, now: float,
               results: builtins.list[dict[str, Any]] | None = None,
               error: str | None = None) -> bool:
        if status not in ("completed", "failed"):
            raise ValueError(f"a job finishes completed or failed, not {status!r}")
        with self.db.transaction() as conn:
            return conn.execute(
                "UPDATE jobs SET status = ?, results = ?, error = ?, lease_owner = NULL,"
                " lease_until = NULL, updated_at = ? WHERE id = ? AND lease_owner = ?"
                " AND status = 'running'",
                (status, None if results is None else dump_json(results), error, now, job_id,
                 holder)).rowcount > 0

    def charge(self, job_id: int, phase: str, account_id: int, claim: Claim, *,
               spend: bool) -> bool:
        with self.db.transaction() as conn:
            if conn.execute("SELECT 1 FROM job_charges WHERE job_id = ? AND phase = ?",
                            (job_id, phase)).fetchone():
                return False
            if spend and not spend_claim(conn, account_id, claim):
                raise ClaimRefused(claim)  # rolls the transaction back: nothing recorded
            conn.execute(
                "INSERT INTO job_charges (job_id, phase, account_id, metric, period, amount)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, phase, account_id, claim.metric, claim.period, claim.amount))
            return True

    def uncharge(self, job_id: int, phase: str, *, release: bool) -> Claim | None:
        with self.db.transaction() as conn:
            row = conn.execute("SELECT * FROM job_charges WHERE job_id = ? AND phase = ?",
                               (job_id, phase)).fetchone()
            if row is None:
                return None
            conn.execute("DELETE FROM job_charges WHERE job_id = ? AND phase = ?", (job_id, phase))
            charge = Claim(row["metric"], row["period"], row["amount"])
            if release:
                give_back(conn, row["account_id"], charge)
            return charge

    def count_open(self, account_id: int) -> int:
        rows = self.db.query(
            "SELECT COUNT(*) FROM jobs WHERE account_id = ? AND status IN ('queued', 'running')",
            (account_id,))
        return int(rows[0][0])
