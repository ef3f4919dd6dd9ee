"""The PostgreSQL connection pool, its error translation and its migrations.

Connections come from one psycopg_pool `ConnectionPool` per store, in autocommit mode: a read is
one statement and one round trip, with no BEGIN/COMMIT around it, and psycopg prepares a statement
by itself once it has run a few times. Writes that must be atomic either are one statement or run
in `transaction()`.

Driver errors never leave this package: a unique-key clash is `Conflict`; a server that cannot be
reached, a dropped connection or an exhausted pool is `StoreUnavailable`, which the app answers
with a 503.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from ..counters import StoreUnavailable
from ..records import Conflict
from .schema import MIGRATIONS

Conn = psycopg.Connection[DictRow]
Row = dict[str, Any]

# Pool settings taken from the URL's query (and removed before libpq sees it), with defaults
# that suit one server process: a few threads render, the event loop reads.
POOL_DEFAULTS = {"pool_min": 1.0, "pool_max": 10.0, "pool_timeout": 5.0}
# The migration lock's key: outside the int4 range `hashtext` gives the rate-limit buckets.
MIGRATION_LOCK = 0x70696E72656E6465  # "pinrende"
# How long a caller waits for a connection while the database is failing (see `_pooled`).
FAIL_FAST = 0.1
# How long a read retried on a new connection waits for one (see `rows`).
RECONNECT_WAIT = 1.0


def split_url(url: str) -> tuple[str, dict[str, float]]:
    """The libpq URL without the pool's own parameters, and those parameters. The rest of the
    query is kept byte for byte (libpq, not Python, decodes it)."""
    parts = urlsplit(url)
    pool = dict(POOL_DEFAULTS)
    rest = []
    for item in filter(None, parts.query.split("&")):
        name, _, value = item.partition("=")
        if name in POOL_DEFAULTS:
            try:
                pool[name] = float(value)
            except ValueError:
                raise ValueError(f"database URL: {name} must be a number, not {value!r}") from None
        else:
            rest.append(item)
    return urlunsplit(parts._replace(query="&".join(rest))), pool


def _unavailable(exc: BaseException) -> StoreUnavailable:
    # The message names the cause but never the URL (it may carry a password).
    return StoreUnavailable(f"PostgreSQL unavailable: {type(exc).__name__}: {str(exc).strip()[:200]}",
                            backend="database")


class Database:
    def __init__(self, url: str, *, migrate: bool = True) -> None:
        conninfo, pool = split_url(url)
        self.timeout = pool["pool_timeout"]
        self.failing = False
        # Without a connect_timeout of its own, a connection attempt gives up when a caller
        # waiting for the pool would (libpq's floor is 2 s).
        connect: dict[str, Any] = {}
        if "connect_timeout" not in conninfo_to_dict(conninfo):
            connect["connect_timeout"] = max(2, round(self.timeout))
        self.pool: ConnectionPool[Conn] = ConnectionPool(
            conninfo, connection_class=Conn, open=False, name="pinrender",
            min_size=int(pool["pool_min"]), max_size=max(int(pool["pool_max"]), int(pool["pool_min"])),
            timeout=self.timeout, kwargs={"autocommit": True, "row_factory": dict_row, **connect},
        )
        self.conninfo, self.connect_options = conninfo, connect
        if migrate:
            self.migrate(conninfo, connect)
        self.pool.open()

    @contextmanager
    def _pooled(self, wait: float | None = None) -> Iterator[Conn]:
        # The calls come from the event loop (the Protocols are synchronous), so a database that
        # is down must not hold each request for the whole pool timeout: after a wait timed out
        # or a connection broke, callers wait only briefly, until one gets a connection again.
        timeout = FAIL_FAST if self.failing else min(self.timeout, wait or self.timeout)
        try:
            with self.pool.connection(timeout=timeout) as conn:
                self.failing = False
                try:
                    yield conn
                except (psycopg.OperationalError, psycopg.InterfaceError):
                    self.failing = self.failing or conn.broken
                    raise
        except PoolTimeout:
            self.failing = True
            raise

    @contextmanager
    def connection(self) -> Iterator[Conn]:
        try:
            with self._pooled() as conn:
                yield conn
        except PoolTimeout as exc:
            raise _unavailable(exc) from exc
        except psycopg.IntegrityError as exc:
            raise Conflict(str(exc).strip()) from None
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise _unavailable(exc) from exc

    @contextmanager
    def transaction(self) -> Iterator[Conn]:
        with self.connection() as conn, conn.transaction():
            yield conn

    def rows(self, sql: str, params: Any = ()) -> list[Row]:
        """A read: retried once when it fails on a connection that broke while pooled (the
        server restarted), since reading again cannot do anything twice."""
        for attempt in (1, 2):
            retry = False
            try:
                # The retry waits for a new connection only briefly: if the server is back it
                # comes at once, if it is down the caller should not hang on it.
                with self._pooled(RECONNECT_WAIT if attempt == 2 else None) as conn:
                    try:
                        return conn.execute(sql, params).fetchall()
                    except (psycopg.OperationalError, psycopg.InterfaceError):
                        if attempt == 1 and conn.broken:
                            retry = True
                        else:
                            raise
                if retry:
                    continue
            except PoolTimeout as exc:
                raise _unavailable(exc) from exc
            except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
                raise _unavailable(exc) from exc
        raise AssertionError("unreachable")

    def row(self, sql: str, params: Any = ()) -> Row | None:
        found = self.rows(sql, params)
        return found[0] if found else None

    def run(self, sql: str, params: Any = ()) -> int:
        """One write statement in its own transaction; returns the rows it touched."""
        with self.connection() as conn:
            return conn.execute(sql, params).rowcount

    def returning(self, sql: str, params: Any = ()) -> Row | None:
        """One write statement with RETURNING; its first row."""
        with self.connection() as conn:
            return conn.execute(sql, params).fetchone()

    def migrate(self, conninfo: str, connect: dict[str, Any]) -> None:
        """Apply the missing migrations, once, whoever else starts at the same moment: the
        advisory lock is held until the transaction ends, so a second process waits and then
        finds the work done. On a connection of its own, so a server that refuses us says why
        (a pool only says it timed out)."""
        try:
            with psycopg.connect(conninfo, autocommit=True, row_factory=dict_row, **connect) as conn:
                self._migrate(conn)
        except psycopg.IntegrityError as exc:
            raise Conflict(str(exc).strip()) from None
        except (psycopg.OperationalError, psycopg.InterfaceError) as exc:
            raise _unavailable(exc) from exc

    @staticmethod
    def _migrate(conn: Conn) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         " version INTEGER PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)")
            found = conn.execute("SELECT COALESCE(MAX(version), 0) AS done FROM schema_version").fetchone()
            done = int(found["done"]) if found else 0
            for number, script in enumerate(MIGRATIONS[done:], start=done + 1):
                conn.execute(script)
                conn.execute("INSERT INTO schema_version (version, applied_at) VALUES (%s, %s)",
                             (number, time.time()))

    def close(self) -> None:
        self.pool.close()
