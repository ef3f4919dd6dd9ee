"""The widget script and the two pages that host it: `/share/images/{uid}` and `/images/{uid}/embed`,
and the share page's `og:image`.

The pages inline the embed-data payload (no second request, and no embed key in a public page) as
JSON inside a script element, with `<`, `>` and `&` escaped so no string can close the element.
"""

from __future__ import annotations

import hashlib
import json
import time
from html import escape
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from pinrender import content_key

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.common import etag_matches
from ...http.openapi import operation
from ...http.visibility import SIGNED_PARAMS
from ...services.links import Links
from ...services.rendering.cache import Output
from ...services.rendering.service import Prepared
from .embed import WIDGET_PATH
from .files import deliver, image_status, prepare_card, visible_image
from .payload import embed_payload

# Social networks show link cards at 1200x630 (1.91:1) and crop any other shape to it.
OG_WIDTH, OG_HEIGHT = 1200, 630
OG_BACKGROUND = "#111827"

WIDGET = (Path(__file__).parent / "static" / "widget.js").read_bytes()
WIDGET_ETAG = '"' + hashlib.sha256(WIDGET).hexdigest()[:24] + '"'


def script_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@operation(summary="The embed widget script (dependency-free)", tag="embeds",
           media=("text/javascript",), auth=False, errors=(304,))
async def widget(request: Request) -> Response:
    headers = {"ETag": WIDGET_ETAG, "Cache-Control": "public, max-age=3600"}
    if etag_matches(request, WIDGET_ETAG):
        return Response(status_code=304, headers=headers)
    return Response(WIDGET, media_type="text/javascript", headers=headers)


def og_url(links: Links, image: ImageRecord) -> str:
    return links.image(image, f"/share/images/{image.unique_id}/og.png?v={image.version}")


def prepare_og_card(ctx: AppContext, image: ImageRecord) -> Prepared:
    """The share card (hotspot markers drawn in) contained in 1200x630 on a dark ground, so no
    marker is cropped away whatever the photo's shape."""
    card = prepare_card(ctx, image)

    def call() -> Output:
        drawn = card.call()
        started = time.perf_counter()
        png = ctx.render.renderer.render({
            "canvas": {"width": OG_WIDTH, "height": OG_HEIGHT, "background": OG_BACKGROUND},
            "layers": [{"name": "card", "type": "image", "x": 0, "y": 0, "width": OG_WIDTH,
                        "height": OG_HEIGHT, "image_url": drawn.data, "objectFit": "contain"}],
        }, format="png")
        return Output(png, "image/png", "png",
                      {**drawn.timings, "compose": time.perf_counter() - started})

    key = content_key("og-card", str(OG_WIDTH), str(OG_HEIGHT), OG_BACKGROUND, card.key)
    return Prepared(key=key, template_id=card.template_id, format="png", call=call)


@operation(summary="The share page's og:image: the share card at 1200x630", tag="files",
           media=("image/png",), auth=False, errors=(404, 503))
async def og_card(request: Request) -> Response:
    ctx = get_ctx(request)
    image, access = await visible_image(request, ctx, request.path_params["unique_id"])
    return await deliver(request, ctx, prepare_og_card(ctx, image), image.account_id,
                         access.cache_control("public, max-age=300"))


async def _page(request: Request, *, chrome: bool) -> HTMLResponse:
    ctx = get_ctx(request)
    image, access = await visible_image(request, ctx, request.path_params["unique_id"])
    account = ctx.meta.accounts.get(image.account_id) if image.account_id else None
    links = access.links(ctx.links(request))
    status = image_status(ctx, image)
    data = embed_payload(links, image, account, status=status)
    seo = data.get("seo") or {"title": image.title or "Interactive image",
                              "description": image.description, "canonical": data["share_url"]}
    title, desc, card = (escape(seo["title"], quote=True), escape(seo["description"], quote=True),
                         escape(og_url(links, image), quote=True))
    meta = (
        f'<meta property="og:type" content="website"><meta property="og:title" content="{title}">'
        f'<meta property="og:description" content="{desc}"><meta property="og:image" content="{card}">'
        f'<meta property="og:image:width" content="{OG_WIDTH}">'
        f'<meta property="og:image:height" content="{OG_HEIGHT}">'
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
    body = (f"<main>{heading}<div id=pinrender-root></div></main>" if chrome else
            "<div id=pinrender-root></div>")
    return HTMLResponse(
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f"<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{escape(seo['title'])}</title>{meta}<style>{style}</style></head><body>{body}"
        f"<script type=application/json data-pinrender-data data-pinrender-target=pinrender-root>"
        f"{script_json(data)}</script><script src='{WIDGET_PATH}'></script></body></html>",
        headers={"Cache-Control": access.cache_control("public, max-age=60, must-revalidate")
                 if status == "ready" else "no-store"},
    )


@operation(summary="Share page with og:image / twitter:image", tag="embeds", media=("text/html",),
           auth=False, errors=(403, 404), extra_params=SIGNED_PARAMS)
async def share_page(request: Request) -> Response:
    return await _page(request, chrome=True)


@operation(summary="Embed page (for the iframe snippet)", tag="embeds", media=("text/html",),
           auth=False, errors=(403, 404), extra_params=SIGNED_PARAMS)
async def embed_page(request: Request) -> Response:
    return await _page(request, chrome=False)
