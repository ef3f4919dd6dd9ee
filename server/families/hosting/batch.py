"""`PATCH /v1/media/batch` and `DELETE /v1/media/batch`: up to 100 ids, or a whole namespace."""

from __future__ import annotations

import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...backends import ImageRecord
from ...context import get_ctx
from ...http.auth import authenticate
from ...http.openapi import operation
from .fields import MAX_TAGS
from .media import delete_one, find
from .models import BatchChanges, BatchDelete, BatchUpdate, Deleted, Updated
from .problems import invalid, json_body


def new_tags(image: ImageRecord, changes: BatchChanges) -> tuple[str, ...]:
    assert changes.tags is not None
    if changes.tag_mode == "replace":
        return changes.tags
    if changes.tag_mode == "add":
        return image.tags + tuple(t for t in changes.tags if t not in image.tags)
    return tuple(t for t in image.tags if t not in changes.tags)


@operation(summary="Update up to 100 media items", tag="hosting", body=BatchUpdate,
           response=Updated, enveloped=False, errors=(422,))
async def batch_update(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "write")
    body = await json_body(request, ctx, BatchUpdate)
    now = time.time()
    images = [i for ref in dict.fromkeys(body.ids)
              if (i := find(ctx, ref, now)) is not None and i.account_id == principal.account.id]
    plans: list[tuple[ImageRecord, dict[str, Any]]] = []
    # Every item is checked before any is written: a batch applies whole or not at all.
    for image in images:
        changes: dict[str, Any] = {}
        if body.update.tags is not None:
            tags = new_tags(image, body.update)
            if len(tags) > MAX_TAGS:
                raise invalid({"update.tags": f"image {image.unique_id} would have more than "
                                              f"{MAX_TAGS} tags"})
            changes["tags"] = tags
        if "namespace" in body.update.model_fields_set:
            changes["namespace"] = body.update.namespace
        if body.update.public is not None:
            changes["public"] = body.update.public
        if changes:
            plans.append((image, changes))
    updated = sum(ctx.meta.images.update(i.id, c, now=now) is not None for i, c in plans)
    return JSONResponse({"updated": updated})


@operation(summary="Delete up to 100 media items, or a whole namespace", tag="hosting",
           body=BatchDelete, response=Deleted, enveloped=False, errors=(422,))
async def batch_delete(request: Request) -> Response:
    ctx = get_ctx(request)
    principal = await authenticate(request, ctx, "write")
    body = await json_body(request, ctx, BatchDelete)
    now = time.time()
    account_id = principal.account.id
    deleted = 0
    if body.ids is not None:
        for ref in dict.fromkeys(body.ids):
            image = find(ctx, ref, now)
            if image is not None and image.account_id == account_id:
                deleted += delete_one(ctx, image, now)
        return JSONResponse({"deleted": deleted})
    before: int | None = None
    while True:
        page = ctx.meta.images.list(account_id, now=now, before_id=before, limit=100,
                                    namespace=body.namespace)
        for image in page.items:
            deleted += delete_one(ctx, image, now)
        if not page.has_more or not page.items:
            return JSONResponse({"deleted": deleted})
        before = page.items[-1].id
