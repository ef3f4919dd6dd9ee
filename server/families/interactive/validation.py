"""Request validation with seed-000 field paths: `hotspots[2].link`, not `hotspots.2.link`."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request

from ...http.bodies import json_body
from ...http.errors import ApiError

M = TypeVar("M", bound=BaseModel)


def field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path


def api_validation_error(exc: ValidationError, headers: dict[str, str] | None = None) -> ApiError:
    first = exc.errors(include_url=False)[0]
    path = field_path(tuple(first.get("loc", ())))
    message = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    return ApiError(400, f"{path}: {message}" if path else message, field=path or None,
                    headers=headers)


def validate(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise api_validation_error(exc) from None


async def body(request: Request, model: type[M], *, max_bytes: int, max_depth: int) -> M:
    """A JSON body whose validation errors name fields as `hotspots[2].link`."""
    return await json_body(request, model, max_bytes=max_bytes, max_depth=max_depth,
                           validator=validate)
