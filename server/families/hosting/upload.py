"""`POST /v1/upload` (multipart, streamed) and `POST /v1/import` (a URL, fetched SSRF-safely)."""

from __future__ import annotations

import os
import time
from typing import Any

import anyio.to_thread
from python_multipart.exceptions import FormParserError
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

import pinrender

from ...context import AppContext, get_ctx
from ...http.formdata import read_form
from ...http.openapi import operation
from ...services import media
from . import ingest, quota
from .callers import client_ip, optional_principal, staging_dir
from .models import ImportRequest, MediaFields, MediaOut, UploadForm
from .problems import json_body, problem, validate
from .state import hosting

RESERVED = {"file", "name", "tags", "namespace", "public", "external_id", "date", "ttl", "metadata"}
ERRORS = (400, 401, 403, 409, 413, 422, 429)


def form_fields(values: dict[str, str]) -> MediaFields:
    """Form strings -> MediaFields; unknown fields become metadata (seed 001)."""
    data: dict[str, Any] = {k: v for k, v in values.items() if k in RESERVED and v != ""}
    extra = {k: v for k, v in values.items() if k not in RESERVED}
    if extra:
        meta = validate(MediaFields, {"metadata": data.get("metadata", "{}")}).metadata
        data["metadata"] = {**extra, **meta}
    data.pop("file", None)
    return validate(MediaFields, data)


@operation(summary="Upload an image (multipart; with or without a key)", tag="hosting",
           form=UploadForm, response=MediaOut, enveloped=False, auth=False, status=201, errors=ERRORS)
async def upload(request: Request) -> Response:
    ctx, h = get_ctx(request), hosting(request)
    base, now = ctx.base_url(request), time.time()
    principal = await optional_principal(request, ctx, "write")
    ip = client_ip(request)
    headers = {} if principal else quota.anonymous_limits(ctx, ip, now)
    who = quota.caller(ctx, principal, ip)
    limit = who.max_file_bytes(ctx)
    try:
        form = await read_form(request, staging=staging_dir(ctx), limit=limit,
                               svg_limit=min(limit, ctx.settings.svg_max_file_bytes),
                               too_large=quota.file_too_large)
    except FormParserError as exc:
        raise problem(400, "bad_request", f"Malformed multipart body: {exc}") from None
    except ClientDisconnect:
        # The client went away mid-body: the temp file is already gone; nobody reads this answer.
        raise problem(400, "bad_request", "The upload was interrupted") from None
    try:
        if form.file_path is None or form.file_size == 0:
            raise problem(400, "missing_file", "No file in request (send it as the `file` field)")
        fields = form_fields(form.fields)
    except BaseException:
        form.discard()
        raise
    return await ingest.store(ctx, h, base, who, form.file_path, fields,
                              file_name=os.path.basename(form.file_name), source="upload",
                              headers=headers)


def fetch_url(ctx: AppContext, url: str, limit: int) -> bytes:
    """The core's SSRF-safe fetch: private, loopback and metadata addresses are refused, also
    after redirects; size and time capped. Tests replace this function."""
    limits = pinrender.Limits(max_source_bytes=limit, fetch_timeout=ctx.settings.fetch_timeout)
    loader = pinrender.SafeLoader(limits, allow_local=False)
    try:
        return loader.fetch(url)
    finally:
        loader.close()


@operation(summary="Import an image from a URL", tag="hosting", body=ImportRequest,
           response=MediaOut, enveloped=False, auth=False, status=201, errors=ERRORS)
async def import_url(request: Request) -> Response:
    ctx, h = get_ctx(request), hosting(request)
    base, now = ctx.base_url(request), time.time()
    principal = await optional_principal(request, ctx, "write")
    body = await json_body(request, ctx, ImportRequest)
    if not body.url:
        raise problem(400, "missing_url", "No URL provided (send `url`)")
    ip = client_ip(request)
    headers = {} if principal else quota.anonymous_limits(ctx, ip, now)
    who = quota.caller(ctx, principal, ip)
    dup = ingest.duplicate(ctx, base, who, body.external_id)
    if dup is not None:
        return dup
    limit = who.max_file_bytes(ctx)
    try:
        data = await anyio.to_thread.run_sync(fetch_url, ctx, body.url, limit)
    except pinrender.LimitError as exc:
        raise quota.file_too_large(limit, "The fetched image") from exc
    except pinrender.PinrenderError as exc:
        raise problem(400, "fetch_failed", f"Could not fetch the URL: {exc}") from None
    staged = await anyio.to_thread.run_sync(media.stage, staging_dir(ctx), data)
    name = body.name or os.path.basename(body.url.split("?", 1)[0].rstrip("/")) or ""
    fields = body.model_copy(update={"name": name or None})
    return await ingest.store(ctx, h, base, who, staged, fields, file_name=name, source="import",
                              headers=headers)
