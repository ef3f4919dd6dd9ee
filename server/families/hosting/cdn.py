"""CDN transforms of seed 001: `GET /src/{team_hash}/{uid}.{ext}?size=s|m|l`, and the
imgix-compatible parameters of `cdn_params.py` (`w`, `h`, `fit`, `crop`, …; signed with `s`).

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

import pinrender

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.common import etag_matches
from ...http.openapi import operation
from ...http.visibility import Access, admit
from ...services.rendering.service import FORMATS as WRITTEN
from . import cdn_params
from .media import find
from .present import extension, team_of
from .problems import not_found, problem

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
ACCEPT_FORMATS = ("avif", "webp")


def accepted(accept: str) -> str | None:
    """The best of AVIF and WebP the `Accept` header names, if any (imgix `auto=format`)."""
    accept = accept.lower()
    return next((fmt for fmt in ACCEPT_FORMATS if f"image/{fmt}" in accept), None)


def choose_auto(accept: str) -> str:
    return accepted(accept) or "jpeg"


def _headers(ctx: AppContext, access: Access, etag: str, vary: bool) -> dict[str, str]:
    public = f"public, max-age={ctx.settings.cdn_max_age}, immutable"
    headers = {"ETag": etag, "Cache-Control": access.cache_control(public)}
    if vary:
        headers["Vary"] = "Accept"
    return headers


def located(ctx: AppContext, uid: str, team: str, now: float) -> ImageRecord | None:
    """The live image `uid` of the team `team`, else None (one store step)."""
    image = find(ctx, uid, now)
    return image if image is not None and team_of(ctx, image) == team else None


@operation(summary="An image at a size and format, resized at the edge (private: signed URL or "
           "the owner's key)", tag="hosting", media=(*IMAGE_TYPES, "image/gif"), auth=False,
           errors=(304, 403, 404), query=cdn_params.CdnQuery, operation_id="getCdnImage")
async def serve(request: Request) -> Response:
    ctx = get_ctx(request)
    match = _NAME.match(request.path_params["name"])
    if match is None:
        raise not_found()
    uid, ext = match.groups()
    query = cdn_params.parse(request)
    size, frame = query.size, query.frame()
    image = await ctx.io(located, ctx, uid, request.path_params["team_hash"], time.time())
    if image is None:
        raise not_found()
    access = await admit(request, ctx, image)
    cdn_params.admit_free_form(request, ctx, image, query)
    original = extension(image)
    is_original = ext == original or (ext in ("jpg", "jpeg") and original == "jpeg")
    if ext != "auto" and ext not in FORMATS and not is_original:
        raise problem(400, "unsupported_format", f"Unknown extension {ext!r}: use one of "
                      "jpeg, jpg, png, webp, avif, auto" + f" or {original} (the original)")
    quality = query.q
    negotiated = accepted(request.headers.get("accept", "")) if query.auto else None
    if negotiated is not None or query.fm is not None:
        fmt = negotiated or FORMATS[query.fm or "jpeg"]
    elif size is None and not frame and is_original:
        if original not in ORIGINAL_QUALITY:
            return await _attachment(ctx, request, image, access)
        # The original, re-encoded from its pixels in its own format: never the uploaded bytes.
        fmt, quality = original, quality or ORIGINAL_QUALITY[original]
    elif ext == "auto":
        fmt = choose_auto(request.headers.get("accept", ""))
    elif ext in FORMATS:
        fmt = FORMATS[ext]
    else:  # the original's own format, asked to change size: not a format variants are made in
        raise problem(400, "unsupported_format", f"Variants of a {original} are made as jpeg, "
                      "jpg, png, webp, avif or auto")
    try:
        prepared = ctx.render.prepare_transform(image, size=size, format=fmt, quality=quality,
                                                frame=frame)
    except pinrender.TemplateError as exc:  # the core names the option (size with w, bad crop)
        raise problem(400, "invalid_parameter", f"Parameter {exc.path or 'query'!r}: {exc.message} "
                      f"(parameters: {', '.join(cdn_params.ALLOWED)})") from None
    headers = _headers(ctx, access, prepared.etag, ext == "auto" or query.auto is not None)
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
