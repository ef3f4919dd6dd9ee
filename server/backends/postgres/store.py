"""`PostgresMetaStore`: every repository over one connection pool, and its own counters."""

from __future__ import annotations

from .coordination import PostgresCoordination
from .core import PostgresAccounts, PostgresKeys, PostgresResults, PostgresTemplates
from .db import Database
from .hosting import PostgresHosting
from .images import PostgresImages
from .jobs import PostgresJobs
from .orgs import PostgresEvents, PostgresOrgTokens
from .ratelimit import PostgresRateLimits
from .usage import PostgresUsage


class PostgresCounterStore:
    """Usage ledgers and rate-limit logs in PostgreSQL: the metadata store's own (sharing its
    pool, so an upload's claims commit with its row), or a database of their own
    (`PINRENDER_COUNTERS=postgresql://…`)."""

    def __init__(self, db: Database, *, owns: bool = False) -> None:
        self.db = db
        self.usage = PostgresUsage(db)
        self.ratelimits = PostgresRateLimits(db)
        self._owns = owns

    @classmethod
    def open(cls, url: str) -> PostgresCounterStore:
        return cls(Database(url), owns=True)

    def close(self) -> None:
        if self._owns:
            self.db.close()


class PostgresMetaStore:
    """`postgresql://user:password@host:port/db?pool_max=10&pool_timeout=10`: migrates on open
    (once, whoever else opens it at the same time)."""

    def __init__(self, url: str) -> None:
        self.db = Database(url)
        self.accounts = PostgresAccounts(self.db)
        self.keys = PostgresKeys(self.db)
        self.templates = PostgresTemplates(self.db)
        self.results = PostgresResults(self.db)
        self.images = PostgresImages(self.db)
        self.hosting = PostgresHosting(self.db)
        self.coordination = PostgresCoordination(self.db)
        self.counters = PostgresCounterStore(self.db)
        self.jobs = PostgresJobs(self.db)
        self.org_tokens = PostgresOrgTokens(self.db)
        self.events = PostgresEvents(self.db)

    def close(self) -> None:
        self.jobs.close()
        self.db.close()
