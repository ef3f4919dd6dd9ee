"""Managing an organisation with its owner's key: `/api/v1/orgs`, its events and its tokens."""

from __future__ import annotations

import time

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ...context import get_ctx
from ...http.auth import authenticate
from ...http.bodies import settings_body
from ...http.errors import ApiError
from ...http.openapi import operation
from ...services import orgtokens
from .owner import owned_org
from .present import event_out, token_out
from .schemas import (
    Deleted,
    EventCreate,
    EventList,
    EventOut,
    OrgList,
    OrgOut,
    TokenCreate,
    TokenCreated,
    TokenList,
    TokenOut,
    TokenPatch,
)


def _json(model: object, status: int = 200) -> JSONResponse:
    return JSONResponse(model, status_code=status)


@operation(summary="The caller's organisations (one: the key's account)", tag="orgs",
           response=OrgList, enveloped=False)
async def list_orgs(request: Request) -> Response:
    ctx = get_ctx(request)
    account = (await authenticate(request, ctx, "read")).account
    return _json([OrgOut(id=account.id, name=account.name or account.email).model_dump()])


@operation(summary="Create an event", tag="orgs", body=EventCreate, response=EventOut,
           enveloped=False, status=201, errors=(403, 404))
async def create_event(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx)
    body = await settings_body(request, ctx.settings, EventCreate)
    event = ctx.meta.events.create(org.id, body.name, now=time.time())
    return _json(event_out(event).model_dump(), 201)


@operation(summary="The organisation's events", tag="orgs", response=EventList, enveloped=False,
           errors=(403, 404))
async def list_events(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx, "read")
    return _json([event_out(e).model_dump() for e in ctx.meta.events.list(org.id)])


@operation(summary="Create an API token (the full token is in this response only)", tag="orgs",
           body=TokenCreate, response=TokenCreated, enveloped=False, status=201,
           errors=(403, 404, 409))
async def create_token(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx)
    body = await settings_body(request, ctx.settings, TokenCreate)
    try:
        issued = orgtokens.issue(ctx.meta, org.id, body.name, limit=ctx.settings.ext.max_tokens)
    except orgtokens.TokenLimit as exc:
        raise ApiError(409, str(exc), code="token_limit") from None
    out = TokenCreated(**token_out(issued.record).model_dump(), token=issued.secret)
    # The secret must not linger in any cache between here and the caller.
    return JSONResponse(out.model_dump(), status_code=201, headers={"Cache-Control": "no-store"})


@operation(summary="The organisation's API tokens (never their secrets)", tag="orgs",
           response=TokenList, enveloped=False, errors=(403, 404))
async def list_tokens(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx, "read")
    return _json([token_out(t).model_dump() for t in ctx.meta.org_tokens.list(org.id)])


def _token_id(request: Request, org_id: int) -> str:
    ctx = get_ctx(request)
    token = orgtokens.owned(ctx.meta, org_id, str(request.path_params["token_id"]))
    if token is None:
        raise ApiError(404, "No such token in this organisation", code="token_not_found")
    return token.id


@operation(summary="Activate or deactivate an API token (takes effect on its next request)",
           tag="orgs", body=TokenPatch, response=TokenOut, enveloped=False, errors=(403, 404))
async def patch_token(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx)
    body = await settings_body(request, ctx.settings, TokenPatch)
    updated = ctx.meta.org_tokens.set_active(_token_id(request, org.id), body.active)
    if updated is None:
        raise ApiError(404, "No such token in this organisation", code="token_not_found")
    return _json(token_out(updated).model_dump())


@operation(summary="Delete an API token for good", tag="orgs", response=Deleted, enveloped=False,
           errors=(403, 404))
async def delete_token(request: Request) -> Response:
    ctx = get_ctx(request)
    org = await owned_org(request, ctx)
    token_id = _token_id(request, org.id)
    if not ctx.meta.org_tokens.delete(token_id):
        raise ApiError(404, "No such token in this organisation", code="token_not_found")
    return _json(Deleted(id=token_id).model_dump())
