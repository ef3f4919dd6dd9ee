"""Template CRUD (seed 003): `/api/templates` and `/api/templates/{id}`."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ...backends import TemplateRecord
from ...context import get_ctx
from ...http.auth import authenticate
from ...http.bodies import settings_body, validate
from ...http.common import check_template_json, template_id
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from .schemas import EXAMPLE_TEMPLATE, PageQuery, TemplateCreate, TemplateList, TemplateOut, TemplateUpdate

_NOT_FOUND = "Template not found"


def _owned(request: Request, principal_account: int) -> TemplateRecord:
    ctx = get_ctx(request)
    tid = template_id(request.path_params["id"])
    record = ctx.meta.templates.get(tid) if tid else None
    # Someone else's template is "not found", not "forbidden": ids must not be probeable.
    if record is None or record.account_id != principal_account:
        raise ApiError(404, _NOT_FOUND)
    return record


@operation(summary="Create a template", tag="templates", body=TemplateCreate,
           response=TemplateOut, status=201, errors=(403, 413, 422), example=EXAMPLE_TEMPLATE)
async def create_template(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "write")
    s = ctx.settings
    body = await settings_body(request, s, TemplateCreate)
    check_template_json(body.jsonData)
    if ctx.meta.templates.count(who.account.id) >= s.plan(who.account.plan).max_templates:
        raise ApiError(403, "Template limit reached for this plan")
    record = ctx.meta.templates.create(TemplateRecord(
        id=str(uuid.uuid4()), account_id=who.account.id, name=body.name,
        description=body.description, json_data=body.jsonData, public=body.public,
        preview_url=body.previewUrl, require_signature=body.requireSignature,
    ))
    return ok(TemplateOut.of(record).model_dump(mode="json"), status=201)


@operation(summary="List your templates", tag="templates", query=PageQuery,
           response=TemplateList)
async def list_templates(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "read")
    params = {k: v for k, v in request.query_params.items() if k in ("page", "limit")}
    query = validate(PageQuery, {"limit": ctx.settings.page_size, **params})
    page = ctx.meta.templates.list(who.account.id, offset=(query.page - 1) * query.limit,
                                   limit=query.limit)
    listing = TemplateList(
        items=[TemplateOut.of(r) for r in page.items], page=query.page, limit=query.limit,
        total=page.total, hasMore=query.page * query.limit < page.total,
    )
    return ok(listing.model_dump(mode="json"))


@operation(summary="Get a template", tag="templates", response=TemplateOut, errors=(404,))
async def get_template(request: Request) -> Response:
    who = await authenticate(request, get_ctx(request), "read")
    return ok(TemplateOut.of(_owned(request, who.account.id)).model_dump(mode="json"))


_COLUMNS = {"name": "name", "description": "description", "jsonData": "json_data",
            "public": "public", "previewUrl": "preview_url", "requireSignature": "require_signature"}


@operation(summary="Update a template (bumps its version)", tag="templates", body=TemplateUpdate,
           response=TemplateOut, errors=(404, 413, 422))
async def update_template(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "write")
    record = _owned(request, who.account.id)
    s = ctx.settings
    body = await settings_body(request, s, TemplateUpdate)
    changes: dict[str, Any] = {}
    for name in body.model_fields_set:
        value = getattr(body, name)
        if value is None and name != "previewUrl":
            raise ApiError(400, f"{name}: may not be null", field=name)
        changes[_COLUMNS[name]] = value
    if body.jsonData is not None:
        check_template_json(body.jsonData)
    updated = ctx.meta.templates.update(record.id, changes)
    if updated is None:
        raise ApiError(404, _NOT_FOUND)
    return ok(TemplateOut.of(updated).model_dump(mode="json"))


@operation(summary="Delete a template (owners only)", tag="templates", errors=(403, 404))
async def delete_template(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "write")
    record = _owned(request, who.account.id)
    if not who.is_owner:
        raise ApiError(403, "Only the account owner may delete templates")
    ctx.meta.templates.delete(record.id)
    return ok({"id": record.id, "deleted": True})
