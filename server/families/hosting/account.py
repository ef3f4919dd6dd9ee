"""`GET /v1/usage` and `GET /v1/namespaces`."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...context import get_ctx
from ...http.auth import authenticate
from ...http.openapi import operation
from . import quota
from .models import NamespaceList, UsageOut


@operation(summary="Quota and usage of this month", tag="hosting", response=UsageOut,
           enveloped=False)
async def usage(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "read")
    now = time.time()
    account = principal.account
    plan = ctx.settings.plan(account.plan)
    used, stored = quota.usage_of(ctx, account.id, now)
    out = UsageOut(
        plan=account.plan, uploads_used=used, uploads_limit=plan.monthly_uploads,
        uploads_remaining=max(0, plan.monthly_uploads - used), storage_used_bytes=stored,
        storage_limit_bytes=plan.storage_bytes, resets_at=quota.resets_at(now),
        verified=ctx.meta.hosting.is_verified(account.id),
    )
    return JSONResponse(out.model_dump())


@operation(summary="Namespaces with their image counts and bytes", tag="hosting",
           response=NamespaceList, enveloped=False)
async def namespaces(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "read")
    rows = ctx.meta.hosting.namespace_usage(principal.account.id, now=time.time())
    return JSONResponse({"namespaces": [
        {"namespace": n, "count": c, "storage_bytes": b} for n, c, b in rows]})
