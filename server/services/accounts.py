"""Accounts and API keys: minting, hashing and looking them up. No HTTP here."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from ..backends import Account, ApiKey, MetaStore
from ..backends.records import ABILITIES, Role

# `pk_` keys come from the CLI and seed 000; `img_live_` keys from `POST /v1/keys` (seed 001).
# Both authenticate on every API family: the prefix only says where a key was minted.
KEY_PATTERN = re.compile(r"^(pk_|img_live_)[0-9a-f]{48}$")
KEY_PREFIXES = ("pk_", "img_live_")
PREFIX_LENGTH = 8  # hex characters after the prefix that are kept: enough to tell keys apart


class AccountError(ValueError):
    """A request to create or change accounts or keys that cannot be honoured."""


def hash_key(key: str) -> str:
    # Keys carry 192 random bits, so a fast unsalted hash is enough: there is nothing to brute-force.
    return hashlib.sha256(key.encode()).hexdigest()


def new_key(prefix: str = "pk_") -> str:
    if prefix not in KEY_PREFIXES:
        raise AccountError(f"unknown key prefix {prefix!r}")
    return prefix + secrets.token_hex(24)


@dataclass(frozen=True)
class IssuedKey:
    account: Account
    record: ApiKey
    secret: str  # the only time the full key exists outside the caller's hands


def issue_key(
    store: MetaStore,
    email: str,
    *,
    plan: str | None = None,
    name: str = "Default",
    role: Role = "owner",
    abilities: tuple[str, ...] = ABILITIES,
    known_plans: tuple[str, ...] = ("free", "pro", "agency"),
    max_keys: int = 10,
    key_prefix: str = "pk_",
) -> IssuedKey:
    """Create the account for `email` if needed, then a new key for it."""
    email = email.strip().lower()
    if not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise AccountError(f"invalid email address: {email!r}")
    if plan is not None and plan not in known_plans:
        raise AccountError(f"unknown plan {plan!r} (choose from {', '.join(known_plans)})")
    if role not in ("owner", "contributor"):
        raise AccountError(f"unknown role {role!r} (choose owner or contributor)")
    bad = set(abilities) - set(ABILITIES)
    if bad:
        raise AccountError(f"unknown abilities {sorted(bad)}")
    account = store.accounts.by_email(email)
    if account is None:
        account = store.accounts.create(email, name=name, plan=plan or known_plans[0])
    elif plan is not None and plan != account.plan:
        account = store.accounts.set_plan(account.id, plan) or account
    if store.keys.count(account.id) >= max_keys:
        raise AccountError(f"account already has {max_keys} keys; revoke one first")
    secret = new_key(key_prefix)
    record = ApiKey(
        id="key_" + secrets.token_hex(6), account_id=account.id,
        prefix=secret[:len(key_prefix) + PREFIX_LENGTH],
        key_hash=hash_key(secret), name=name, role=role, abilities=tuple(abilities),
        active=True, created_at=time.time(),
    )
    store.keys.add(record)
    return IssuedKey(account=account, record=record, secret=secret)


def find_key(store: MetaStore, secret: str) -> ApiKey | None:
    if not KEY_PATTERN.match(secret):
        return None
    return store.keys.by_hash(hash_key(secret))
