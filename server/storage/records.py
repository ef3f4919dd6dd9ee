"""The rows the metadata store keeps, as plain dataclasses shared by every backend."""

from __future__ import annotations

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
