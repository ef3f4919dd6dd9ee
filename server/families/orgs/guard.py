"""The ext family's checks (seed 002, "What Gets Validated"), in order, before any work:

    no X-API-Key header                         401 missing_api_key
    token unknown (or an account key)           403 token_invalid
    token deactivated                           403 token_inactive
    org_id in the URL not the token's org       403 org_mismatch
    event_id not an event of that org           403 event_not_found (missing ids look the same)
    calling host not on the ext allowlist       403 host_not_allowed

None of these succeeds on retry (`retryable: false`). Validity is read from the store on every
request, so a deactivated or deleted token is refused at once by every process.
"""

from __future__ import annotations

import functools
import ipaddress
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from starlette.requests import Request

from ...backends import Account, Event, OrgToken
from ...context import AppContext
from ...http import hosts
from ...http.errors import ApiError
from ...services import orgtokens
from ...services.ratelimit import HOUR, Decision, limiter_for
from ...settings import Settings

DEFAULT_HOSTS = ("localhost", "127.0.0.1")


@dataclass(frozen=True)
class ExtCaller:
    org: Account
    token: OrgToken
    event: Event | None
    rate: Decision


def deny(status: int, code: str, message: str) -> ApiError:
    return ApiError(status, message, code=code)


def allowed_hosts(settings: Settings) -> list[str]:
    if settings.ext.allowed_hosts:
        return settings.ext.allowed_hosts
    if settings.public_base_url:
        return [urlsplit(settings.public_base_url).netloc.rpartition("@")[2].lower()]
    return list(DEFAULT_HOSTS)


def _trusted(settings: Settings, peer: str | None) -> bool:
    if peer is None:
        return False
    for entry in settings.trusted_proxies:
        if entry.strip() == "*":
            return True
        try:
            if ipaddress.ip_address(peer) in ipaddress.ip_network(entry.strip(), strict=False):
                return True
        except ValueError:
            continue
    return False


def calling_host(request: Request, settings: Settings) -> str:
    """The Host, or the first X-Forwarded-Host when the peer is a configured trusted proxy."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-host", "")
    if forwarded and _trusted(settings, peer):
        return forwarded.split(",", 1)[0].strip()
    return request.headers.get("host", "")


def _event_id(raw: str) -> int | None:
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None


async def admit(request: Request, ctx: AppContext, *, event: bool = True) -> ExtCaller:
    """Every check of the ext family in its order, before any work; the store work is one step
    through `ctx.io` (off the event loop with networked stores)."""
    return await ctx.io(functools.partial(check, request, ctx, event=event))


def check(request: Request, ctx: AppContext, *, event: bool = True) -> ExtCaller:
    secret = request.headers.get("x-api-key", "").strip()
    if not secret:
        raise deny(401, "missing_api_key",
                   "The X-API-Key header is missing: send your organisation's API token in it")
    token = orgtokens.find(ctx.meta, secret)
    org = ctx.meta.accounts.get(token.org_id) if token is not None else None
    if token is None or org is None:
        raise deny(403, "token_invalid",
                   "The API token is invalid: no such organisation token (deleted, mistyped, or "
                   "an account key, which this API does not take)")
    if not token.active:
        raise deny(403, "token_inactive",
                   "The API token is inactive: activate it in the Developer Zone or use another")
    if request.path_params.get("org_id") != str(token.org_id):
        raise deny(403, "org_mismatch",
                   "The org_id in the URL is not the organisation that owns this token")
    found: Event | None = None
    if event:
        event_id = _event_id(str(request.path_params.get("event_id", "")))
        found = ctx.meta.events.get(event_id) if event_id is not None else None
        if found is None or found.org_id != token.org_id:
            raise deny(403, "event_not_found",
                       "The event_id in the URL is not an event of this token's organisation")
    scheme = request.url.scheme
    if not hosts.matches(calling_host(request, ctx.settings), allowed_hosts(ctx.settings), scheme):
        raise deny(403, "host_not_allowed",
                   "The calling host is not on this API's allowlist (setting ext.allowed_hosts)")
    plan = ctx.settings.plan(org.plan)
    rate = limiter_for(request.app).hit(f"org:{org.id}", plan.hourly_requests, HOUR)
    if not rate.allowed:
        raise ApiError(429, "The organisation's hourly request limit is reached",
                       code="rate_limited", headers=rate.headers())
    orgtokens.used(ctx.meta, token, time.time())
    return ExtCaller(org=org, token=token, event=found, rate=rate)
