"""Storing one image for upload and import: probe, check, claim, write the blob, then the row.

Order matters for "nothing lost": the blob is fully written and renamed into place before its row
commits; the quota claims commit in the row's own transaction, so a refusal or a failure writes
neither, and a crash can leave at most an orphan blob, which the start-up sweep removes.
"""

from __future__ import annotations

import contextlib
import sqlite3
import time
from pathlib import Path
from typing import Any

import anyio.to_thread
from starlette.responses import JSONResponse

import pinrender
from pinrender import ProbeInfo

from ...backends import ClaimRefused, ImageRecord
from ...backends.sqlite_images import new_unique_id
from ...context import AppContext
from . import quota
from .models import MediaFields
from .present import MEDIA_TYPES, STORED_EXT, media_out
from .problems import invalid, problem
from .quota import Caller
from .state import Hosting


class Damaged(Exception):
    """The header is fine but the pixels do not decode (truncated, corrupt)."""


def _check_file(path: Path, limit: int, timeout: float) -> ProbeInfo:
    """The header first (its limits, before any decoder runs), then every pixel: a file cut after
    its header probes fine and would fail at every delivery, so it is refused here."""
    limits = pinrender.Limits(max_source_bytes=max(limit, 1))
    if path.stat().st_size == 0:
        raise pinrender.DecodeError("the file is empty")
    data = path.read_bytes()  # at most the caller's file limit, already enforced while streaming
    info = pinrender.probe(data, limits=limits)
    try:
        pinrender.verify(data, limits=limits, timeout=timeout)
    except pinrender.DecodeError as exc:
        raise Damaged(str(exc)) from None
    return info


def _unique_id() -> str:
    # All-digit ids would read as numeric row ids (`ImageRepo.get`): always include a letter.
    while (uid := new_unique_id()).isdigit():
        pass
    return uid


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
            info = await anyio.to_thread.run_sync(_check_file, staged, who.max_file_bytes(ctx),
                                                  ctx.settings.render_timeout)
        except Damaged as exc:
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
        with contextlib.suppress(FileNotFoundError):
            staged.unlink()
        raise
    return await _commit(ctx, hosting, base, who, staged, fields, info, size, now,
                         file_name=file_name, source=source, headers=headers)


async def _commit(ctx: AppContext, hosting: Hosting, base: str, who: Caller, staged: Path,
                  fields: MediaFields,
                  info: ProbeInfo, size: int, now: float, *, file_name: str, source: str,
                  headers: dict[str, str]) -> JSONResponse:
    team = who.principal.account.team_hash if who.principal else "anon"
    uid = _unique_id()
    ext = STORED_EXT.get(info.format, info.format)
    blob_key = f"originals/{team}/{uid}.{ext}"
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
    stored = False
    try:
        await anyio.to_thread.run_sync(ctx.blobs.put_file, blob_key, staged)
        stored = True
        created = ctx.meta.images.create(record, claims=quota.claims(who, size, now))
        assert created is not None  # no cap was asked for, so the insert always happens
        if retention_at is not None and expires == retention_at and who.principal is not None:
            ctx.meta.hosting.mark_retention(created.id)
    except BaseException as exc:
        if stored:
            await anyio.to_thread.run_sync(ctx.blobs.delete, blob_key)
        else:
            with contextlib.suppress(FileNotFoundError):
                staged.unlink()
        if isinstance(exc, ClaimRefused):
            raise quota.refused(ctx, hosting, base, who, exc.claim) from None
        if isinstance(exc, sqlite3.IntegrityError) and fields.external_id:
            # Two uploads raced on one external_id: the loser answers like any duplicate.
            dup = duplicate(ctx, base, who, fields.external_id)
            if dup is not None:
                return dup
        raise
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
