"""CDN transforms of seed 001: `GET /src/{team_hash}/{uid}.{ext}?size=s|m|l`.

The extension picks the format (`auto` picks AVIF, WebP or JPEG from `Accept`), `size` the short
edge (320/640/1080, never upscaled); no size and the original's own extension serve the original,
re-encoded (or, for formats we cannot write, as a download). The transform key is the strong ETag,
known before any pixel, so a 304 costs a row lookup. Private images: see `server/http/visibility.py`.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.common import etag_matches
from ...http.openapi import operation
from ...http.visibility import SIGNED_PARAMS, Access, admit
from ...services.rendering.service import FORMATS as WRITTEN
from .media import find
from .present import extension, team_of
from .problems import not_found, problem

SIZES = ("s", "m", "l")
# What a variant may be asked for by extension: every format the core writes, GIF only as an
# original (below).
FORMATS = {name: fmt for name, fmt in WRITTEN.items() if fmt != "gif"}
# Originals are served re-encoded from their pixels, in their own format, metadata stripped: a
# file that is also a script or a page (a GIF/JS polyglot) never goes out as uploaded, and
# location and camera data stay with the owner. The quality keeps a re-encode close to its source.
ORIGINAL_QUALITY: dict[str, int | None] = {"jpeg": 90, "webp": 90, "avif": 70, "png": None,
                                           "gif": None}
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


def _headers(ctx: AppContext, access: Access, etag: str, vary: bool) -> dict[str, str]:
    public = f"public, max-age={ctx.settings.cdn_max_age}, immutable"
    headers = {"ETag": etag, "Cache-Control": access.cache_control(public)}
    if vary:
        headers["Vary"] = "Accept"
    return headers


@operation(summary="An image at a size and format, resized at the edge (private: signed URL or "
           "the owner's key)", tag="hosting", media=(*IMAGE_TYPES, "image/gif"), auth=False,
           errors=(304, 403, 404), extra_params=(SIZE_PARAM, *SIGNED_PARAMS))
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
    access = admit(request, ctx, image)
    original = extension(image)
    quality = None
    if size is None and (ext == original or (ext in ("jpg", "jpeg") and original == "jpeg")):
        if original not in ORIGINAL_QUALITY:
            return await _attachment(ctx, request, image, access)
        # The original, re-encoded from its pixels in its own format: never the uploaded bytes.
        fmt, quality = original, ORIGINAL_QUALITY[original]
    elif ext != "auto" and ext not in FORMATS:
        raise problem(400, "unsupported_format", f"Unknown extension {ext!r}: use one of "
                      "jpeg, jpg, png, webp, avif, auto" + f" or {original} (the original)")
    else:
        fmt = choose_auto(request.headers.get("accept", "")) if ext == "auto" else FORMATS[ext]
    prepared = ctx.render.prepare_transform(image, size=size, format=fmt, quality=quality)
    headers = _headers(ctx, access, prepared.etag, ext == "auto")
    if etag_matches(request, prepared.etag):
        return Response(status_code=304, headers=headers)
    output = (await ctx.render.obtain(prepared, fresh=not ctx.settings.store_transforms)).output
    return Response(output.data, media_type=output.media_type, headers=headers)


async def _attachment(ctx: AppContext, request: Request, image: ImageRecord, access: Access
                      ) -> Response:
    """An original the render graph cannot write back in its own format (SVG, HEIC, TIFF, BMP):
    its exact bytes, as a download, never shown inline on our origin."""
    headers = _headers(ctx, access, f'"orig-{image.unique_id}"', False)
    headers["Content-Disposition"] = f'attachment; filename="{image.unique_id}.{image.ext}"'
    if image.ext == "svg":
        # Even opened from the download, an uploaded SVG must never run script on our origin.
        headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    if etag_matches(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    chunks = await anyio.to_thread.run_sync(ctx.blobs.stream, image.blob_key)
    if chunks is None:
        raise not_found()
    headers["Content-Length"] = str(image.size)

    async def body() -> AsyncIterator[bytes]:
        while True:
            chunk = await anyio.to_thread.run_sync(next, chunks, None)
            if chunk is None:
                return
            yield chunk

    return StreamingResponse(body(), media_type=image.media_type, headers=headers)
