"""The job queue in PostgreSQL: a claim takes the oldest open row with `FOR UPDATE SKIP LOCKED`,
so workers in any number of processes each lock a different job without waiting on each other;
phase charges are recorded with their spend, in one transaction."""

from __future__ import annotations

import builtins
import contextlib
import threading
import time
from typing import Any

import psycopg

from ..records import Claim, ClaimRefused, JobRecord
from ..rows import dump_json, job_record
from .db import Database
from .usage import RELEASE
from .usage import spend as spend_claim

_OPEN = "status IN ('queued', 'running')"
CHANNEL = "pinrender_jobs"


class PostgresJobs:
    notifies = True

    def __init__(self, db: Database) -> None:
        self.db = db
        self._listener: psycopg.Connection[Any] | None = None
        self._listener_lock = threading.Lock()

    def wait_for_work(self, timeout: float) -> bool:
        """Block until a job is queued anywhere (a NOTIFY on the channel) or `timeout` passes. One
        connection of its own, outside the pool, LISTENs; it is opened again after a failure."""
        with self._listener_lock:
            try:
                if self._listener is None or self._listener.closed:
                    self._listener = psycopg.connect(self.db.conninfo, autocommit=True,
                                                     **self.db.connect_options)
                    self._listener.execute(f"LISTEN {CHANNEL}")
                for _ in self._listener.notifies(timeout=timeout, stop_after=1):
                    return True
                return False
            except psycopg.Error:
                self._close_listener()
                time.sleep(min(timeout, 1.0))  # the database is away: the poll still runs
                return False

    def _close_listener(self) -> None:
        if self._listener is not None:
            with contextlib.suppress(psycopg.Error):
                self._listener.close()
            self._listener = None

    def close(self) -> None:
        with self._listener_lock:
            self._close_listener()

    def enqueue(self, account_id: int, kind: str, input: dict[str, Any], *, max_open: int,
                now: float) -> JobRecord | None:
        with self.db.transaction() as conn:
            # The account's row lock makes count-then-insert one step for that account only.
            conn.execute("SELECT 1 FROM accounts WHERE id = %s FOR UPDATE", (account_id,))
            row = conn.execute(f"SELECT COUNT(*) AS n FROM jobs WHERE account_id = %s AND {_OPEN}",
                               (account_id,)).fetchone()
            if row is not None and row["n"] >= max_open:
                return None
            made = conn.execute(
                "INSERT INTO jobs (account_id, kind, status, input, created_at, updated_at)"
                " VALUES (%s, %s, 'queued', %s, %s, %s) RETURNING *",
                (account_id, kind, dump_json(input), now, now)).fetchone()
            # Delivered at commit to every worker LISTENing, in any process or machine.
            conn.execute(f"NOTIFY {CHANNEL}")
        assert made is not None
        return job_record(made)

    def get(self, job_id: int) -> JobRecord | None:
        if not -(2**63) <= job_id < 2**63:
            return None
        row = self.db.row("SELECT * FROM jobs WHERE id = %s", (job_id,))
        return job_record(row) if row else None

    def claim(self, holder: str, *, now: float, lease_seconds: float,
              max_attempts: int) -> JobRecord | None:
        with self.db.transaction() as conn:
            while True:
                row = conn.execute(
                    "SELECT id, attempts FROM jobs WHERE status = 'queued'"
                    " OR (status = 'running' AND lease_until <= %s)"
                    " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED", (now,)).fetchone()
                if row is None:
                    return None
                if row["attempts"] >= max_attempts:
                    conn.execute(
                        "UPDATE jobs SET status = 'failed', lease_owner = NULL, lease_until = NULL,"
                        " error = %s, updated_at = %s WHERE id = %s",
                        (f"gave up after {row['attempts']} attempts (the worker stopped each time)",
                         now, row["id"]))
                    continue
                taken = conn.execute(
                    "UPDATE jobs SET status = 'running', lease_owner = %s, lease_until = %s,"
                    " attempts = attempts + 1, updated_at = %s WHERE id = %s RETURNING *",
                    (holder, now + lease_seconds, now, row["id"])).fetchone()
                assert taken is not None
                return job_record(taken)

    def renew(self, job_id: int, holder: str, *, until: float) -> bool:
        return self.db.run("UPDATE jobs SET lease_until = %s WHERE id = %s AND lease_owner = %s"
                           " AND status = 'running'", (until, job_id, holder)) > 0

    def save_state(self, job_id: int, holder: str, state: dict[str, Any], *, now: float) -> bool:
        return self.db.run("UPDATE jobs SET state = %s, updated_at = %s WHERE id = %s"
                           " AND lease_owner = %s AND status = 'running'",
                           (dump_json(state), now, job_id, holder)) > 0

    def finish(self, job_id: int, holder: str, *, status: str, now: float,
               results: builtins.list[dict[str, Any]] | None = None,
               error: str | None = None) -> bool:
        if status not in ("completed", "failed"):
            raise ValueError(f"a job finishes completed or failed, not {status!r}")
        return self.db.run(
            "UPDATE jobs SET status = %s, results = %s, error = %s, lease_owner = NULL,"
            " lease_until = NULL, updated_at = %s WHERE id = %s AND lease_owner = %s"
            " AND status = 'running'",
            (status, None if results is None else dump_json(results), error, now, job_id, holder)) > 0

    def charge(self, job_id: int, phase: str, account_id: int, claim: Claim, *,
               spend: bool) -> bool:
        with self.db.transaction() as conn:
            # The charge row first: a racing charge of the same phase waits on it, then finds it.
            recorded = conn.execute(
                "INSERT INTO job_charges (job_id, phase, account_id, metric, period, amount)"
                " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (job_id, phase) DO NOTHING RETURNING 1",
                (job_id, phase, account_id, claim.metric, claim.period, claim.amount)).fetchone()
            if recorded is None:
                return False
            if spend and not spend_claim(conn, account_id, claim):
                raise ClaimRefused(claim)  # rolls the transaction back: nothing recorded
            return True

    def uncharge(self, job_id: int, phase: str, *, release: bool) -> Claim | None:
        with self.db.transaction() as conn:
            row = conn.execute("DELETE FROM job_charges WHERE job_id = %s AND phase = %s RETURNING *",
                               (job_id, phase)).fetchone()
            if row is None:
                return None
            if release:
                conn.execute(RELEASE, (row["amount"], row["account_id"], row["metric"], row["period"]))
            return Claim(row["metric"], row["period"], row["amount"])

    def count_open(self, account_id: int) -> int:
        row = self.db.row(f"SELECT COUNT(*) AS n FROM jobs WHERE account_id = %s AND {_OPEN}",
                          (account_id,))
        return int(row["n"]) if row else 0
