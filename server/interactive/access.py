"""Who may call the `/api/images` family: key, rolling-hour limit, premium plan, ability, role.

Every request with a recognisable key is counted before anything else is decided (seed 000: "every
request counts toward the limit regardless of outcome"), and every answer to it, errors included,
carries `X-RateLimit-*`: the `images_endpoint` decorator adds them on the way out.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ..accounts import find_key
from ..auth import Principal, key_from
from ..context import AppContext, get_ctx
from ..errors import ApiError
from ..ratelimit import Decision, RateLimiter
from .validation import api_validation_error

log = logging.getLogger("pinrender.server")
WINDOW = 3600.0  # the rolling hour
Handler = Callable[[Request, AppContext, Principal], Awaitable[Response]]


def limiter(request: Request) -> RateLimiter:
    # Kept on app.state so tests can swap in a limiter with a controllable clock.
    found: RateLimiter | None = getattr(request.app.state, "ratelimiter", None)
    if found is None:
        found = RateLimiter(get_ctx(request).meta)
        request.app.state.ratelimiter = found
    return found


def _unauthorized(message: str) -> ApiError:
    return ApiError(401, message, headers={"WWW-Authenticate": "Bearer"})


def admit(request: Request, ctx: AppContext, ability: str) -> tuple[Principal, Decision]:
    secret = key_from(request)
    if not secret:
        raise _unauthorized("API key required: send Authorization: Bearer pk_…, X-API-Key or "
                            "?api_key=")
    key = find_key(ctx.meta, secret)
    if key is None:
        raise _unauthorized("Invalid API key")
    if not key.active:
        raise _unauthorized("API key is inactive")
    account = ctx.meta.accounts.get(key.account_id)
    if account is None:
        raise _unauthorized("Invalid API key")
    plan = ctx.settings.plan(account.plan)
    limit = ctx.settings.key_hourly_requests.get(key.id, plan.hourly_requests)
    decision = limiter(request).hit(f"key:{key.id}", limit, WINDOW)
    headers = decision.headers()
    if not decision.allowed:
        raise ApiError(429, "Rate limit exceeded", headers=headers)
    if not plan.images_api:
        raise ApiError(403, f"The API is available on premium plans: upgrade this account from the "
                            f"{account.plan} plan to use it", headers=headers)
    if ability not in key.abilities:
        raise ApiError(403, f"API key lacks the {ability!r} ability", headers=headers)
    now = time.time()
    if key.last_used_at is None or now - key.last_used_at > 60:
        ctx.meta.keys.touch(key.id, now)
    return Principal(account=account, key=key), decision


def images_endpoint(ability: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler `(request, ctx, who)`: admission first, rate headers on every answer."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            ctx = get_ctx(request)
            who, decision = admit(request, ctx, ability)
            headers = decision.headers()
            try:
                response = await handler(request, ctx, who)
            except ApiError as exc:
                exc.headers = {**headers, **exc.headers}
                raise
            except ValidationError as exc:
                raise api_validation_error(exc, headers) from None
            except Exception as exc:
                log.error("unhandled error on %s %s", request.method, request.url.path,
                          exc_info=exc)
                raise ApiError(500, "Internal server error", headers=headers) from None
            response.headers.update(headers)
            return response

        return endpoint

    return wrap
