"""The public viewer page at a media item's `url` (`/i/{uid}`)."""

from __future__ import annotations

import time
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ..context import get_ctx
from ..openapi import operation
from .media import find
from .present import team_of
from .problems import not_found


@operation(summary="Public viewer page of a media item", tag="hosting", media=("text/html",),
           auth=False, errors=(404,))
async def viewer(request: Request) -> Response:
    ctx = get_ctx(request)
    image = find(ctx, request.path_params["uid"], time.time())
    if image is None or not image.public:
        raise not_found()
    base = ctx.base_url(request)
    src = f"{base}/src/{team_of(ctx, image)}/{image.unique_id}"
    title = escape(image.name or image.unique_id)
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title><meta property='og:image' content='{escape(src)}.jpeg?size=l'>"
        "<style>body{margin:0;background:#111;color:#eee;font:14px system-ui}"
        "main{display:flex;flex-direction:column;align-items:center;padding:16px}"
        "img{max-width:100%;max-height:85vh}</style></head><body><main>"
        f"<picture><source type=image/avif srcset='{escape(src)}.avif?size=l'>"
        f"<source type=image/webp srcset='{escape(src)}.webp?size=l'>"
        f"<img src='{escape(src)}.jpeg?size=l' alt='{title}'></picture>"
        f"<p>{title} · {image.width}×{image.height}</p></main></body></html>")
