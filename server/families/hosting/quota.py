"""Plans and quotas of seed 001: who is calling (anonymous, unverified, verified), what their plan
allows, and spending uploads and storage exactly under concurrency (the usage ledger's `claim`)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from urllib.parse import urlencode

from ...backends import Claim
from ...context import AppContext
from ...http.auth import Principal
from ...http.errors import ApiError
from ...services import ratelimit
from ...services.ledger import FOREVER, STORAGE, month, month_reset
from ...settings import Plan
from .problems import problem, wait
from .state import Hosting

UPLOADS = "v1_uploads"  # per calendar month (UTC)
DAY = 86_400


@dataclass(frozen=True)
class Caller:
    """Who uploads: an account (with its plan and verification) or an anonymous IP."""

    principal: Principal | None
    ip: str
    plan: Plan | None
    verified: bool

    @property
    def account_id(self) -> int | None:
        return self.principal.account.id if self.principal else None

    def retention_seconds(self, ctx: AppContext) -> int | None:
        s = ctx.settings
        if self.principal is None:
            return s.anonymous_retention_days * DAY
        assert self.plan is not None
        days = self.plan.retention_days or (0 if self.verified else s.unverified_retention_days)
        return days * DAY or None

    def max_file_bytes(self, ctx: AppContext) -> int:
        if self.plan is None:
            return ctx.settings.anonymous_max_file_bytes
        return self.plan.max_file_bytes


def caller(ctx: AppContext, principal: Principal | None, ip: str) -> Caller:
    if principal is None:
        return Caller(None, ip, None, False)
    account = principal.account
    return Caller(principal, ip, ctx.settings.plan(account.plan),
                  ctx.meta.hosting.is_verified(account.id))


def upgrade_action(hosting: Hosting, base: str, account_id: int, plan: str) -> dict[str, str]:
    signature = hosting.sign("upgrade", str(account_id), plan)
    query = urlencode({"account": account_id, "plan": plan, "sig": signature})
    return {"type": "upgrade", "url": f"{base}/v1/upgrade?{query}", "label": "Upgrade plan"}


def next_plan(ctx: AppContext, current: str) -> str:
    plans = sorted(ctx.settings.plans.items(), key=lambda p: p[1].monthly_uploads)
    for name, plan in plans:
        if plan.monthly_uploads > ctx.settings.plan(current).monthly_uploads:
            return name
    return current


def anonymous_limits(ctx: AppContext, ip: str, now: float) -> dict[str, str]:
    """Count one anonymous upload against the IP's hourly and daily allowance (seed 001)."""
    s = ctx.settings
    hourly = ratelimit.hit(ctx.counters, f"v1:anon:hour:{ip}", s.anonymous_hourly_uploads, 3600, now)
    headers = {"X-RateLimit-Limit": str(hourly.limit),
               "X-RateLimit-Remaining": str(hourly.remaining),
               "X-RateLimit-Reset": str(math.ceil(hourly.reset_at))}
    if not hourly.allowed:
        raise wait("Anonymous upload limit reached for this hour; sign up for a key (POST /v1/keys)",
                   hourly.retry_after(now), headers)
    daily = ratelimit.hit(ctx.counters, f"v1:anon:day:{ip}", s.anonymous_daily_uploads, DAY, now)
    headers.update({"X-RateLimit-Limit-Daily": str(daily.limit),
                    "X-RateLimit-Remaining-Daily": str(daily.remaining)})
    if not daily.allowed:
        raise wait("Anonymous daily upload limit reached; sign up for a key (POST /v1/keys)",
                   daily.retry_after(now), headers)
    return headers


def claims(who: Caller, size: int, now: float) -> tuple[Claim, ...]:
    """What one upload spends: committed in the same transaction as its row (`ImageRepo.create`),
    so a crash can never leave the counters ahead of the rows."""
    if who.principal is None:
        return ()
    assert who.plan is not None
    return (Claim(UPLOADS, month(now), 1, who.plan.monthly_uploads),
            Claim(STORAGE, FOREVER, size, who.plan.storage_bytes))


def check(ctx: AppContext, hosting: Hosting, base: str, who: Caller, size: int, now: float
          ) -> None:
    """Refuse before the blob is written what the claims would refuse now. Only a forecast: the
    claims themselves decide, inside the insert, so concurrent uploads cannot pass a limit."""
    if who.principal is None:
        return
    for c in claims(who, size, now):
        used = ctx.counters.usage.get(who.principal.account.id, c.metric, c.period)
        if c.limit is not None and used + c.amount > c.limit:
            raise refused(ctx, hosting, base, who, c)


def refused(ctx: AppContext, hosting: Hosting, base: str, who: Caller, claim: Claim) -> ApiError:
    """413 `quota_exceeded` for a claim over its limit, with the upgrade action."""
    assert who.principal is not None
    account = who.principal.account
    action = upgrade_action(hosting, base, account.id, next_plan(ctx, account.plan))
    what = (f"Monthly upload quota of {claim.limit}" if claim.metric == UPLOADS
            else f"Storage quota of {claim.limit} bytes")
    return problem(413, "quota_exceeded", f"{what} reached", action=action)


def release(ctx: AppContext, account_id: int | None, size: int, now: float, *,
            upload: bool) -> None:
    """Give back the bytes of a deleted or expired item (with upload=True, its upload too)."""
    if account_id is None:
        return
    if upload:
        ctx.counters.usage.release(account_id, UPLOADS, month(now), 1)
    ctx.counters.usage.release(account_id, STORAGE, FOREVER, size)


def quota_headers(ctx: AppContext, who: Caller, now: float) -> dict[str, str]:
    if who.principal is None or who.plan is None:
        return {}
    used, stored = usage_of(ctx, who.principal.account.id, now)
    return {
        "X-Monthly-Uploads-Used": str(used),
        "X-Monthly-Uploads-Limit": str(who.plan.monthly_uploads),
        "X-Monthly-Uploads-Remaining": str(max(0, who.plan.monthly_uploads - used)),
        "X-Storage-Used": str(stored),
        "X-Storage-Limit": str(who.plan.storage_bytes),
        "X-Storage-Remaining": str(max(0, who.plan.storage_bytes - stored)),
    }


def usage_of(ctx: AppContext, account_id: int, now: float) -> tuple[int, int]:
    usage = ctx.counters.usage
    return usage.get(account_id, UPLOADS, month(now)), usage.get(account_id, STORAGE, FOREVER)


def resets_at(now: float) -> int:
    return month_reset(now)


def file_too_large(limit: int, what: str = "File") -> ApiError:
    return problem(400, "file_too_large", f"{what} exceeds the size limit of {limit} bytes")
