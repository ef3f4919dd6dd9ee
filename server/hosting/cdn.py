"""CDN transforms of seed 001: `GET /src/{team_hash}/{uid}.{ext}?size=s|m|l`.

The extension picks the format (`auto` picks AVIF, WebP or JPEG from `Accept`), `size` the short
edge (320/640/1080, never upscaled); no size and the original's own extension serve the original.
The transform key is the strong ETag, known before any pixel, so a 304 costs a row lookup.
"""

from __future__ import annotations

import re
import time

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ..context import AppContext, get_ctx
from ..openapi import operation
from ..rendering.cache import Output
from ..rendering.pool import Busy, Timeout
from ..rendering.service import Prepared
from ..routes.common import busy, etag_matches
from .media import find
from .present import extension, team_of
from .problems import not_found, problem

SIZES = ("s", "m", "l")
FORMATS = {"jpeg": "jpeg", "jpg": "jpeg", "png": "png", "webp": "webp", "avif": "avif"}
_NAME = re.compile(r"^([a-z0-9]{1,32})\.([a-z0-9]{1,5})$")
IMAGE_TYPES = ("image/jpeg", "image/png", "image/webp", "image/avif")
SIZE_PARAM = {"name": "size", "in": "query", "required": False,
              "schema": {"type": "string", "enum": list(SIZES)},
              "description": "short edge: s=320, m=640, l=1080 (never upscaled)"}


def choose_auto(accept: str) -> str:
    accept = accept.lower()
    if "image/avif" in accept:
        return "avif"
    if "image/webp" in accept:
        return "webp"
    return "jpeg"


def _headers(ctx: AppContext, etag: str, vary: bool) -> dict[str, str]:
    headers = {"ETag": etag, "Cache-Control": f"public, max-age={ctx.settings.cdn_max_age}, immutable"}
    if vary:
        headers["Vary"] = "Accept"
    return headers


async def _output(ctx: AppContext, prepared: Prepared) -> Output:
    try:
        return await ctx.render.obtain(prepared, None, store=ctx.settings.store_transforms)
    except Busy:
        raise busy(ctx, "Server busy: too many transforms queued, retry shortly") from None
    except Timeout:
        raise busy(ctx, "Transform timed out") from None


@operation(summary="An image at a size and format, resized at the edge", tag="hosting", media=IMAGE_TYPES,
           auth=False, errors=(304, 404), extra_params=(SIZE_PARAM,))
async def serve(request: Request) -> Response:
    ctx = get_ctx(request)
    match = _NAME.match(request.path_params["name"])
    if match is None:
        raise not_found()
    uid, ext = match.groups()
    size = request.query_params.get("size")
    if size is not None and size not in SIZES:
        raise problem(400, "invalid_size", f"Unknown size {size!r}: use one of s, m, l")
    image = find(ctx, uid, time.time())
    if image is None or team_of(ctx, image) != request.path_params["team_hash"]:
        raise not_found()
    original = extension(image)
    if size is None and (ext == original or (ext in ("jpg", "jpeg") and original == "jpeg")):
        return await _original(ctx, request, image)
    if ext != "auto" and ext not in FORMATS:
        raise problem(400, "unsupported_format", f"Unknown extension {ext!r}: use one of "
                      "jpeg, jpg, png, webp, avif, auto" + f" or {original} (the original)")
    fmt = choose_auto(request.headers.get("accept", "")) if ext == "auto" else FORMATS[ext]
    prepared = ctx.render.prepare_transform(image, size=size, format=fmt)
    headers = _headers(ctx, prepared.etag, ext == "auto")
    if etag_matches(request, prepared.etag):
        return Response(status_code=304, headers=headers)
    output = await _output(ctx, prepared)
    return Response(output.data, media_type=output.media_type, headers=headers)


async def _original(ctx: AppContext, request: Request, image) -> Response:  # type: ignore[no-untyped-def]
    headers = _headers(ctx, f'"orig-{image.unique_id}"', False)
    headers["X-Content-Type-Options"] = "nosniff"
    if image.ext == "svg":
        # An uploaded SVG must never run script on our origin.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    if etag_matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    chunks = await anyio.to_thread.run_sync(ctx.blobs.stream, image.blob_key)
    if chunks is None:
        raise not_found()
    headers["Content-Length"] = str(image.size)

    async def body():  # type: ignore[no-untyped-def]
        while True:
            chunk = await anyio.to_thread.run_sync(next, chunks, None)
            if chunk is None:
                return
            yield chunk

    return StreamingResponse(body(), media_type=image.media_type, headers=headers)
