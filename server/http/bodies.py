"""Reading untrusted JSON (bodies and query parameters) with bounds on size, depth and values.

Python's json module accepts NaN and Infinity and recurses without limit; here both become a 400
naming the parameter, before anything reaches pydantic or the core.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from ..settings import Settings
from .errors import ApiError, validation_message

M = TypeVar("M", bound=BaseModel)


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not allowed in JSON")


def check_depth(value: Any, max_depth: int) -> bool:
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > max_depth:
            return False
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return True


def parse_json(text: str | bytes, what: str, *, max_bytes: int, max_depth: int) -> Any:
    if len(text) > max_bytes:
        raise ApiError(413 if what == "body" else 400,
                       f"{what}: too large (at most {max_bytes} bytes)", field=what)
    try:
        value = json.loads(text, parse_constant=_no_constants)
    except RecursionError:
        raise ApiError(400, f"{what}: nested too deeply", field=what) from None
    except ValueError as exc:
        raise ApiError(400, f"{what}: malformed JSON ({exc})", field=what) from None
    if not check_depth(value, max_depth):
        raise ApiError(400, f"{what}: nested too deeply (at most {max_depth} levels)", field=what)
    return value


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise ApiError(413, f"body: too large (at most {max_bytes} bytes)", field="body")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError(413, f"body: too large (at most {max_bytes} bytes)", field="body")
        chunks.append(chunk)
    return b"".join(chunks)


async def json_body(
    request: Request, model: type[M], *, max_bytes: int, max_depth: int,
    validator: Callable[[type[M], Any], M] | None = None,
) -> M:
    """Read, parse and validate a JSON object body; `validator` may word errors its own way."""
    raw = await read_body(request, max_bytes)
    if not raw.strip():
        raise ApiError(400, "body: a JSON object is required", field="body")
    data = parse_json(raw, "body", max_bytes=max_bytes, max_depth=max_depth)
    if not isinstance(data, dict):
        raise ApiError(400, "body: must be a JSON object", field="body")
    return (validator or validate)(model, data)


async def settings_body(request: Request, settings: Settings, model: type[M]) -> M:
    """`json_body` within the service's configured body size and JSON depth."""
    return await json_body(request, model, max_bytes=settings.max_body_bytes,
                           max_depth=settings.max_json_depth)


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        field, message = validation_message(exc)
        raise ApiError(400, message, field=field or None) from None
