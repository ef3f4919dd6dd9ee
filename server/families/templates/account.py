"""`GET /api/account` (who am I, plan, usage) and the optional `/api/_stats` debug counters."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...context import get_ctx
from ...http.auth import authenticate
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from ...services import credits
from ...services.ledger import RENDERS, month, month_reset
from .schemas import AccountOut, UsageOut


@operation(summary="Your account: plan, render allowance, AI credits, secrets for signing",
           tag="account", response=AccountOut)
async def account(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "read")
    plan = ctx.settings.plan(who.account.plan)
    used = ctx.counters.usage.get(who.account.id, RENDERS, month())
    ai = credits.balance(ctx.counters, who.account, plan)
    a = who.account
    out = AccountOut(
        id=a.id, email=a.email, name=a.name, plan=a.plan, teamHash=a.team_hash,
        embedKey=a.embed_key, renderSecret=a.render_secret if who.is_owner else None,
        role=who.key.role,
        renders=UsageOut(used=used, limit=plan.monthly_renders,
                         remaining=max(0, plan.monthly_renders - used), resetsAt=month_reset()),
        credits=plan.monthly_credits, hourlyRequests=plan.hourly_requests,
        aiCredits=UsageOut(used=ai.used, limit=ai.limit, remaining=ai.remaining,
                           resetsAt=ai.resets_at),
    )
    return ok(out.model_dump(mode="json"))


async def stats(request: Request) -> Response:
    ctx = get_ctx(request)
    if not ctx.settings.debug_stats:
        raise ApiError(404, "Not found")
    return ok(ctx.render.stats())
