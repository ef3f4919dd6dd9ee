"""Usage ledgers in SQLite: counters per (account, metric, period), spent only within limits."""

from __future__ import annotations

import sqlite3

from .records import Claim
from .sqlite_db import Database


def spend(conn: sqlite3.Connection, account_id: int, claim: Claim) -> bool:
    """Inside the caller's transaction: add `claim.amount` unless that passes `claim.limit`."""
    if claim.limit is not None:
        row = conn.execute(
            "SELECT count FROM usage WHERE account_id = ? AND metric = ? AND period = ?",
            (account_id, claim.metric, claim.period),
        ).fetchone()
        if (int(row[0]) if row else 0) + claim.amount > claim.limit:
            return False
    conn.execute(
        "INSERT INTO usage (account_id, metric, period, count) VALUES (?, ?, ?, ?)"
        " ON CONFLICT (account_id, metric, period) DO UPDATE SET count = count + ?",
        (account_id, claim.metric, claim.period, claim.amount, claim.amount),
    )
    return True


def give_back(conn: sqlite3.Connection, account_id: int, claim: Claim) -> None:
    """Inside the caller's transaction: take `claim.amount` back, never below zero."""
    conn.execute(
        "UPDATE usage SET count = MAX(0, count - ?) WHERE account_id = ? AND metric = ?"
        " AND period = ?",
        (claim.amount, account_id, claim.metric, claim.period),
    )


class SqliteUsage:
    def __init__(self, db: Database) -> None:
        self.db = db

    def get(self, account_id: int, metric: str, period: str) -> int:
        rows = self.db.query(
            "SELECT count FROM usage WHERE account_id = ? AND metric = ? AND period = ?",
            (account_id, metric, period),
        )
        return int(rows[0][0]) if rows else 0

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int:
        with self.db.transaction() as conn:
            row = conn.execute(
                "INSERT INTO usage (account_id, metric, period, count) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (account_id, metric, period) DO UPDATE SET count = count + ?"
                " RETURNING count",
                (account_id, metric, period, amount, amount),
            ).fetchone()
        return int(row[0])

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        with self.db.transaction() as conn:
            return spend(conn, account_id, Claim(metric, period, amount, limit))

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None:
        with self.db.transaction() as conn:
            give_back(conn, account_id, Claim(metric, period, amount))
