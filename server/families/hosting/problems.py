"""Seed 001's errors as ApiErrors (the shared handler in `server/http/errors.py` formats them), and
request validation that answers 422 `validation_error` with field-level `errors`."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from ...context import AppContext
from ...http.bodies import parse_json, read_body
from ...http.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def problem(status: int, code: str, message: str, *, action: dict[str, Any] | None = None,
            headers: dict[str, str] | None = None) -> ApiError:
    return ApiError(status, message, code=code, action=action, headers=headers)


def not_found(what: str = "Image") -> ApiError:
    return problem(404, "not_found", f"{what} doesn't exist or isn't accessible")


def wait(message: str, seconds: int, headers: dict[str, str] | None = None) -> ApiError:
    seconds = max(1, int(seconds))
    return problem(429, "rate_limited", message, headers={**(headers or {}), "Retry-After": str(seconds)},
                   action={"type": "wait", "seconds": seconds, "label": "Try again later"})


def invalid(errors: dict[str, str]) -> ApiError:
    first = next(iter(errors.items()))
    return ApiError(422, f"{first[0]}: {first[1]}", field=first[0], code="validation_error",
                    errors=errors)


def field_errors(exc: ValidationError) -> dict[str, str]:
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        path = ".".join(str(p) for p in err.get("loc", ())) or "body"
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        out.setdefault(path, message)
    return out


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise invalid(field_errors(exc)) from None


async def json_body(request: Request, ctx: AppContext, model: type[M]) -> M:
    s = ctx.settings
    raw = await read_body(request, s.max_body_bytes)
    if not raw.strip():
        raise invalid({"body": "a JSON object is required"})
    try:
        data = parse_json(raw, "body", max_bytes=s.max_body_bytes, max_depth=s.max_json_depth)
    except ApiError as exc:
        raise invalid({"body": exc.message.removeprefix("body: ")}) from None
    if not isinstance(data, dict):
        raise invalid({"body": "must be a JSON object"})
    return validate(model, data)
