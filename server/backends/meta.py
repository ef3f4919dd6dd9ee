"""The metadata store: one repository per kind of row, each a small Protocol.

Every backend (SQLite now, PostgreSQL later) implements all of them and passes the conformance
suite in `pinrender_server.backends.testing`. Counters and rate limits are a concern of their own
(`counters.py`). Methods are synchronous: the embedded SQLite answers in
microseconds, less than a thread hop would cost; a networked backend can wrap itself.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from typing import Any, Protocol

from .counters import CounterStore
from .records import (
    Account,
    ApiKey,
    Claim,
    Event,
    ImagePage,
    ImageRecord,
    JobRecord,
    OrgToken,
    Page,
    ResultRecord,
    TemplateRecord,
)


class AccountRepo(Protocol):
    def create(self, email: str, *, name: str = "", plan: str = "free") -> Account: ...

    def get(self, account_id: int) -> Account | None: ...

    def by_email(self, email: str) -> Account | None: ...

    def set_plan(self, account_id: int, plan: str) -> Account | None: ...

    def set_host_allowlist(self, account_id: int, hosts: list[str]) -> Account | None: ...

    def rotate_embed_key(self, account_id: int) -> Account | None:
        """Give the account a new random embed key; snippets with the old one stop working."""
        ...


class KeyRepo(Protocol):
    def add(self, key: ApiKey) -> ApiKey: ...

    def by_hash(self, key_hash: str) -> ApiKey | None: ...

    def get(self, key_id: str) -> ApiKey | None: ...

    def list(self, account_id: int | None = None) -> builtins.list[ApiKey]: ...

    def count(self, account_id: int) -> int: ...

    def set_active(self, key_id: str, active: bool) -> bool: ...

    def delete(self, key_id: str) -> bool: ...

    def touch(self, key_id: str, when: float) -> None: ...


class TemplateRepo(Protocol):
    def create(self, record: TemplateRecord) -> TemplateRecord: ...

    def get(self, template_id: str, *, with_data: bool = True) -> TemplateRecord | None:
        """With `with_data=False`, `json_data` is left empty: the hot render path only needs the
        id and version to find its parsed template in memory."""
        ...

    def list(self, account_id: int, *, offset: int = 0, limit: int = 20) -> Page: ...

    def list_public(self, *, limit: int = 100) -> builtins.list[TemplateRecord]: ...

    def count(self, account_id: int) -> int: ...

    def update(self, template_id: str, changes: dict[str, Any]) -> TemplateRecord | None:
        """Apply `changes` (record field names) and bump the version, atomically."""
        ...

    def delete(self, template_id: str) -> bool: ...


class ResultRepo(Protocol):
    def put(self, record: ResultRecord) -> None: ...

    def get(self, key: str) -> ResultRecord | None: ...

    def derived_from(self, origin: str) -> builtins.list[ResultRecord]:
        """Every stored result made from `origin` (its `template_id`: a template id, or
        `image:<id>` for the variants, transforms and cards of a stored image)."""
        ...

    def delete(self, key: str) -> bool: ...


class ImageRepo(Protocol):
    """Images of every API family. Lists are keyset-paginated on the id, newest first, so a page
    costs the same at any depth and a cursor stays valid while rows are added or deleted."""

    def create(self, record: ImageRecord, *, max_live: int | None = None, now: float = 0.0,
               claims: Sequence[Claim] = ()) -> ImageRecord | None:
        """Insert; `id` is assigned, and `unique_id` too when it is empty.

        With `max_live`, the insert happens only if the account has fewer available images at
        `now`, checked in the same transaction (None when the cap is reached), so a burst of
        concurrent creates can never pass a plan's image cap.

        `claims` are spent on the record's account in that same transaction: the row and its
        usage commit together or not at all (a crash cannot leave a counter ahead of the rows).
        A claim over its limit raises ClaimRefused and nothing is written.
        """
        ...

    def get(self, ref: int | str, *, include_deleted: bool = False) -> ImageRecord | None:
        """By numeric id (an int or a string of digits) or by unique_id."""
        ...

    def by_external_id(self, account_id: int, external_id: str) -> ImageRecord | None: ...

    def list(self, account_id: int, *, now: float, before_id: int | None = None, limit: int = 50,
             namespace: str | None = None, tags: tuple[str, ...] = (),
             tag_mode: str = "all") -> ImagePage:
        """Available images (not deleted, not expired at `now`) with id < `before_id`."""
        ...

    def update(self, image_id: int, changes: dict[str, Any], *, now: float) -> ImageRecord | None:
        """Apply `changes` (record field names), bump version and updated_at, atomically."""
        ...

    def soft_delete(self, image_id: int, *, now: float) -> bool: ...

    def purge(self, image_id: int) -> bool:
        """Remove the row for good (after its blobs are gone)."""
        ...

    def count(self, account_id: int, *, now: float) -> int: ...

    def total_bytes(self, account_id: int, *, now: float) -> int: ...

    def namespaces(self, account_id: int, *, now: float) -> builtins.list[tuple[str, int]]: ...

    def due_for_removal(self, *, now: float, limit: int = 100) -> builtins.list[ImageRecord]:
        """Rows deleted or expired by `now`: the sweeper removes their blobs, then purges."""
        ...

    def has_blob(self, blob_key: str) -> bool:
        """Whether any row, deleted or not, names this blob (orphans are the blobs none names)."""
        ...

    def recount_bytes(self, metric: str, period: str) -> int:
        """Set every account's `metric`/`period` ledger to the bytes of its rows not deleted, in
        one transaction; returns how many ledgers were wrong."""
        ...


class HostingRepo(Protocol):
    """State of the `/v1` hosting family (seed 001) that has no other home."""

    def add_verification(self, token_hash: str, account_id: int, *, now: float,
                         expires_at: float) -> None: ...

    def verify(self, token_hash: str, *, now: float) -> int | None:
        """Use a verification token: mark its account verified and lift the account's retention
        expiries (never ttl ones), atomically. Returns the account id, or None if unknown/expired.
        A token may be used again (the link stays idempotent until it expires)."""
        ...

    def is_verified(self, account_id: int) -> bool: ...

    def mark_retention(self, image_id: int) -> None:
        """Note that the image's `expires_at` is the plan's retention, which verification lifts."""
        ...

    def namespace_usage(self, account_id: int, *, now: float) -> builtins.list[tuple[str, int, int]]:
        """(namespace, live images, their bytes), by namespace name."""
        ...


class CoordinationRepo(Protocol):
    """What several processes sharing one database agree on."""

    def acquire(self, name: str, holder: str, *, ttl: float, now: float) -> bool:
        """Take or renew the lease `name` for `ttl` seconds; True if `holder` has it now. A lease
        held by another holder is taken only once it has expired."""
        ...

    def release(self, name: str, holder: str) -> None: ...

    def secret(self, name: str, proposed: str) -> str:
        """The stored secret `name`; the first caller's `proposed` value is the one stored."""
        ...


