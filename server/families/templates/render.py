"""The image endpoints: public `GET /api/render` and stored results under `/renders/`."""

from __future__ import annotations

import functools
import re

from starlette.requests import Request
from starlette.responses import Response

from pinrender.urls import verify_signature

from ...backends import TemplateRecord
from ...context import AppContext, get_ctx
from ...http.bodies import validate
from ...http.common import etag_matches, json_param, prepare, server_timing
from ...http.errors import ApiError
from ...http.openapi import operation
from ...services.rendering.service import BY_EXTENSION, Prepared
from .schemas import RenderQuery

IMAGE_TYPES = ("image/png", "image/jpeg", "image/webp", "image/avif")
IMMUTABLE = "public, max-age=31536000, immutable"
_STORED = re.compile(r"^([0-9a-f]{16,64})\.([a-z]{3,4})$")


@operation(summary="Render a public template to an image (no key, not counted)", tag="render",
           query=RenderQuery, media=IMAGE_TYPES, auth=False, errors=(304, 403, 404, 422, 503),
           operation_id="renderTemplate")
async def render(request: Request) -> Response:
    ctx = get_ctx(request)
    query = validate(RenderQuery, dict(request.query_params))
    record = await ctx.io(functools.partial(ctx.meta.templates.get, str(query.templateId),
                                            with_data=False))
    # Private and missing look the same, so private template ids cannot be probed.
    if record is None or not record.public:
        raise ApiError(404, "Template not found or not public", field="templateId")
    layers = json_param(ctx, query.layers, "layers")
    variables = json_param(ctx, query.variables, "variables")
    if record.require_signature:
        account = await ctx.io(ctx.meta.accounts.get, record.account_id) if record.account_id else None
        if account is None or not verify_signature(
            query.signature, str(query.templateId), layers, variables,
            query.format if "format" in query.model_fields_set else None,
            secret=account.render_secret,
        ):
            raise ApiError(403, "signature: missing or invalid for this template", field="signature")

    fmt, vary = output_format(request, ctx, record, query.format)
    prepared = await prepare(ctx, record, layers, variables, fmt, query.quality)
    return await respond(request, ctx, prepared, vary=vary)


def output_format(request: Request, ctx: AppContext, record: TemplateRecord,
                  asked: str | None) -> tuple[str, bool]:
    """The format to render: the one asked for, else the template's default, else the server's;
    `auto` becomes `auto-webp` for clients whose Accept takes WebP (then the answer varies by
    Accept). Returns (format, varies by Accept)."""
    fmt = asked or ctx.render.template(record)[0].format or ctx.settings.og_default_format
    if fmt != "auto":
        return fmt, False
    if "image/webp" in request.headers.get("accept", "").lower():
        return "auto-webp", True
    return "auto", True


async def respond(request: Request, ctx: AppContext, prepared: Prepared, *, vary: bool = False
                  ) -> Response:
    """A public render's answer: 304 from the key alone, else the pixels (not stored)."""
    # The key exists before any pixel: a matching If-None-Match costs no render at all.
    headers = {"ETag": prepared.etag,
               "Cache-Control": f"public, max-age={ctx.settings.render_max_age}"}
    if vary:
        headers["Vary"] = "Accept"
    if etag_matches(request, prepared.etag):
        return Response(status_code=304, headers=headers)
    # Public renders are not counted, so not stored: a cache of them could be filled by anyone.
    obtained = await ctx.render.obtain(prepared, keep=False)
    output = obtained.output
    headers["Server-Timing"] = server_timing({} if obtained.cached else output.timings)
    return Response(output.data, media_type=output.media_type, headers=headers)


@operation(summary="A stored render, by content key (immutable)", tag="render", media=IMAGE_TYPES,
           auth=False, errors=(304, 404))
async def stored(request: Request) -> Response:
    ctx = get_ctx(request)
    match = _STORED.match(request.path_params["name"])
    if not match or match.group(2) not in BY_EXTENSION:
        raise ApiError(404, "Not found")
    key, ext = match.groups()
    etag = f'"{key}"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE}
    record = ctx.meta.results.get(key)
    if record is None or (record.template_id or "").startswith("image:"):
        # Variants of stored images are served only at their own URLs, which check who may
        # see the image (server/http/visibility.py); their keys are not secrets.
        raise ApiError(404, "Not found")
    output = await ctx.render.load_stored(key)
    if output is None or output.format != BY_EXTENSION[ext]:
        raise ApiError(404, "Not found")
    if etag_matches(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(output.data, media_type=output.media_type, headers=headers)
