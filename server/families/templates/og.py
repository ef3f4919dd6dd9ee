"""Short og:image URLs: `GET /og/{templateId}.{png|jpg|webp|avif}?title=Hello&author=Ada`.

An alias of `/api/render` that people can write by hand: each query parameter fills the template
variable of its name, `layers=` (JSON) still overrides anything else, and the extension sets the
format and the Content-Type (crawlers like a URL that ends like an image). A parameter that is no
variable of the template is a 400 naming the ones it has. Same key, ETag and bytes as
`/api/render` with the same variables, layers and format.
"""

from __future__ import annotations

import functools
import re
from uuid import UUID

from starlette.requests import Request
from starlette.responses import Response

from pinrender.urls import check_og

from ...context import get_ctx
from ...http.common import json_param, prepare
from ...http.errors import ApiError
from ...http.openapi import operation
from .render import IMAGE_TYPES, respond

EXTENSIONS = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp", "avif": "avif"}
# Names that are not variables: `layers` (JSON overrides), `quality`, and the signature of
# templates that require one. A variable of the same name cannot be set here (use `layers`).
RESERVED = ("layers", "quality", "signature")
_NAME = re.compile(r"^([0-9a-fA-F-]{32,36})\.([a-z]{3,4})$")
OG_PARAMS = (
    {"name": "variables", "in": "query", "required": False, "style": "form", "explode": True,
     "schema": {"type": "object", "additionalProperties": {"type": "string"}},
     "description": "each template variable as its own parameter: ?title=Hello&author=Ada",
     "example": {"title": "Hello", "author": "Ada"}},
    {"name": "layers", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "URL-encoded JSON: layer name -> properties (as /api/render)"},
    {"name": "quality", "in": "query", "required": False,
     "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
    {"name": "signature", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "HMAC of path and sorted query (pinrender.urls.og_url), for templates that "
                    "require it"},
)


def _quality(raw: str | None) -> int | None:
    if raw is None:
        return None
    if not (raw.isascii() and raw.isdigit() and 1 <= int(raw[:4]) <= 100):
        raise ApiError(400, "quality: must be a whole number from 1 to 100", field="quality")
    return int(raw)


@operation(summary="An og:image by short URL: query parameters fill the template's variables",
           tag="render", media=IMAGE_TYPES, auth=False, errors=(304, 403, 404, 422, 503),
           extra_params=OG_PARAMS, operation_id="getOgImage")
async def og(request: Request) -> Response:
    ctx = get_ctx(request)
    match = _NAME.match(request.path_params["name"])
    if match is None or match.group(2) not in EXTENSIONS:
        raise ApiError(404, "Not found: use /og/{templateId}.png, .jpg, .webp or .avif")
    try:
        template_id = str(UUID(match.group(1)))
    except ValueError:
        raise ApiError(404, "Template not found or not public", field="templateId") from None
    record = await ctx.io(functools.partial(ctx.meta.templates.get, template_id, with_data=False))
    if record is None or not record.public:
        raise ApiError(404, "Template not found or not public", field="templateId")
    template, record = ctx.render.template(record)
    declared = [v.name for v in template.variables]
    items = request.query_params.multi_items()
    seen: set[str] = set()
    for name, _ in items:
        if name not in declared and name not in RESERVED:
            names = ", ".join(declared) or "none"
            raise ApiError(400, f"{name[:40]!r} is not a variable of this template: its "
                           f"variables are {names} (and layers= for anything else)", field=name[:40])
        if name in seen:
            raise ApiError(400, f"{name!r} is given twice", field=name)
        seen.add(name)
    params = dict(items)
    variables = {name: value for name, value in params.items() if name not in RESERVED}
    layers = json_param(ctx, params.get("layers"), "layers")
    if record.require_signature:
        account = await ctx.io(ctx.meta.accounts.get, record.account_id) if record.account_id else None
        if account is None or not check_og(request.scope["path"], items, account.render_secret):
            raise ApiError(403, "signature: missing or invalid for this template", field="signature")
    prepared = await prepare(ctx, record, layers, variables or None, EXTENSIONS[match.group(2)],
                       _quality(params.get("quality")))
    return await respond(request, ctx, prepared)
