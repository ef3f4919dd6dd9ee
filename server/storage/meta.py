"""The metadata store: one repository per kind of row, each a small Protocol.

Every backend (SQLite now, PostgreSQL later) implements all of them and passes
`tests/server/test_storage_conformance.py`. Methods are synchronous: the embedded SQLite answers in
microseconds, less than a thread hop would cost; a networked backend can wrap itself.
"""

from __future__ import annotations

from typing import Any, Protocol

from .records import Account, ApiKey, Page, ResultRecord, TemplateRecord


class AccountRepo(Protocol):
    def create(self, email: str, *, name: str = "", plan: str = "free") -> Account: ...

    def get(self, account_id: int) -> Account | None: ...

    def by_email(self, email: str) -> Account | None: ...

    def set_plan(self, account_id: int, plan: str) -> Account | None: ...

    def set_host_allowlist(self, account_id: int, hosts: list[str]) -> Account | None: ...


class KeyRepo(Protocol):
    def add(self, key: ApiKey) -> ApiKey: ...

    def by_hash(self, key_hash: str) -> ApiKey | None: ...

    def get(self, key_id: str) -> ApiKey | None: ...

    def list(self, account_id: int | None = None) -> list[ApiKey]: ...

    def count(self, account_id: int) -> int: ...

    def set_active(self, key_id: str, active: bool) -> bool: ...

    def delete(self, key_id: str) -> bool: ...

    def touch(self, key_id: str, when: float) -> None: ...


class TemplateRepo(Protocol):
    def create(self, record: TemplateRecord) -> TemplateRecord: ...

    def get(self, template_id: str) -> TemplateRecord | None: ...

    def list(self, account_id: int, *, offset: int = 0, limit: int = 20) -> Page: ...

    def list_public(self, *, limit: int = 100) -> list[TemplateRecord]: ...

    def count(self, account_id: int) -> int: ...

    def update(self, template_id: str, changes: dict[str, Any]) -> TemplateRecord | None:
        """Apply `changes` (record field names) and bump the version, atomically."""
        ...

    def delete(self, template_id: str) -> bool: ...


class ResultRepo(Protocol):
    def put(self, record: ResultRecord) -> None: ...

    def get(self, key: str) -> ResultRecord | None: ...


class UsageRepo(Protocol):
    """Counters per (account, metric, period). `claim` is the only way to spend against a limit."""

    def get(self, account_id: int, metric: str, period: str) -> int: ...

    def add(self, account_id: int, metric: str, period: str, amount: int = 1) -> int: ...

    def claim(self, account_id: int, metric: str, period: str, amount: int, limit: int) -> bool:
        """Add `amount` only if the total stays within `limit`; atomic under concurrency."""
        ...

    def release(self, account_id: int, metric: str, period: str, amount: int) -> None: ...


class MetaStore(Protocol):
    accounts: AccountRepo
    keys: KeyRepo
    templates: TemplateRepo
    results: ResultRepo
    usage: UsageRepo

    def close(self) -> None: ...
