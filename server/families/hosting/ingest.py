"""Storing one image for upload and import: seed 001's checks and answers around the one media
ingest (`services/media`: probe and verify, the blob renamed into place, the row and its quota
claims in one transaction)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.responses import JSONResponse

import pinrender
from pinrender import ProbeInfo

from ...backends import ClaimRefused, Conflict, ImageRecord
from ...context import AppContext
from ...services import media
from . import quota
from .models import MediaFields
from .present import MEDIA_TYPES, STORED_EXT, media_out
from .problems import invalid, problem
from .quota import Caller
from .state import Hosting


def duplicate(ctx: AppContext, base: str, who: Caller, external_id: str | None
              ) -> JSONResponse | None:
    if who.account_id is None or not external_id:
        return None
    found = ctx.meta.images.by_external_id(who.account_id, external_id)
    if found is None or not found.available(time.time()):
        return None
    body = {"error": "duplicate", "message": f"external_id {external_id!r} already exists",
            "media": media_out(ctx, base, found, editable=True)}
    return JSONResponse(body, status_code=409)


async def store(ctx: AppContext, hosting: Hosting, base: str, who: Caller, staged: Path,
                fields: MediaFields, *, file_name: str, source: str,
                headers: dict[str, str]) -> JSONResponse:
    """Turn a staged file into a media item; `staged` is consumed (moved or removed)."""
    now = time.time()
    try:
        dup = duplicate(ctx, base, who, fields.external_id)
        if dup is not None:
            return dup
        if fields.ttl is not None:
            if who.principal is None:
                raise invalid({"ttl": "ttl is for authenticated uploads only"})
            if fields.ttl < ctx.settings.min_ttl:
                raise invalid({"ttl": f"must be at least {ctx.settings.min_ttl} seconds"})
        try:
            info = await anyio.to_thread.run_sync(media.check_file, staged, who.max_file_bytes(ctx),
                                                  ctx.settings.render_timeout)
        except media.Damaged as exc:
            raise problem(400, "unsupported_format",
                          f"The file is damaged and cannot be decoded: {exc}") from None
        except pinrender.RenderTimeout:
            # Every delivery decodes under the same deadline, so retrying later is the only hope.
            raise problem(503, "unavailable", "Decoding the image took too long; retry later",
                          headers={"Retry-After": str(ctx.settings.retry_after)}) from None
        except pinrender.LimitError as exc:
            raise problem(400, "file_too_large", str(exc)) from None
        except (pinrender.SourceError, pinrender.PinrenderError) as exc:
            raise problem(400, "unsupported_format", f"Not a supported image type: {exc}") from None
        size = staged.stat().st_size
        limit = ctx.settings.svg_max_file_bytes if info.format == "svg" else who.max_file_bytes(ctx)
        if size > limit:
            raise quota.file_too_large(limit)
        quota.check(ctx, hosting, base, who, size, now)
    except BaseException:
        media.discard(staged)
        raise
    return await _commit(ctx, hosting, base, who, staged, fields, info, size, now,
                         file_name=file_name, source=source, headers=headers)


async def _commit(ctx: AppContext, hosting: Hosting, base: str, who: Caller, staged: Path,
                  fields: MediaFields,
                  info: ProbeInfo, size: int, now: float, *, file_name: str, source: str,
                  headers: dict[str, str]) -> JSONResponse:
    team = who.principal.account.team_hash if who.principal else "anon"
    uid = media.new_id()
    blob_key = media.blob_key(team, uid, info.format)
    ext = STORED_EXT.get(info.format, info.format)
    retention = who.retention_seconds(ctx)
    ttl_at = now + fields.ttl if fields.ttl else None
    retention_at = now + retention if retention else None
    expires = min((t for t in (ttl_at, retention_at) if t is not None), default=None)
    record = ImageRecord(
        id=0, unique_id=uid, account_id=who.account_id, blob_key=blob_key,
        media_type=MEDIA_TYPES[info.format], ext=ext, width=info.oriented_width,
        height=info.oriented_height, size=size, name=fields.name or file_name or f"{uid}.{ext}",
        tags=fields.tags, namespace=fields.namespace, metadata=fields.metadata,
        external_id=fields.external_id, public=fields.public, source=source, date=fields.date,
        created_at=now, updated_at=now, expires_at=expires,
    )
    try:
        created = await media.commit(ctx.meta, ctx.counters, ctx.blobs, record, staged, now=now,
                                     claims=quota.claims(who, size, now))
    except ClaimRefused as exc:
        raise quota.refused(ctx, hosting, base, who, exc.claim) from None
    except Conflict:
        # Two uploads raced on one external_id: the loser answers like any duplicate.
        dup = duplicate(ctx, base, who, fields.external_id) if fields.external_id else None
        if dup is not None:
            return dup
        raise
    if retention_at is not None and expires == retention_at and who.principal is not None:
        ctx.meta.hosting.mark_retention(created.id)
    body: dict[str, Any] = media_out(ctx, base, created, editable=who.principal is not None,
                                     team=team)
    if who.principal is None:
        body["upgrade"] = {
            "type": "register", "url": f"{base}/v1/keys",
            "message": "Anonymous uploads expire after "
                       f"{ctx.settings.anonymous_retention_days} days. Create a free API key "
                       "(POST /v1/keys with your email) to keep images longer.",
            "label": "Get a free API key",
        }
    headers = {**headers, **quota.quota_headers(ctx, who, now)}
    return JSONResponse(body, status_code=201, headers=headers)
