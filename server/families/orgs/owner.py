"""Who may manage an organisation: its owner's account key (seed 002: an account is an
organisation). Contributor keys get 403; another organisation's id is 404, as a missing one."""

from __future__ import annotations

from starlette.requests import Request

from ...backends import Account
from ...context import AppContext
from ...http.auth import authenticate
from ...http.errors import ApiError


async def owned_org(request: Request, ctx: AppContext, ability: str = "write") -> Account:
    who = await authenticate(request, ctx, ability)
    if not who.is_owner:
        raise ApiError(403, "Managing an organisation needs its owner's key, not a contributor's",
                       code="owner_key_required")
    raw = str(request.path_params.get("org_id", ""))
    if raw != str(who.account.id):
        raise ApiError(404, "No such organisation for this key", code="org_not_found")
    return who.account
