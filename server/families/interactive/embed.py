"""Embedding: ready-to-paste snippets, the owner's embed key, and the public embed-data JSON."""

from __future__ import annotations

import secrets
from html import escape

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.auth import Principal
from ...http.common import etag_matches
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from ...services.links import Links
from .access import images_endpoint
from .files import image_status, visible_image
from .images import ERRORS, find
from .payload import embed_payload, etag
from .present import DEFAULT_WIDTH, embed_url, parse_variant, share_url, variant_error
from .schemas import EmbedDataQuery, EmbedKeyOut, EmbedOut
from .validation import validate

WIDGET_PATH = "/embed/widget.js"
# Browsers and CDNs may keep a copy briefly, then must revalidate (a cheap 304 by ETag).
EMBED_CACHE = "public, max-age=60, must-revalidate"


def snippets(links: Links, image: ImageRecord, user: str, title: str) -> tuple[str, str]:
    q = {k: escape(v, quote=True) for k, v in
         {"id": image.unique_id, "user": user, "base": links.base, "title": title,
          "src": embed_url(links, image, user)}.items()}
    js = (f'<div class="pinrender-embed" data-pinrender-id="{q["id"]}" data-pinrender-user="{q["user"]}">'
          f'</div>\n<script src="{q["base"]}{WIDGET_PATH}" async></script>')
    ratio = f"{image.width} / {image.height}" if image.width and image.height else "16 / 9"
    iframe = (f'<iframe src="{q["src"]}" '
              f'title="{q["title"]}" loading="lazy" allowfullscreen '
              f'style="width:100%;aspect-ratio:{ratio};border:0"></iframe>')
    return js, iframe


@operation(summary="Embed code: share URL, JS snippet and iframe snippet", tag="embeds",
           response=EmbedOut, errors=ERRORS)
@images_endpoint("read")
async def embed(request: Request, ctx: AppContext, who: Principal) -> Response:
    # The repository gives every row an 8-character unique_id on insert, so "assign one if
    # missing" (seed 000) never has work to do here.
    image = find(ctx, who, request.path_params["id"])
    links = ctx.links(request)
    js, iframe = snippets(links, image, who.account.embed_key, image.title or "Interactive image")
    out = EmbedOut(unique_id=image.unique_id, share_url=share_url(links, image),
                   embed_url=embed_url(links, image), embed_key=who.account.embed_key,
                   js_snippet=js, iframe_snippet=iframe, embed_code=js)
    return ok(out.model_dump())


@operation(summary="Rotate the account's embed key (owner only); old snippets stop working",
           tag="embeds", response=EmbedKeyOut, errors=ERRORS)
@images_endpoint("write")
async def rotate_embed_key(request: Request, ctx: AppContext, who: Principal) -> Response:
    if not who.is_owner:
        raise ApiError(403, "Only the account owner may rotate the embed key")
    account = ctx.meta.accounts.rotate_embed_key(who.account.id)
    if account is None:
        raise ApiError(404, "Account not found")
    return ok(EmbedKeyOut(embed_key=account.embed_key).model_dump())


@operation(summary="Render-time JSON for the widget (no API key; gated by the embed key)",
           tag="embeds", query=EmbedDataQuery, auth=False, errors=(304, 403, 404))
async def embed_data(request: Request) -> Response:
    ctx = get_ctx(request)
    query = validate(EmbedDataQuery, dict(request.query_params))
    unique_id = request.path_params["id"]
    if unique_id.isdigit():
        raise ApiError(404, "Image not found: embed-data takes the unique_id, not the numeric id")
    image, access = await visible_image(request, ctx, unique_id)
    account = await ctx.io(ctx.meta.accounts.get, image.account_id) if image.account_id else None
    if account is None or not query.user or not secrets.compare_digest(
            query.user.encode(), account.embed_key.encode()):
        raise ApiError(403, "Invalid embed key: pass the image owner's embed key as `user`",
                       field="user")
    width = DEFAULT_WIDTH
    if query.variant is not None:
        parsed = parse_variant(query.variant)
        if parsed is None:
            raise ApiError(400, f"variant: {variant_error(query.variant)}", field="variant")
        width = parsed
    links = access.links(ctx.links(request))
    status = image_status(ctx, image)
    tag = etag(image, links, width, status)
    # A pending image changes on its own soon: the widget's next look must reach the server.
    cache = access.cache_control(EMBED_CACHE) if status == "ready" else "no-store"
    headers = {"ETag": tag, "Cache-Control": cache}
    if etag_matches(request, tag):
        return Response(status_code=304, headers=headers)
    return JSONResponse({"success": True,
                         "data": embed_payload(links, image, account, width, status)},
                        headers=headers)
