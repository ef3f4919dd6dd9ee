"""`/v1/media`: list with cursors, get, patch, soft delete."""

from __future__ import annotations

import base64
import binascii
import json
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...backends import ImageRecord
from ...context import AppContext, get_ctx
from ...http.auth import Principal, authenticate
from ...http.openapi import operation
from . import fields, quota
from .callers import optional_principal
from .models import Deleted, ListQuery, MediaList, MediaOut, MediaPatch
from .present import media_out
from .problems import invalid, json_body, not_found, problem, validate


def encode_cursor(image_id: int) -> str:
    raw = json.dumps({"id": image_id}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    """Opaque to callers; it is the last id seen, so it stays valid while rows come and go."""
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        image_id = data["id"]
    except (ValueError, TypeError, KeyError, binascii.Error):
        raise invalid({"cursor": "not a cursor from a previous response"}) from None
    if not isinstance(image_id, int) or isinstance(image_id, bool) or image_id < 1:
        raise invalid({"cursor": "not a cursor from a previous response"})
    return image_id


def find(ctx: AppContext, ref: str, now: float) -> ImageRecord | None:
    # Only unique ids address media here; all-digit strings would be row ids (never minted so).
    if ref.isdigit() or not 1 <= len(ref) <= 32:
        return None
    image = ctx.meta.images.get(ref)
    return image if image is not None and image.available(now) else None


def owned(ctx: AppContext, principal: Principal, ref: str, now: float) -> ImageRecord:
    image = find(ctx, ref, now)
    if image is None or image.account_id != principal.account.id:
        raise not_found()
    return image


@operation(summary="List media", tag="hosting", query=ListQuery, response=MediaList,
           enveloped=False, errors=(422,))
async def list_media(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "read")
    q = validate(ListQuery, dict(request.query_params))
    if q.namespace is not None:
        try:
            fields.check_namespace(q.namespace)
        except ValueError as exc:
            raise invalid({"namespace": str(exc)}) from None
    try:
        tags = fields.parse_tags(q.tags) if q.tags else ()
    except ValueError as exc:
        raise invalid({"tags": str(exc)}) from None
    before = decode_cursor(q.cursor) if q.cursor else None
    page = ctx.meta.images.list(principal.account.id, now=time.time(), before_id=before,
                                limit=q.limit, namespace=q.namespace, tags=tags,
                                tag_mode=q.tag_mode)
    base, team = ctx.base_url(request), principal.account.team_hash
    items = [media_out(ctx, base, i, editable=True, team=team) for i in page.items]
    cursor = encode_cursor(page.items[-1].id) if page.items and page.has_more else None
    return JSONResponse({"items": items, "cursor": cursor, "has_more": page.has_more})


@operation(summary="Get one media item (public ones without a key)", tag="hosting",
           response=MediaOut, enveloped=False, auth=False, errors=(404,))
async def get_media(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await optional_principal(request, ctx, "read")
    image = find(ctx, request.path_params["id"], time.time())
    mine = image is not None and principal is not None and image.account_id == principal.account.id
    if image is None or not (mine or image.public):
        raise not_found()
    return JSONResponse(media_out(ctx, ctx.base_url(request), image, editable=mine))


def patch_changes(image: ImageRecord, body: MediaPatch) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for name in ("name", "tags", "namespace", "public", "date", "external_id"):
        if name in body.model_fields_set:
            value = getattr(body, name)
            if value is None and name in ("name", "tags", "public"):
                raise invalid({name: "cannot be null"})
            changes[name] = value or None if name == "external_id" else value
    if body.metadata is not None:
        merged = {**image.metadata, **body.metadata}
        changes["metadata"] = {k: v for k, v in merged.items() if v is not None}
        try:
            fields.check_metadata(changes["metadata"])
        except ValueError as exc:
            raise invalid({"metadata": str(exc)}) from None
    return changes


@operation(summary="Update a media item", tag="hosting", body=MediaPatch, response=MediaOut,
           enveloped=False, errors=(404, 409, 422))
async def patch_media(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "write")
    body = await json_body(request, ctx, MediaPatch)
    now = time.time()
    image = owned(ctx, principal, request.path_params["id"], now)
    changes = patch_changes(image, body)
    ext_id = changes.get("external_id")
    if ext_id and ext_id != image.external_id:
        other = ctx.meta.images.by_external_id(principal.account.id, ext_id)
        if other is not None and other.id != image.id:
            raise problem(409, "duplicate", f"external_id {ext_id!r} already exists")
    updated = ctx.meta.images.update(image.id, changes, now=now) if changes else image
    if updated is None:
        raise not_found()
    return JSONResponse(media_out(ctx, ctx.base_url(request), updated, editable=True))


def delete_one(ctx: AppContext, image: ImageRecord, now: float) -> bool:
    if not ctx.meta.images.soft_delete(image.id, now=now):
        return False
    # Storage is given back at once; the sweeper removes the blob and then the row.
    quota.release(ctx, image.account_id, image.size, now, upload=False)
    return True


@operation(summary="Delete a media item (soft)", tag="hosting", response=Deleted,
           enveloped=False, errors=(404,))
async def delete_media(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "write")
    now = time.time()
    image = owned(ctx, principal, request.path_params["id"], now)
    delete_one(ctx, image, now)
    return JSONResponse({"deleted": True})
