"""Who may call the `/api/images` family: key, rolling-hour limit, premium plan, ability, role.

Every request with a recognisable key is counted before anything else is decided (seed 000: "every
request counts toward the limit regardless of outcome"), and every answer to it, errors included,
carries `X-RateLimit-*`: the `images_endpoint` decorator adds them on the way out.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Awaitable, Callable

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ...context import AppContext, get_ctx
from ...http.auth import Principal, authenticate
from ...http.errors import ApiError, translated
from ...services.ratelimit import Decision
from .validation import api_validation_error

log = logging.getLogger("pinrender.server")
Handler = Callable[[Request, AppContext, Principal], Awaitable[Response]]


async def admit(request: Request, ctx: AppContext, ability: str) -> tuple[Principal, Decision]:
    """The key and its rolling hour (counted first), then the premium plan, then the ability."""
    who = await authenticate(request, ctx, ability=None)
    assert who.rate is not None
    headers = who.rate.headers()
    plan = ctx.settings.plan(who.account.plan)
    if not plan.images_api:
        raise ApiError(403, f"The API is available on premium plans: upgrade this account from the "
                            f"{who.account.plan} plan to use it", headers=headers)
    if ability not in who.key.abilities:
        raise ApiError(403, f"API key lacks the {ability!r} ability", headers=headers)
    return who, who.rate


def images_endpoint(ability: str) -> Callable[[Handler], Callable[[Request], Awaitable[Response]]]:
    """Wrap a handler `(request, ctx, who)`: admission first, rate headers on every answer."""

    def wrap(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            ctx = get_ctx(request)
            who, decision = await admit(request, ctx, ability)
            headers = decision.headers()
            try:
                response = await handler(request, ctx, who)
            except ApiError as exc:
                exc.headers = {**headers, **exc.headers}
                raise
            except ValidationError as exc:
                raise api_validation_error(exc, headers) from None
            except Exception as exc:
                err = translated(request, exc)
                if err is None:
                    log.error("unhandled error on %s %s", request.method, request.url.path,
                              exc_info=exc)
                    err = ApiError(500, "Internal server error")
                err.headers = {**headers, **err.headers}
                raise err from None
            response.headers.update(headers)
            return response

        return endpoint

    return wrap
