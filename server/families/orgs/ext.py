"""The ext family (seed 002): `/api/v1/ext/{org_id}/event/{event_id}/…` with an org token.

Every handler first passes `guard.admit` (401/403 in order, then the organisation's hourly limit).
Event photos are image rows like any family's (`services/media`: streamed, capped, probed,
committed with their storage claim), filed under the namespace `event:{id}` of the organisation,
so the CDN (`/src/…`) serves them and `/api/render` can use them as layers.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import anyio.to_thread
from python_multipart.exceptions import FormParserError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

import pinrender

from ...backends import Claim, ClaimRefused, ImageRecord
from ...context import AppContext, get_ctx
from ...http.bodies import settings_body, validate
from ...http.common import prepare
from ...http.errors import ApiError
from ...http.formdata import read_form
from ...http.openapi import operation
from ...services import ledger, media
from .guard import ExtCaller, admit
from .present import photo_out
from .schemas import Deleted, ExtRenderOut, ExtRenderRequest, PhotoOut, PhotoPage, PhotoQuery, Ping, UploadForm

ERRORS = (401, 403, 429)
HEADER = ("apiKeyHeader",)  # org tokens come in X-API-Key only (seed 002)


def namespace(event_id: int) -> str:
    return f"event:{event_id}"


def _event_id(who: ExtCaller) -> int:
    assert who.event is not None
    return who.event.id


@operation(summary="Check a token, organisation, event and host", tag="ext", response=Ping,
           enveloped=False, errors=ERRORS, security=HEADER)
async def ping(request: Request) -> Response:
    who = await admit(request, get_ctx(request))
    return JSONResponse(Ping(org_id=who.org.id, event_id=_event_id(who)).model_dump(),
                        headers=who.rate.headers())


def _too_large(limit: int) -> ApiError:
    return ApiError(413, f"The file is over the limit of {limit} bytes", code="file_too_large")


async def _check(ctx: AppContext, staged: Path, limit: int) -> pinrender.ProbeInfo:
    try:
        return await anyio.to_thread.run_sync(media.check_file, staged, limit,
                                              ctx.settings.render_timeout)
    except media.Damaged as exc:
        raise ApiError(400, f"The file is damaged and cannot be decoded: {exc}",
                       code="unsupported_format") from None
    except pinrender.RenderTimeout:
        raise ApiError(503, "Decoding the image took too long; retry later", code="unavailable",
                       headers={"Retry-After": str(ctx.settings.retry_after)}) from None
    except pinrender.LimitError as exc:
        raise ApiError(413, str(exc), code="file_too_large") from None
    except pinrender.PinrenderError as exc:
        raise ApiError(400, f"Not a supported image type: {exc}", code="unsupported_format") from None


@operation(summary="Upload a photo to the event (multipart `file`)", tag="ext", form=UploadForm,
           response=PhotoOut, enveloped=False, status=201, errors=(*ERRORS, 413), security=HEADER)
async def upload_photo(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await admit(request, ctx)
    plan = ctx.settings.plan(who.org.plan)
    limit = plan.max_file_bytes
    try:
        form = await read_form(request, staging=media.staging_dir(ctx.blobs, ctx.settings.data_dir),
                               limit=limit, svg_limit=min(limit, ctx.settings.svg_max_file_bytes),
                               too_large=_too_large)
    except FormParserError as exc:
        raise ApiError(400, f"Malformed multipart body: {exc}", code="bad_request") from None
    except ClientDisconnect:
        raise ApiError(400, "The upload was interrupted", code="bad_request") from None
    if form.file_path is None or form.file_size == 0:
        form.discard()
        raise ApiError(400, "No file in request (send it as the `file` field)", code="missing_file")
    staged = form.file_path
    now = time.time()
    try:
        info = await _check(ctx, staged, limit)
        size = staged.stat().st_size
        if info.format == "svg" and size > ctx.settings.svg_max_file_bytes:
            raise _too_large(ctx.settings.svg_max_file_bytes)
    except BaseException:
        media.discard(staged)
        raise
    event_id = _event_id(who)
    uid = media.new_id()
    ext = media.EXTENSIONS.get(info.format, info.format)
    record = ImageRecord(
        id=0, unique_id=uid, account_id=who.org.id,
        blob_key=media.blob_key(who.org.team_hash, uid, info.format),
        media_type=media.MEDIA_TYPES[info.format], ext=ext, width=info.oriented_width,
        height=info.oriented_height, size=size,
        name=os.path.basename(form.file_name) or f"{uid}.{ext}", namespace=namespace(event_id),
        metadata={"event_id": event_id}, source="upload", created_at=now, updated_at=now)
    claims = (Claim(ledger.STORAGE, ledger.FOREVER, size, plan.storage_bytes),)
    try:
        created = await media.commit(ctx.meta, ctx.counters, ctx.blobs, record, staged, claims=claims,
                                     now=now)
    except ClaimRefused:
        raise ApiError(413, f"Storage is full: the plan stores {plan.storage_bytes} bytes",
                       code="quota_exceeded") from None
    out = photo_out(ctx.links(request), who.org.team_hash, event_id, created)
    return JSONResponse(out.model_dump(), status_code=201, headers=who.rate.headers())


@operation(summary="The event's photos, newest first (cursor pages)", tag="ext", query=PhotoQuery,
           response=PhotoPage, enveloped=False, errors=ERRORS, security=HEADER)
async def list_photos(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await admit(request, ctx)
    query = validate(PhotoQuery, dict(request.query_params))
    event_id = _event_id(who)
    page = ctx.meta.images.list(who.org.id, now=time.time(), limit=query.limit,
                                before_id=int(query.cursor) if query.cursor else None,
                                namespace=namespace(event_id))
    links = ctx.links(request)
    items = [photo_out(links, who.org.team_hash, event_id, image) for image in page.items]
    cursor = str(page.items[-1].id) if page.has_more and page.items else None
    return JSONResponse(PhotoPage(data=items, next_cursor=cursor).model_dump(),
                        headers=who.rate.headers())


def _photo(ctx: AppContext, who: ExtCaller, raw: str) -> ImageRecord:
    """The event's photo `raw`; another event's, another organisation's or a deleted one is 404."""
    image = ctx.meta.images.get(raw) if raw.isalnum() and not raw.isdigit() else None
    if (image is None or image.account_id != who.org.id
            or image.namespace != namespace(_event_id(who)) or not image.available(time.time())):
        raise ApiError(404, "No such photo in this event", code="photo_not_found")
    return image


