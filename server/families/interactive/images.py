"""`/api/images` and `/api/images/{id}`: list, look up, create, read, update, delete."""

from __future__ import annotations

import time

import anyio.to_thread
from starlette.requests import Request
from starlette.responses import Response

from ...backends import ImageRecord
from ...context import AppContext
from ...http.auth import Principal
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from ...services.ledger import unstored
from ...services.rendering.service import image_origin
from .access import images_endpoint
from .ingest import check_image, source_bytes, store_image
from .listing import list_page, lookup, owned
from .present import image_out
from .schemas import DeletedOut, ImageCreate, ImageListing, ImageOut, ImageUpdate, ListQuery
from .validation import body, validate

ERRORS = (403, 404, 429)


def find(ctx: AppContext, who: Principal, ref: str) -> ImageRecord:
    """The caller's image by numeric id or unique_id; anyone else's looks missing (404)."""
    # ASCII only: `isalnum` also holds for '³', which the numeric-id lookup cannot read.
    image = ctx.meta.images.get(ref) if ref.isascii() and ref.isalnum() and len(ref) <= 18 else None
    if image is None or not owned(image, who.account.id, time.time()):
        raise ApiError(404, "Image not found")
    return image


@operation(summary="List images (page/limit, cursor) or look them up by ids", tag="images",
           query=ListQuery, response=ImageListing, errors=ERRORS)
@images_endpoint("read")
async def list_images(request: Request, ctx: AppContext, who: Principal) -> Response:
    params = dict(request.query_params)
    params.pop("api_key", None)
    query = validate(ListQuery, params)
    links = ctx.links(request)
    if query.ids is not None:
        return ok(lookup(ctx, links, who.account.id, query.ids).model_dump(mode="json"))
    return ok(list_page(ctx, links, who.account.id, query).model_dump(mode="json"))


@operation(summary="Create an interactive image from image_url or image_data", tag="images",
           body=ImageCreate, response=ImageOut, status=201, errors=(*ERRORS, 413))
@images_endpoint("write")
async def create_image(request: Request, ctx: AppContext, who: Principal) -> Response:
    s = ctx.settings
    # base64 carries 4 characters per 3 bytes, plus the JSON around it.
    max_bytes = s.max_source_bytes * 4 // 3 + 1024 * 1024
    data = await body(request, ImageCreate, max_bytes=max_bytes, max_depth=s.max_json_depth)
    plan = s.plan(who.account.plan)
    # a cheap early answer; store_image checks the cap again atomically with the insert
    if ctx.meta.images.count(who.account.id, now=time.time()) >= plan.max_images:
        raise ApiError(403, "Image limit reached")
    raw, field = await source_bytes(request, ctx, data, who.account.id)
    staged, info = await check_image(ctx, raw, field)
    image = await store_image(ctx, who.account, data, staged, info, max_images=plan.max_images)
    return ok(image_out(ctx.links(request), image).model_dump(mode="json"), status=201)


@operation(summary="One image by numeric id or unique_id", tag="images", response=ImageOut,
           errors=ERRORS)
@images_endpoint("read")
async def get_image(request: Request, ctx: AppContext, who: Principal) -> Response:
    image = find(ctx, who, request.path_params["id"])
    return ok(image_out(ctx.links(request), image).model_dump(mode="json"))


@operation(summary="Update title, description and/or hotspots (hotspots replace the set)",
           tag="images", body=ImageUpdate, response=ImageOut, errors=ERRORS)
@images_endpoint("write")
async def update_image(request: Request, ctx: AppContext, who: Principal) -> Response:
    image = find(ctx, who, request.path_params["id"])
    s = ctx.settings
    data = await body(request, ImageUpdate, max_bytes=s.max_body_bytes, max_depth=s.max_json_depth)
    changes: dict[str, object] = {}
    if data.title is not None:
        changes["title"] = data.title
    if data.description is not None:
        changes["description"] = data.description
    if data.hotspots is not None:
        changes["hotspots"] = tuple(h.stored() for h in data.hotspots)
    updated = ctx.meta.images.update(image.id, changes, now=time.time())
    if updated is None:
        raise ApiError(404, "Image not found")
    return ok(image_out(ctx.links(request), updated).model_dump(mode="json"))


@operation(summary="Delete an image and its stored files (account owner only)", tag="images",
           response=DeletedOut, errors=ERRORS)
@images_endpoint("write")
async def delete_image(request: Request, ctx: AppContext, who: Principal) -> Response:
    if not who.is_owner:
        raise ApiError(403, "Only the account owner may delete images")
    image = find(ctx, who, request.path_params["id"])
    # Hidden first, then the files, then the row: a crash midway leaves a soft-deleted row that
    # the sweeper (due_for_removal) finishes, never a visible row without its files.
    ctx.meta.images.soft_delete(image.id, now=time.time())
    await anyio.to_thread.run_sync(ctx.blobs.delete, image.blob_key)
    await anyio.to_thread.run_sync(ctx.render.forget_derived, image_origin(image))
    ctx.meta.images.purge(image.id)
    unstored(ctx.counters, image.account_id, image.size)
    return ok(DeletedOut(id=image.id, unique_id=image.unique_id, deleted=True).model_dump())
