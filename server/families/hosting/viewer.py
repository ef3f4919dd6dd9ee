"""The viewer page at a media item's `url` (`/i/{uid}`): public items for anyone, private ones
through a signed link or the owner's key (server/http/visibility.py)."""

from __future__ import annotations

import time
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from ...context import get_ctx
from ...http.openapi import operation
from ...http.visibility import SIGNED_PARAMS, admit
from .media import find
from .present import src_path, team_of
from .problems import not_found


@operation(summary="Viewer page of a media item (private: signed URL or the owner's key)",
           tag="hosting", media=("text/html",), auth=False, errors=(403, 404),
           extra_params=SIGNED_PARAMS)
async def viewer(request: Request) -> Response:
    ctx = get_ctx(request)
    image = find(ctx, request.path_params["uid"], time.time())
    if image is None:
        raise not_found()
    access = await admit(request, ctx, image)
    links, team = access.links(ctx.links(request)), team_of(ctx, image)

    def src(ext: str) -> str:
        return escape(links.image(image, src_path(team, image, ext, "l")), quote=True)

    title = escape(image.name or image.unique_id)
    return HTMLResponse(
        "<!doctype html><html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width,initial-scale=1'>"
        f"<title>{title}</title><meta property='og:image' content='{src('jpeg')}'>"
        "<style>body{margin:0;background:#111;color:#eee;font:14px system-ui}"
        "main{display:flex;flex-direction:column;align-items:center;padding:16px}"
        "img{max-width:100%;max-height:85vh}</style></head><body><main>"
        f"<picture><source type=image/avif srcset='{src('avif')}'>"
        f"<source type=image/webp srcset='{src('webp')}'>"
        f"<img src='{src('jpeg')}' alt='{title}'></picture>"
        f"<p>{title} · {image.width}×{image.height}</p></main></body></html>",
        headers={"Cache-Control": access.cache_control("public, max-age=60, must-revalidate")})
