"""Every error the service answers, mapped from exceptions in one place.

`/api/*` answers the seed-000 envelope `{"success": false, "error": "…", "code": N}`; the hosting
family (`/v1/*`, and its CDN and viewer paths) answers seed 001's object
`{"error": "code", "message": "…", "action": {…}}` for the very same exceptions; the org-token
family (seed 002, `/api/v1/*`) answers `{"success": false, "error": {"code": "token_inactive",
"message": "…", "status": 403, "retryable": false}}`.

    Exception                          status
    ├── ApiError(status, message)      as given (auth, limits, not found, busy …)
    ├── HTTPException (routing)        as given: 404 unknown path, 405 wrong method
    ├── pydantic.ValidationError       400  a request field is missing or malformed
    ├── rendering Busy / Timeout       503  with Retry-After: the queue is full, the work too slow
    ├── ledger.LimitReached            429  with Retry-After at the reset and X-<Counter>-Limit
    ├── backends.StoreUnavailable      503  the quota/counter store is unreachable: nothing runs
    ├── rendering.NotReady             404  with Retry-After: the image is still being made
    ├── ai.AIUnavailable / AIError     503 / 502  the provider is down / answered badly (credits back)
    └── pinrender.PinrenderError
        ├── TemplateError / FontError  422  names the field: `layers.title.fontSize`
        ├── SourceError                422  (LimitError: 413)
        └── RenderError / other        500  truly internal
"""

from __future__ import annotations

import logging
import time
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

import pinrender

from ..backends import StoreUnavailable
from ..backends.ai import AIError, AIUnavailable
from ..services.ledger import LimitReached
from ..services.rendering.pool import Busy, Timeout
from ..services.rendering.service import NotReady

log = logging.getLogger("pinrender.server")


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, *, field: str | None = None,
        headers: dict[str, str] | None = None, code: str | None = None,
        action: dict[str, Any] | None = None, errors: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}
        # Seed-001 extras; the seed-000 envelope ignores them.
        self.code = code
        self.action = action
        self.errors = errors


def ok(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"success": True, "data": data}, status_code=status, headers=headers)


def failure(
    status: int, message: str, *, field: str | None = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"success": False, "error": message, "code": status}
    if field:
        body["field"] = field
    return JSONResponse(body, status_code=status, headers=headers)


def validation_message(exc: ValidationError, prefix: str = "") -> tuple[str, str]:
    """The first problem of a pydantic error as (dotted field, message)."""
    first = exc.errors(include_url=False)[0]
    path = ".".join(str(p) for p in first.get("loc", ()))
    field = f"{prefix}.{path}".strip(".") if prefix or path else ""
    return field, f"{field}: {first.get('msg', 'invalid value')}" if field else first.get("msg", "")


def status_for(exc: pinrender.PinrenderError) -> int:
    if isinstance(exc, pinrender.TemplateError):
        return 422
    if isinstance(exc, pinrender.LimitError):
        return 413
    if isinstance(exc, pinrender.SourceError):
        return 422
    return 500


def api_error(exc: pinrender.PinrenderError, prefix: str = "") -> ApiError:
    """A core error as an ApiError, with its field path under `prefix` (`jsonData`, `layers`)."""
    status = status_for(exc)
    if status >= 500:
        log.error("render failed: %s", exc, exc_info=exc)
        return ApiError(500, "render failed")
    path = getattr(exc, "path", "") or ""
    message = getattr(exc, "message", None) or str(exc)
    if prefix and path and not path.startswith(prefix + ".") and path != prefix:
        path = f"{prefix}.{path}"
    return ApiError(status, f"{path}: {message}" if path else message, field=path or None)


# Paths that speak seed 001: the `/v1` API, its CDN (`/src/…`) and its viewer pages (`/i/…`).
SEED_001_PREFIXES = ("/v1/", "/src/", "/i/")
SEED_001_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "duplicate", 413: "payload_too_large", 422: "validation_error",
    429: "rate_limited", 500: "internal_error", 503: "unavailable",
}


def speaks_seed_001(path: str) -> bool:
    """Whether errors on this path (or route template) use seed 001's object, not the envelope."""
    return path == "/v1" or path.startswith(SEED_001_PREFIXES)


def is_seed_001(request: Request) -> bool:
    return speaks_seed_001(request.url.path)


def seed_001_error(
    status: int, message: str, *, code: str | None = None, action: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None, headers: dict[str, str] | None = None,
) -> JSONResponse:
    headers = dict(headers or {})
    retry = headers.get("Retry-After")
    if action is None and retry and retry.isdigit():
        # The seed: "wait — Retry after `action.seconds`. Also check `Retry-After`".
        action = {"type": "wait", "seconds": int(retry), "label": "Try again later"}
    if action and action.get("type") == "wait" and "Retry-After" not in headers:
        headers["Retry-After"] = str(action["seconds"])
    body: dict[str, Any] = {"error": code or SEED_001_CODES.get(status, "error"), "message": message}
    if action:
        body["action"] = action
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, headers=headers)


