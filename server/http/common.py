"""Small helpers shared by route handlers."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.requests import Request

import pinrender

from ..backends import TemplateRecord
from ..context import AppContext
from ..services.rendering.service import Prepared
from ..services.stored_images import StoredImages
from .bodies import parse_json
from .errors import ApiError, api_error


def template_id(raw: str) -> str | None:
    try:
        return str(uuid.UUID(raw))
    except ValueError:
        return None


def check_template_json(data: dict[str, Any]) -> None:
    try:
        pinrender.parse_template(data)
    except pinrender.TemplateError as exc:
        raise api_error(exc, prefix="jsonData") from None
    except RecursionError:
        raise ApiError(400, "jsonData: nested too deeply", field="jsonData") from None


def json_param(ctx: AppContext, raw: str | None, name: str) -> dict[str, Any] | None:
    if raw is None or raw == "":
        return None
    s = ctx.settings
    value = parse_json(raw, name, max_bytes=s.max_param_bytes, max_depth=s.max_json_depth)
    if not isinstance(value, dict):
        raise ApiError(400, f"{name}: must be a JSON object", field=name)
    return value


async def prepare(ctx: AppContext, record: TemplateRecord, layers: Any, variables: Any, fmt: str,
                  quality: int | None, *, account_id: int | None = None) -> Prepared:
    """`prepare_now` through `ctx.io`: its template and stored-image lookups are store calls."""
    return await ctx.io(prepare_now, ctx, record, layers, variables, fmt, quality, account_id)


def prepare_now(ctx: AppContext, record: TemplateRecord, layers: Any, variables: Any, fmt: str,
                quality: int | None, account_id: int | None = None) -> Prepared:
    """The render of `record` with overrides; stored-image URLs in its layers resolve for
    `account_id` (the caller; None for anonymous renders) and the template owner's public images
    (services/stored_images.py)."""
    images = StoredImages(ctx.meta, account_id=account_id, owner_id=record.account_id)
    try:
        return ctx.render.prepare(record, layers, variables, fmt, quality, images=images)
    except pinrender.PinrenderError:
        raise  # some are ValueErrors too; `http/errors` answers them, naming the field
    except (TypeError, ValueError, RecursionError) as exc:
        # Overrides the core did not expect in this shape: still the caller's input, not our fault.
        raise ApiError(400, f"layers: invalid overrides ({exc})", field="layers") from None


def server_timing(timings: dict[str, float]) -> str:
    if not timings:
        return "cache;desc=hit"
    return ", ".join(f"{name};dur={timings.get(name, 0.0) * 1000:.2f}"
                     for name in ("fetch", "render", "encode"))


def etag_matches(request: Request, etag: str) -> bool:
    header = request.headers.get("if-none-match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    # Weak comparison, as RFC 9110 requires for If-None-Match.
    return any(t.strip().removeprefix("W/") == etag for t in header.split(","))
