"""Organisation tokens (seed 002): minting, hashing, finding and recording use. No HTTP here.

A token is `ot_` + 48 hex digits (192 random bits), so a fast unsalted sha256 is enough to store
it (nothing to brute-force), as with account keys. Its shape differs from account keys
(`services/accounts.KEY_PATTERN`), so an org token opens nothing but the ext family and an account
key is never mistaken for an org token. Validity is read from the store on every request: a
deactivated or deleted token is refused at once by every process on the database.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from ..backends import MetaStore, OrgToken

PREFIX = "ot_"
TOKEN_PATTERN = re.compile(r"^ot_[0-9a-f]{48}$")
SHOWN = len(PREFIX) + 8  # characters of the secret kept visible, to tell tokens apart
TOUCH_EVERY = 60.0  # seconds: `last_used_at` at minute resolution spares a write per request


class TokenLimit(Exception):
    """The organisation already has its maximum of tokens; nothing was created."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"An organisation can have at most {limit} API tokens; delete one first")
        self.limit = limit


@dataclass(frozen=True)
class IssuedToken:
    record: OrgToken
    secret: str  # the only time the full token exists outside the caller's hands


def hash_token(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(meta: MetaStore, org_id: int, name: str, *, limit: int,
          now: float | None = None) -> IssuedToken:
    secret = PREFIX + secrets.token_hex(24)
    record = OrgToken(id="tok_" + secrets.token_hex(6), org_id=org_id, name=name,
                      prefix=secret[:SHOWN], token_hash=hash_token(secret), active=True,
                      created_at=time.time() if now is None else now)
    if meta.org_tokens.create(record, max_per_org=limit) is None:
        raise TokenLimit(limit)
    return IssuedToken(record=record, secret=secret)


def find(meta: MetaStore, secret: str) -> OrgToken | None:
    if not TOKEN_PATTERN.match(secret):
        return None
    return meta.org_tokens.by_hash(hash_token(secret))


def used(meta: MetaStore, token: OrgToken, now: float) -> None:
    """Record a use, at most one write per token a minute (the row read says when it was last)."""
    if token.last_used_at is None or now - token.last_used_at >= TOUCH_EVERY:
        meta.org_tokens.touch(token.id, now)


def owned(meta: MetaStore, org_id: int, token_id: str) -> OrgToken | None:
    """The token `token_id` if it belongs to `org_id` (another organisation's reads as missing)."""
    token = meta.org_tokens.get(token_id)
    return token if token is not None and token.org_id == org_id else None
