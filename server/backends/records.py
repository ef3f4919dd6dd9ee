"""The rows the metadata store keeps, as plain dataclasses shared by every backend."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

Role = Literal["owner", "contributor"]
ABILITIES = ("read", "write")


@dataclass(frozen=True)
class Account:
    """An account is also the team / organisation every API family scopes to."""

    id: int
    email: str
    name: str
    plan: str
    team_hash: str  # public, stable: appears in file URLs (`/src/{team_hash}/…`)
    embed_key: str  # public: gates embed-data without an API key
    render_secret: str  # private: signs `/api/render` URLs of templates that require it
    host_allowlist: tuple[str, ...] = ()
    created_at: float = 0.0


@dataclass(frozen=True)
class ApiKey:
    id: str  # `key_…`, safe to show and to pass to `keys revoke`
    account_id: int
    prefix: str  # the first characters of the secret, so users can tell keys apart
    key_hash: str  # sha256 of the full key; the key itself is never stored
    name: str
    role: Role = "owner"
    abilities: tuple[str, ...] = ABILITIES
    active: bool = True
    created_at: float = 0.0
    last_used_at: float | None = None


@dataclass(frozen=True)
class TemplateRecord:
    id: str  # UUID
    account_id: int | None  # None: a built-in example owned by no account
    name: str
    description: str
    json_data: dict[str, Any]
    public: bool = False
    preview_url: str | None = None
    require_signature: bool = False
    version: int = 1
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class ResultRecord:
    """A stored render, named by its content key."""

    key: str
    blob_key: str
    media_type: str
    size: int
    account_id: int | None = None
    template_id: str | None = None
    created_at: float = 0.0


@dataclass(frozen=True)
class Page:
    items: list[Any] = field(default_factory=list)
    total: int = 0


@dataclass(frozen=True)
class ImageRecord:
    """A stored image, shared by every API family: PinPic's interactive images (`/api/images`),
    img.pro's media (`/v1/media`) and 9Pic's event photos are all rows of this one kind."""

    id: int
    unique_id: str  # 8 URL-safe characters; the id to put in stored URLs
    account_id: int | None  # None: an anonymous upload (seed 001)
    blob_key: str  # the original, as uploaded
    media_type: str
    ext: str  # canonical extension of the original: jpg, png, webp, gif, avif, heic, svg, ...
    width: int
    height: int
    size: int  # bytes of the original
    title: str = ""
    description: str = ""
    category: str = ""
    name: str = ""  # a file name or label given at upload
    tags: tuple[str, ...] = ()
    namespace: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    hotspots: tuple[dict[str, Any], ...] = ()
    external_id: str | None = None
    public: bool = True
    source: str = "upload"  # upload | import | api | ai
    date: str | None = None  # a date the user attached (seed 001 `date`)
    version: int = 1  # bumped by every update: part of ETags of anything derived from the row
    created_at: float = 0.0
    updated_at: float = 0.0
    expires_at: float | None = None
    deleted_at: float | None = None
    # "ready"; "pending" while a background job makes its pixels (seed 000's ai/process mints
    # the row first); "failed" when that job gave up. Only a ready image has a blob to read.
    status: str = "ready"

    @property
    def ready(self) -> bool:
        return self.status == "ready"

    def available(self, now: float) -> bool:
        """Neither deleted nor expired at `now`."""
        return self.deleted_at is None and (self.expires_at is None or self.expires_at > now)


@dataclass(frozen=True)
class ImagePage:
    items: list[ImageRecord]
    has_more: bool


@dataclass(frozen=True)
class RateHit:
    """One hit on a sliding-window bucket, as the store saw it."""

    allowed: bool
    used: int  # hits inside the window after this one (a refused hit is not recorded)
    oldest_at: float | None  # the oldest hit still inside the window: when a slot next frees


@dataclass(frozen=True)
class Claim:
    """Spend `amount` on an account's `metric` ledger for `period`, only if the total stays within
    `limit` (None: no limit, just count). Given to `ImageRepo.create`, it commits with the row."""

    metric: str
    period: str
    amount: int
    limit: int | None = None


class Conflict(Exception):
    """The row clashes with an existing one on a unique field (an external_id already taken);
    nothing was written. Backends raise this, never their driver's own integrity error."""


UNIQUE_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789"


def new_unique_id() -> str:
    """A random public image id (8 of [a-z0-9]), drawn by whoever creates the row."""
    return "".join(secrets.choice(UNIQUE_ID_ALPHABET) for _ in range(8))


class ClaimRefused(Exception):
    """A claim did not fit its limit; nothing was written."""

    def __init__(self, claim: Claim) -> None:
        super().__init__(f"{claim.metric} over its limit of {claim.limit}")
        self.claim = claim


JOB_STATUSES = ("queued", "running", "completed", "failed")


@dataclass(frozen=True)
class JobRecord:
    """Background work that must survive a crash: the row is the job's source of truth.

    A worker runs a job only while it holds the lease (`lease_owner` until `lease_until`); a job
    whose lease expired is claimed again by any worker and resumes from `state`, where each
    finished phase left its result."""

    id: int
    account_id: int
    kind: str  # "image" (ai/process), "article" (articles/process)
    status: str  # one of JOB_STATUSES
    input: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)
    results: list[dict[str, Any]] | None = None
    error: str | None = None
    attempts: int = 0
    lease_owner: str | None = None
    lease_until: float | None = None
    created_at: float = 0.0
    updated_at: float = 0.0


@dataclass(frozen=True)
class OrgToken:
    """An organisation-scoped token of the ext family (seed 002). The organisation is the account."""

    id: str  # `tok_…`, safe to show and to pass to `tokens delete`
    org_id: int
    name: str
    prefix: str  # the first characters of the secret, so users can tell tokens apart
    token_hash: str  # sha256 of the full token; the token itself is never stored
    active: bool = True
    created_at: float = 0.0
    last_used_at: float | None = None


@dataclass(frozen=True)
class Event:
    """An event of an organisation (seed 002): photos and renders are scoped to one."""

    id: int
    org_id: int
    name: str
    created_at: float = 0.0
