"""Throwaway PostgreSQL databases for tests: each test gets a fresh, empty one, dropped after.

The server is `PINRENDER_TEST_POSTGRES` (default: trust auth for `postgres` on 127.0.0.1:5432,
as CI runs it). Where it cannot be reached the PostgreSQL cases skip, saying how to run them,
except under `CI`, where PostgreSQL is always there and its absence is a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from urllib.parse import urlsplit

import pytest

DEFAULT = "postgresql://postgres@127.0.0.1:5432/postgres"
HOW = ("PostgreSQL is not reachable at {url} ({why}); to run these tests start one with trust auth "
       "for `postgres` on 127.0.0.1:5432 (Debian: apt-get install postgresql) or point "
       "PINRENDER_TEST_POSTGRES at a maintenance database, and `pip install -e '.[test]'`")


def admin_url() -> str:
    return os.environ.get("PINRENDER_TEST_POSTGRES", DEFAULT)


@cache
def _unreachable() -> str | None:
    """Why PostgreSQL cannot be used here, or None."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        with psycopg.connect(admin_url(), connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return str(exc).strip().splitlines()[0]


def require() -> None:
    why = _unreachable()
    if why is None:
        return
    message = HOW.format(url=admin_url(), why=why)
    if os.environ.get("CI"):
        pytest.fail(f"CI has PostgreSQL: {message}")
    pytest.skip(message)


def database_url(admin: str, name: str, query: str = "") -> str:
    parts = urlsplit(admin)
    return parts._replace(path=f"/{name}", query=query).geturl()


@contextmanager
def fresh_database(query: str = "") -> Iterator[str]:
    """The URL of a new, empty database (with `query` as its URL query), dropped afterwards
    together with any connection still open on it."""
    require()
    import psycopg

    name = f"pinrender_t_{secrets.token_hex(6)}"
    with psycopg.connect(admin_url(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield database_url(admin_url(), name, query)
    finally:
        with psycopg.connect(admin_url(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
