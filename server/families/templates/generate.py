"""`POST /api/generate`: render for an account, store under the content key, return its URL."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...context import get_ctx
from ...http.auth import authenticate
from ...http.bodies import settings_body
from ...http.common import prepare, server_timing
from ...http.errors import ApiError
from ...http.openapi import operation
from .examples import example_id
from .schemas import GenerateRequest, GenerateResponse, GenerateResult


@operation(summary="Render a template and store the image", tag="render", body=GenerateRequest,
           response=GenerateResponse, enveloped=False, errors=(404, 413, 422, 429, 503),
           example={"templateId": example_id("blog-og"), "format": "jpeg",
                    "variables": {"title": "Hello from the API docs", "author": "Ada Lovelace"},
                    "layers": {"subtitle": {"color": "#ffd166"}}})
async def generate(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "write")
    s = ctx.settings
    body = await settings_body(request, s, GenerateRequest)
    record = ctx.meta.templates.get(str(body.templateId), with_data=False)
    if record is None or (record.account_id != who.account.id and not record.public):
        raise ApiError(404, "Template not found", field="templateId")
    prepared = await prepare(ctx, record, body.layers, body.variables, body.format, body.quality,
                       account_id=who.account.id)

    obtained = await ctx.render.generate(prepared, who.account.id,
                                         s.plan(who.account.plan).monthly_renders)
    cached = obtained.cached

    url = f"{ctx.base_url(request)}/renders/{prepared.key}.{prepared.extension}"
    result = GenerateResult(imageUrl=url, cached=cached, key=prepared.key, format=prepared.format)
    payload = GenerateResponse(imageUrl=url, cached=cached, data=result)
    headers = {"Server-Timing": server_timing({} if cached else obtained.output.timings)}
    return JSONResponse(payload.model_dump(mode="json"), headers=headers)
