"""The PostgreSQL backend: a `MetaStore` (and its `CounterStore`) in hand-written SQL through
psycopg 3 and a psycopg_pool connection pool. Optional: `pip install 'pinrender[postgres]'`."""

from .db import Database
from .store import PostgresCounterStore, PostgresMetaStore

__all__ = ["Database", "PostgresCounterStore", "PostgresMetaStore"]