@operation(summary="One photo of the event", tag="ext", response=PhotoOut, enveloped=False,
           errors=(*ERRORS, 404), security=HEADER)
async def get_photo(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await admit(request, ctx)
    image = _photo(ctx, who, str(request.path_params["photo_id"]))
    out = photo_out(ctx.links(request), who.org.team_hash, _event_id(who), image)
    return JSONResponse(out.model_dump(), headers=who.rate.headers())


@operation(summary="Delete a photo of the event", tag="ext", response=Deleted, enveloped=False,
           errors=(*ERRORS, 404), security=HEADER)
async def delete_photo(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await admit(request, ctx)
    image = _photo(ctx, who, str(request.path_params["photo_id"]))
    if ctx.meta.images.soft_delete(image.id, now=time.time()):
        # Storage is given back at once; the sweeper removes the blob and then the row.
        ledger.unstored(ctx.counters, image.account_id, image.size)
    return JSONResponse(Deleted(id=image.unique_id).model_dump(), headers=who.rate.headers())


@operation(summary="Render one of the organisation's templates for the event", tag="ext",
           body=ExtRenderRequest, response=ExtRenderOut, enveloped=False,
           errors=(*ERRORS, 404, 413, 422, 503), security=HEADER)
async def render(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await admit(request, ctx)
    body = await settings_body(request, ctx.settings, ExtRenderRequest)
    record = ctx.meta.templates.get(str(body.templateId), with_data=False)
    if record is None or record.account_id != who.org.id:
        raise ApiError(404, "No such template in this organisation", field="templateId",
                       code="template_not_found")
    prepared = await prepare(ctx, record, body.layers, body.variables, body.format, None,
                       account_id=who.org.id)
    plan = ctx.settings.plan(who.org.plan)
    obtained = await ctx.render.generate(prepared, who.org.id, plan.monthly_renders)
    url = f"{ctx.base_url(request)}/renders/{prepared.key}.{prepared.extension}"
    out = ExtRenderOut(imageUrl=url, cached=obtained.cached, key=prepared.key,
                       format=prepared.format)
    return JSONResponse(out.model_dump(), headers=who.rate.headers())
