"""Delivered files: `/files/{uid}_{width}.webp` variants and the share card with hotspot markers.

Both are render-graph outputs keyed before any pixel exists: the key is the strong ETag, names the
stored result, and is the single-flight key in the render pool, so a variant is computed once.
"""

from __future__ import annotations

import re
import time

from starlette.requests import Request
from starlette.responses import Response

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.common import etag_matches
from ...http.errors import ApiError
from ...http.openapi import operation
from ...http.visibility import SIGNED_PARAMS, Access, admit
from ...services.rendering.service import Prepared
from .present import parse_variant, variant_error

_NAME = re.compile(r"^([a-z0-9]{8})_([A-Za-z0-9]{1,12})\.webp$")
FILE_CACHE = "public, max-age=86400"
CARD_CACHE = "public, max-age=300"
CARD_WIDTH = 1200


def live_image(ctx: AppContext, unique_id: str) -> ImageRecord:
    image = ctx.meta.images.get(unique_id) if len(unique_id) == 8 and unique_id.isalnum() else None
    if image is None or image.unique_id != unique_id or not image.available(time.time()):
        raise ApiError(404, "Image not found")
    return image


def image_status(ctx: AppContext, image: ImageRecord) -> str:
    """ready, pending (a job is making it) or failed (it was, and gave up, even when the job
    failed before it could say so on the row)."""
    if image.status != "pending":
        return image.status
    job_id = image.metadata.get("job_id")
    job = ctx.meta.jobs.get(job_id) if isinstance(job_id, int) else None
    return "failed" if job is not None and job.status == "failed" else "pending"


async def visible_image(request: Request, ctx: AppContext, unique_id: str) -> tuple[ImageRecord, Access]:
    """The live image `unique_id` and how this request may see it (404 if it may not)."""
    image = await ctx.io(live_image, ctx, unique_id)
    return image, await admit(request, ctx, image)


def prepare_variant(ctx: AppContext, image: ImageRecord, width: int) -> Prepared:
    return ctx.render.prepare_transform(image, width=width, format="webp")


def prepare_card(ctx: AppContext, image: ImageRecord) -> Prepared:
    """The share card: the image at up to 1200 wide, hotspot markers drawn in, as PNG."""
    return ctx.render.prepare_card(image, width=CARD_WIDTH)


async def deliver(request: Request, ctx: AppContext, prepared: Prepared, account_id: int | None,
                  cache_control: str) -> Response:
    headers = {"ETag": prepared.etag, "Cache-Control": cache_control}
    if etag_matches(request, prepared.etag):
        return Response(status_code=304, headers=headers)
    obtained = await ctx.render.obtain(prepared, account_id,
                                       fresh=not ctx.settings.store_transforms)
    output = obtained.output
    return Response(output.data, media_type=output.media_type, headers=headers)


@operation(summary="A WebP width variant: {unique_id}_{256|512|720|1024|1500|2000|alias}.webp",
           tag="files", media=("image/webp",), auth=False, errors=(304, 403, 404, 503),
           extra_params=SIGNED_PARAMS)
async def variant(request: Request) -> Response:
    ctx = get_ctx(request)
    match = _NAME.match(request.path_params["name"])
    if not match:
        raise ApiError(404, "Not found: variant files are named {unique_id}_{width}.webp")
    unique_id, token = match.groups()
    width = parse_variant(token)
    if width is None:
        raise ApiError(404, variant_error(token))
    image, access = await visible_image(request, ctx, unique_id)
    return await deliver(request, ctx, prepare_variant(ctx, image, width), image.account_id,
                         access.cache_control(FILE_CACHE))


@operation(summary="The share card: the image with numbered hotspot markers (og:image)",
           tag="files", media=("image/png",), auth=False, errors=(304, 403, 404, 503),
           extra_params=SIGNED_PARAMS)
async def card(request: Request) -> Response:
    ctx = get_ctx(request)
    image, access = await visible_image(request, ctx, request.path_params["unique_id"])
    return await deliver(request, ctx, prepare_card(ctx, image), image.account_id,
                         access.cache_control(CARD_CACHE))


__all__ = ["card", "live_image", "variant", "visible_image"]
