"""`POST /api/generate`: render for an account, store under the content key, return its URL."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...context import get_ctx
from ...http.auth import authenticate
from ...http.bodies import json_body
from ...http.common import prepare, produce, server_timing
from ...http.errors import ApiError
from ...http.openapi import operation
from ...services.usage import RENDERS, month, month_reset
from .schemas import GenerateRequest, GenerateResponse, GenerateResult


@operation(summary="Render a template and store the image", tag="render", body=GenerateRequest,
           response=GenerateResponse, enveloped=False, errors=(404, 413, 422, 429, 503))
async def generate(request: Request) -> Response:
    ctx = get_ctx(request)
    who = authenticate(request, ctx, "write")
    s = ctx.settings
    body = await json_body(request, GenerateRequest, max_bytes=s.max_body_bytes,
                           max_depth=s.max_json_depth)
    record = ctx.meta.templates.get(str(body.templateId), with_data=False)
    if record is None or (record.account_id != who.account.id and not record.public):
        raise ApiError(404, "Template not found", field="templateId")
    prepared = prepare(ctx, record, body.layers, body.variables, body.format, body.quality)

    output = await ctx.render.cached(prepared)
    cached = output is not None
    if output is None:
        # Claim before rendering so concurrent requests cannot overspend; give it back on any
        # failure, and when another request's identical render did the work (single-flight).
        allowance = s.plan(who.account.plan).monthly_renders
        period = month()
        if not ctx.meta.usage.claim(who.account.id, RENDERS, period, 1, allowance):
            raise ApiError(429, "Monthly render limit reached", headers={
                "Retry-After": str(max(1, month_reset() - int(time.time()))),
                "X-Renders-Limit": str(allowance),
                "X-Renders-Remaining": "0",
            })
        try:
            output, started = await produce(ctx, prepared)
            await ctx.render.store(prepared, output, who.account.id)
        except BaseException:
            ctx.meta.usage.release(who.account.id, RENDERS, period, 1)
            raise
        if not started:
            ctx.meta.usage.release(who.account.id, RENDERS, period, 1)
            cached = True
    else:
        await ctx.render.store(prepared, output, who.account.id)

    url = f"{ctx.base_url(request)}/renders/{prepared.key}.{prepared.extension}"
    result = GenerateResult(imageUrl=url, cached=cached, key=prepared.key, format=prepared.format)
    payload = GenerateResponse(imageUrl=url, cached=cached, data=result)
    headers = {"Server-Timing": server_timing({} if cached else output.timings)}
    return JSONResponse(payload.model_dump(mode="json"), headers=headers)