# Seed 002's family (`/api/v1/orgs/…` managed with the owner key, `/api/v1/ext/…` with org tokens):
# every error names its cause with a machine-readable code and says whether retrying can help.
SEED_002_PREFIX = "/api/v1/"
SEED_002_CODES = {
    400: "bad_request", 401: "missing_api_key", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 422: "invalid",
    429: "rate_limited", 500: "internal_error", 503: "unavailable",
}
RETRYABLE = (429, 503)  # only these may succeed unchanged later (after Retry-After)


def speaks_seed_002(path: str) -> bool:
    return path.startswith(SEED_002_PREFIX)


def seed_002_error(status: int, message: str, *, code: str | None = None, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    error: dict[str, Any] = {"code": code or SEED_002_CODES.get(status, "error"),
                             "message": message, "status": status,
                             "retryable": status in RETRYABLE}
    if field:
        error["field"] = field
    return JSONResponse({"success": False, "error": error}, status_code=status, headers=headers)


def _answer(request: Request, err: ApiError) -> Response:
    if speaks_seed_002(request.url.path):
        return seed_002_error(err.status, err.message, code=err.code, field=err.field,
                              headers=err.headers)
    if is_seed_001(request):
        errors = err.errors or ({err.field: err.message} if err.status == 422 and err.field else None)
        return seed_001_error(err.status, err.message, code=err.code, action=err.action,
                              errors=errors, headers=err.headers)
    return failure(err.status, err.message, field=err.field, headers=err.headers)


def error_response(request: Request, err: ApiError) -> Response:
    """`err` answered as the family of the request's path answers errors; for middleware, which
    runs outside the exception handlers."""
    return _answer(request, err)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return _answer(request, exc)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=dict(exc.headers or {}))
    messages = {404: "Not found", 405: "Method not allowed"}
    message = messages.get(exc.status_code, str(exc.detail))
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request)
    return _answer(request, ApiError(exc.status_code, message, headers=headers))


def allowed_methods(request: Request) -> str:
    """The methods of the path template Starlette matched (the first route whose path matches),
    over all its routes: one template is often several routes, one per method, and Starlette's
    own 405 names only the first route's methods."""
    routes = [r for r in request.app.router.routes if isinstance(r, Route)]
    matched = next((r.path for r in routes if r.path_regex.match(request.url.path)), None)
    methods: set[str] = set()
    for route in routes:
        if route.path == matched:
            methods |= route.methods or set()
    return ", ".join(sorted(methods))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    field, message = validation_message(exc)
    if speaks_seed_002(request.url.path):
        return _answer(request, ApiError(400, message, field=field or None))
    if is_seed_001(request):
        return _answer(request, ApiError(422, message, field=field or None))
    return failure(400, message, field=field or None)


UNREACHABLE = {"counters": "The quota store", "blobs": "The image store", "database": "The database"}


def translated(request: Request, exc: Exception) -> ApiError | None:
    """The answer to an exception the services raise (None for anything else): the one mapping,
    used by the app's handlers and by family wrappers that add their own headers."""
    retry_after = str(request.app.state.ctx.settings.retry_after)
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, pinrender.PinrenderError):
        return api_error(exc)
    if isinstance(exc, (Busy, Timeout)):
        message = ("Server busy: too many images queued, retry shortly" if isinstance(exc, Busy)
                   else "Image processing timed out")
        return ApiError(503, message, headers={"Retry-After": retry_after})
    if isinstance(exc, LimitReached):
        name = "".join(part.title() for part in exc.counter.split("_"))
        return ApiError(429, str(exc), headers={
            "Retry-After": str(max(1, exc.resets_at - int(time.time()))),
            f"X-{name}-Limit": str(exc.limit),
            f"X-{name}-Remaining": "0",
        })
    if isinstance(exc, StoreUnavailable):
        log.warning("%s unreachable on %s: %s", exc.backend, request.url.path, exc)
        what = UNREACHABLE.get(exc.backend, "A storage backend")
        return ApiError(503, f"{what} is unreachable: nothing was spent, retry shortly",
                        headers={"Retry-After": retry_after})
    if isinstance(exc, NotReady):
        return ApiError(404, "The image is still being generated: retry shortly", code="not_ready",
                        headers={"Retry-After": "3"})
    if isinstance(exc, AIUnavailable):
        log.warning("AI provider unavailable on %s: %s", request.url.path, exc)
        return ApiError(503, f"The AI provider is unavailable: {exc}. Nothing was spent",
                        headers={"Retry-After": retry_after})
    if isinstance(exc, AIError):
        log.warning("AI provider failed on %s: %s", request.url.path, exc)
        return ApiError(502, f"The AI provider failed: {exc}. Nothing was spent")
    return None


async def _translated(request: Request, exc: Exception) -> Response:
    err = translated(request, exc)
    assert err is not None
    return _answer(request, err)


async def _internal(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(request, ApiError(500, "Internal server error"))


EXCEPTION_HANDLERS = {
    ApiError: _api_error,
    HTTPException: _http_error,
    ValidationError: _validation_error,
    pinrender.PinrenderError: _translated,
    Busy: _translated,
    Timeout: _translated,
    LimitReached: _translated,
    StoreUnavailable: _translated,
    NotReady: _translated,
    AIError: _translated,
    Exception: _internal,
}
