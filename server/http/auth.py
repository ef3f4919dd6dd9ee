"""Who is calling: the API key from any of its three places, checked against the store."""

from __future__ import annotations

import time
from dataclasses import dataclass

from starlette.requests import Request

from ..backends import Account, ApiKey
from ..context import AppContext
from ..services.accounts import find_key
from ..services.ratelimit import HOUR, Decision, RateLimiter, limiter_for
from .errors import ApiError


@dataclass(frozen=True)
class Principal:
    account: Account
    key: ApiKey
    rate: Decision | None = None  # this request's place in the key's rolling hour

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


async def authenticate(request: Request, ctx: AppContext,
                       ability: str | None = "read") -> Principal:
    """The caller's key and account, after the key's rolling-hour limit.

    Every request with a known key counts, whatever its outcome (seed 000, "Hourly rate limit"):
    a true sliding hour per key, exact under concurrency (server/services/ratelimit.py). `ability=None`
    leaves the ability check to the caller, for families that gate on the plan first. The store
    work is one step through `ctx.io`: off the event loop when the stores are networked.
    """
    secret = key_from(request)
    if not secret:
        raise _unauthorized("API key required: send Authorization: Bearer pk_…, X-API-Key or "
                            "?api_key=")
    return await ctx.io(identify, ctx, limiter_for(request.app), secret, ability)


def identify(ctx: AppContext, limiter: RateLimiter, secret: str, ability: str | None) -> Principal:
    key = find_key(ctx.meta, secret)
    if key is None:
        raise _unauthorized("Invalid API key")
    if not key.active:
        raise _unauthorized("API key is inactive")
    account = ctx.meta.accounts.get(key.account_id)
    if account is None:
        raise _unauthorized("Invalid API key")
    plan = ctx.settings.plan(account.plan)
    limit = ctx.settings.key_hourly_requests.get(key.id, plan.hourly_requests)
    rate = limiter.hit(f"key:{key.id}", limit, HOUR)
    if not rate.allowed:
        raise ApiError(429, "Rate limit exceeded", headers=rate.headers())
    if ability is not None and ability not in key.abilities:
        raise ApiError(403, f"API key lacks the {ability!r} ability", headers=rate.headers())
    now = time.time()
    if key.last_used_at is None or now - key.last_used_at > 60:
        # Minute resolution is plenty for "last used", and spares a write per request.
        ctx.meta.keys.touch(key.id, now)
    return Principal(account=account, key=key, rate=rate)


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})