class JobRepo(Protocol):
    """Background jobs, leased to one worker at a time (see `JobRecord`)."""

    @property
    def notifies(self) -> bool:
        """Whether `wait_for_work` hears of jobs queued by other processes."""
        ...

    def wait_for_work(self, timeout: float) -> bool:
        """Block up to `timeout` s until a job may have been queued by any process (True) or not
        (False). A store that does not notify answers False at once; workers then poll."""
        ...

    def enqueue(self, account_id: int, kind: str, input: dict[str, Any], *, max_open: int,
                now: float) -> JobRecord | None:
        """A queued job, unless the account already has `max_open` queued or running (None);
        checked in the insert's transaction, so a burst cannot pass the cap."""
        ...

    def get(self, job_id: int) -> JobRecord | None: ...

    def claim(self, holder: str, *, now: float, lease_seconds: float,
              max_attempts: int) -> JobRecord | None:
        """Lease the oldest queued job, or a running one whose lease expired (its worker died),
        to `holder` until `now + lease_seconds`, counting an attempt. A job that would pass
        `max_attempts` is marked failed instead. None when there is nothing to do."""
        ...

    def renew(self, job_id: int, holder: str, *, until: float) -> bool:
        """Extend the lease; False if `holder` no longer has it (it must stop working)."""
        ...

    def save_state(self, job_id: int, holder: str, state: dict[str, Any], *, now: float) -> bool:
        """Record the phases done so far, only while `holder` has the lease."""
        ...

    def finish(self, job_id: int, holder: str, *, status: str, now: float,
               results: builtins.list[dict[str, Any]] | None = None,
               error: str | None = None) -> bool:
        """Mark the job completed or failed and drop the lease, only while `holder` has it."""
        ...

    def charge(self, job_id: int, phase: str, account_id: int, claim: Claim, *,
               spend: bool) -> bool:
        """Record that `phase` of the job is paid for, once: True if this call recorded it,
        False if it already was (nothing spent again). With `spend`, the claim is spent on this
        store's own counters in the same transaction (ClaimRefused over its limit, nothing
        written); without, the caller spends it on counters kept elsewhere."""
        ...

    def uncharge(self, job_id: int, phase: str, *, release: bool) -> Claim | None:
        """Forget `phase`'s charge (its work failed); with `release`, give the amount back to
        this store's own counters in the same transaction. The charge removed, or None."""
        ...

    def count_open(self, account_id: int) -> int: ...


class OrgTokenRepo(Protocol):
    """Organisation tokens of the ext family (seed 002), stored by the hash of their secret."""

    def create(self, token: OrgToken, *, max_per_org: int) -> OrgToken | None:
        """Insert only if the organisation has fewer than `max_per_org` tokens, checked in the
        same transaction (None when full): concurrent creates can never pass the limit."""
        ...

    def by_hash(self, token_hash: str) -> OrgToken | None: ...

    def get(self, token_id: str) -> OrgToken | None: ...

    def list(self, org_id: int) -> builtins.list[OrgToken]: ...

    def set_active(self, token_id: str, active: bool) -> OrgToken | None: ...

    def delete(self, token_id: str) -> bool: ...

    def touch(self, token_id: str, when: float) -> None: ...


class EventRepo(Protocol):
    """Events of an organisation (seed 002); their photos are image rows (`ImageRepo`)."""

    def create(self, org_id: int, name: str, *, now: float) -> Event: ...

    def get(self, event_id: int) -> Event | None: ...

    def list(self, org_id: int) -> builtins.list[Event]: ...


class MetaStore(Protocol):
    # Read-only members, so an implementation may hold its own repository classes.
    @property
    def accounts(self) -> AccountRepo: ...

    @property
    def keys(self) -> KeyRepo: ...

    @property
    def templates(self) -> TemplateRepo: ...

    @property
    def results(self) -> ResultRepo: ...

    @property
    def images(self) -> ImageRepo: ...

    @property
    def hosting(self) -> HostingRepo: ...

    @property
    def coordination(self) -> CoordinationRepo: ...

    @property
    def jobs(self) -> JobRepo: ...

    @property
    def counters(self) -> CounterStore:
        """This store's own counters, in its own transactions: the claims of `images.create` are
        spent here, with the row. The app may keep its counters elsewhere (`AppContext.counters`)."""
        ...

    @property
    def org_tokens(self) -> OrgTokenRepo: ...

    @property
    def events(self) -> EventRepo: ...

    def close(self) -> None: ...
