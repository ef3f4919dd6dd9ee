"""Every error the service answers, as the seed-000 envelope, mapped from exceptions in one place.

    Exception                          status
    ├── ApiError(status, message)      as given (auth, limits, not found, busy …)
    ├── HTTPException (routing)        as given: 404 unknown path, 405 wrong method
    ├── pydantic.ValidationError       400  a request field is missing or malformed
    └── pinrender.PinrenderError
        ├── TemplateError / FontError  422  names the field: `layers.title.fontSize`
        ├── SourceError                422  (LimitError: 413)
        └── RenderError / other        500  truly internal
"""

from __future__ import annotations

import logging
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

import pinrender

log = logging.getLogger("pinrender.server")


class ApiError(Exception):
    def __init__(
        self, status: int, message: str, *, field: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.field = field
        self.headers = headers or {}


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


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return failure(exc.status, exc.message, field=exc.field, headers=exc.headers)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code in (204, 304):
        return Response(status_code=exc.status_code, headers=dict(exc.headers or {}))
    messages = {404: "Not found", 405: "Method not allowed"}
    message = messages.get(exc.status_code, str(exc.detail))
    return failure(exc.status_code, message, headers=dict(exc.headers or {}))


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    field, message = validation_message(exc)
    return failure(400, message, field=field or None)


async def _core_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, pinrender.PinrenderError)
    err = api_error(exc)
    return failure(err.status, err.message, field=err.field)


async def _internal(request: Request, exc: Exception) -> Response:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return failure(500, "Internal server error")


EXCEPTION_HANDLERS = {
    ApiError: _api_error,
    HTTPException: _http_error,
    ValidationError: _validation_error,
    pinrender.PinrenderError: _core_error,
    Exception: _internal,
}
