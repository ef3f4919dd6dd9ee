"""Who is calling: the API key from any of its three places, checked against the store."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.requests import Request

from .accounts import find_key
from .context import AppContext
from .errors import ApiError
from .storage import Account, ApiKey
from .usage import count_request


@dataclass(frozen=True)
class Principal:
    account: Account
    key: ApiKey

    @property
    def is_owner(self) -> bool:
        return self.key.role == "owner"


def key_from(request: Request) -> str | None:
    """Bearer header (preferred), then X-API-Key, then `?api_key=` (seed 000, Authentication)."""
    auth = request.headers.get("authorization", "")
    scheme, _, token = auth.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    header = request.headers.get("x-api-key", "").strip()
    if header:
        return header
    return request.query_params.get("api_key") or None


def authenticate(request: Request, ctx: AppContext, ability: str = "read") -> Principal:
    secret = key_from(request)
    if not secret:
        raise ApiError(401, "API key required: send Authorization: Bearer pk_…, X-API-Key or ?api_key=",
                       headers={"WWW-Authenticate": "Bearer"})
    key = find_key(ctx.meta, secret)
    if key is None:
        raise ApiError(401, "Invalid API key", headers={"WWW-Authenticate": "Bearer"})
    if not key.active:
        raise ApiError(401, "API key is inactive", headers={"WWW-Authenticate": "Bearer"})
    account = ctx.meta.accounts.get(key.account_id)
    if account is None:
        raise ApiError(401, "Invalid API key", headers={"WWW-Authenticate": "Bearer"})
    plan = ctx.settings.plan(account.plan)
    # Every authenticated request counts, whatever its outcome (seed 000, "Hourly rate limit").
    hourly = count_request(ctx.meta, account.id, plan.hourly_requests)
    if hourly.exceeded:
        raise ApiError(429, "Rate limit exceeded", headers={
            "Retry-After": str(hourly.reset_in),
            "X-RateLimit-Limit": str(hourly.limit),
            "X-RateLimit-Remaining": "0",
        })
    if ability not in key.abilities:
        raise ApiError(403, f"API key lacks the {ability!r} ability")
    now = time.time()
    if key.last_used_at is None or now - key.last_used_at > 60:
        # Minute resolution is plenty for "last used", and spares a write per request.
        ctx.meta.keys.touch(key.id, now)
    return Principal(account=account, key=key)
