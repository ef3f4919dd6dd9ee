"""The widget script and the two pages that host it: `/share/images/{uid}` and `/images/{uid}/embed`.

The pages inline the embed-data payload (no second request, and no embed key in a public page) as
JSON inside a script element, with `<`, `>` and `&` escaped so no string can close the element.
"""

from __future__ import annotations

import hashlib
import json
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..context import get_ctx
from ..openapi import operation
from ..routes.common import etag_matches
from ..visibility import SIGNED_PARAMS
from .embed import WIDGET_PATH
from .files import visible_image
from .payload import embed_payload

WIDGET = (Path(__file__).parent / "static" / "widget.js").read_bytes()
WIDGET_ETAG = '"' + hashlib.sha256(WIDGET).hexdigest()[:24] + '"'


def script_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@operation(summary="The embed widget script (dependency-free)", tag="embeds",
           media=("text/javascript",), auth=False)
async def widget(request: Request) -> Response:
    headers = {"ETag": WIDGET_ETAG, "Cache-Control": "public, max-age=3600"}
    if etag_matches(request, WIDGET_ETAG):
        return Response(status_code=304, headers=headers)
    return Response(WIDGET, media_type="text/javascript", headers=headers)


def _page(request: Request, *, chrome: bool) -> HTMLResponse:
    ctx = get_ctx(request)
    image, access = visible_image(request, ctx, request.path_params["unique_id"])
    account = ctx.meta.accounts.get(image.account_id) if image.account_id else None
    data = embed_payload(access.links(ctx.links(request)), image, account)
    seo = data["seo"]
    title, desc, card = (escape(seo["title"], quote=True), escape(seo["description"], quote=True),
                         escape(seo["image"], quote=True))
    meta = (
        f'<meta property="og:type" content="website"><meta property="og:title" content="{title}">'
        f'<meta property="og:description" content="{desc}"><meta property="og:image" content="{card}">'
        f'<meta property="og:url" content="{escape(seo["canonical"], quote=True)}">'
        f'<meta name="twitter:card" content="summary_large_image">'
        f'<meta name="twitter:title" content="{title}"><meta name="twitter:image" content="{card}">'
        f'<meta name="description" content="{desc}">'
        f'<link rel="canonical" href="{escape(seo["canonical"], quote=True)}">'
    )
    style = ("body{margin:0;font:15px/1.5 system-ui,sans-serif;color:#222}"
             "main{max-width:1100px;margin:0 auto;padding:24px}" if chrome else
             "html,body{margin:0;padding:0;overflow:hidden}")
    heading = (f"<h1>{escape(image.title)}</h1><p>{escape(image.description)}</p>" if chrome else "")
    body = (f"<main>{heading}<div id=pinpic-root></div></main>" if chrome else
            "<div id=pinpic-root></div>")
    return HTMLResponse(
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{escape(seo['title'])}</title>{meta}<style>{style}</style></head><body>{body}"
        f"<script type=application/json data-pinpic-data data-pinpic-target=pinpic-root>"
        f"{script_json(data)}</script><script src='{WIDGET_PATH}'></script></body></html>",
        headers={"Cache-Control": access.cache_control("public, max-age=60, must-revalidate")},
    )


@operation(summary="Share page with og:image / twitter:image", tag="embeds", media=("text/html",),
           auth=False, errors=(403, 404), extra_params=SIGNED_PARAMS)
async def share_page(request: Request) -> Response:
    return _page(request, chrome=True)


@operation(summary="Embed page (for the iframe snippet)", tag="embeds", media=("text/html",),
           auth=False, errors=(403, 404), extra_params=SIGNED_PARAMS)
async def embed_page(request: Request) -> Response:
    return _page(request, chrome=False)
