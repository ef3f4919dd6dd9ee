"""`POST /api/generate/batch`: one template, many rows, rendered by a background job; its
progress at `GET /api/generate/batch/{job_id}` and every image in one ZIP at `….zip`."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import AsyncIterator
from typing import Any

import anyio.to_thread
from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

from ...backends import JobRecord
from ...context import AppContext, get_ctx
from ...http.auth import Principal, authenticate
from ...http.bodies import parse_json, read_body, validate
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from ...services.batch_jobs import BATCH, rows_done
from .schemas import Format, Scalar, Strict


class BatchRequest(Strict):
    templateId: str = Field(min_length=1, max_length=64)
    rows: list[dict[str, Scalar | dict[str, Any]]] | None = Field(
        default=None, description="one object per image: variables, and `layer.property` columns")
    csv: str | None = Field(default=None, description="the rows as CSV text with a header row")
    format: Format = "png"
    quality: int | None = Field(default=None, ge=1, le=100)


class BatchRowOut(BaseModel):
    row: int
    imageUrl: str | None = None
    error: str | None = None


class BatchOut(BaseModel):
    job_id: int
    status: str
    done: int
    total: int
    results: list[BatchRowOut] | None = None
    error: str | None = None
    zipUrl: str | None = None


def rows_of(ctx: AppContext, body: BatchRequest) -> list[dict[str, Any]]:
    cap = ctx.settings.batch_max_rows
    if (body.rows is None) == (body.csv is None):
        raise ApiError(400, "rows: give either rows (a list of objects) or csv (text)", field="rows")
    if body.csv is not None:
        reader = csv.DictReader(io.StringIO(body.csv))
        rows: list[dict[str, Any]] = []
        for row in reader:
            if len(rows) == cap:
                raise ApiError(413, f"csv: at most {cap} rows per batch", field="csv")
            rows.append({k: v for k, v in row.items() if k is not None})
    else:
        rows = [dict(r) for r in body.rows or []]
    if not rows:
        raise ApiError(400, "rows: a batch needs at least one row", field="rows")
    if len(rows) > cap:
        raise ApiError(413, f"rows: at most {cap} rows per batch", field="rows")
    return rows


async def batch_body(request: Request, ctx: AppContext) -> BatchRequest:
    """JSON `{templateId, rows | csv, format}`, or a `text/csv` body with `?templateId=&format=`."""
    s = ctx.settings
    raw = await read_body(request, s.max_body_bytes)
    if request.headers.get("content-type", "").split(";")[0].strip().lower() == "text/csv":
        fields: dict[str, Any] = {k: v for k, v in request.query_params.items() if k != "api_key"}
        fields["csv"] = raw.decode("utf-8-sig", errors="replace")
    else:
        data = parse_json(raw, "body", max_bytes=s.max_body_bytes, max_depth=s.max_json_depth)
        if not isinstance(data, dict):
            raise ApiError(400, "body: must be a JSON object", field="body")
        fields = data
    return validate(BatchRequest, fields)


@operation(summary="Render a template once per row, in the background (202 with a job id)",
           tag="render", body=BatchRequest, response=BatchOut, status=202, enveloped=True,
           errors=(400, 404, 413, 429))
async def create_batch(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "write")
    body = await batch_body(request, ctx)
    record = ctx.meta.templates.get(body.templateId, with_data=False)
    if record is None or (record.account_id != who.account.id and not record.public):
        raise ApiError(404, "Template not found", field="templateId")
    rows = rows_of(ctx, body)
    spec = {"template_id": record.id, "rows": rows, "format": body.format, "quality": body.quality}
    cap = ctx.settings.jobs.max_open_per_account
    job = ctx.meta.jobs.enqueue(who.account.id, BATCH, spec, max_open=cap, now=time.time())
    if job is None:
        raise ApiError(429, f"Too many jobs queued: at most {cap} queued or running per account",
                       headers={"Retry-After": "5"})
    ctx.wake_jobs()
    return ok(present(ctx, request, job).model_dump(exclude_none=True), status=202)


def owned_job(request: Request, ctx: AppContext, who: Principal) -> JobRecord:
    ref = request.path_params["job_id"]
    job = ctx.meta.jobs.get(int(ref)) if ref.isascii() and ref.isdigit() and len(ref) < 18 else None
    if job is None or job.account_id != who.account.id or job.kind != BATCH:
        raise ApiError(404, "Batch not found")
    return job


def present(ctx: AppContext, request: Request, job: JobRecord) -> BatchOut:
    base = ctx.base_url(request)
    total = len(job.input.get("rows", ()))
    out = BatchOut(job_id=job.id, status=job.status, done=rows_done(job.state), total=total)
    if job.status == "completed":
        out.done = total
        out.results = [BatchRowOut(row=r["row"], error=r.get("error"),
                                   imageUrl=f"{base}/renders/{r['key']}.{r['extension']}"
                                   if "key" in r else None) for r in job.results or []]
        out.zipUrl = f"{base}/api/generate/batch/{job.id}.zip"
    elif job.status == "failed":
        out.error = job.error
    return out


@operation(summary="A batch's progress; when done, each row's imageUrl or error", tag="render",
           response=BatchOut, errors=(404,))
async def batch_status(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "read")
    job = owned_job(request, ctx, who)
    return JSONResponse({"success": True, "data": present(ctx, request, job).model_dump(exclude_none=True)},
                        headers={"Cache-Control": "no-store"})


class _Chunks:
    """A write-only file for `zipfile` that hands out what was written since the last take."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.offset = 0

    def write(self, data: bytes, /) -> int:
        self.parts.append(bytes(data))
        self.offset += len(data)
        return len(data)

    def tell(self) -> int:
        return self.offset

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


@operation(summary="Every image of a finished batch in one ZIP (streamed)", tag="render",
           media=("application/zip",), errors=(404, 409))
async def batch_zip(request: Request) -> Response:
    ctx = get_ctx(request)
    who = await authenticate(request, ctx, "read")
    job = owned_job(request, ctx, who)
    if job.status != "completed":
        raise ApiError(409, f"The batch is {job.status}: its ZIP exists once it has completed",
                       headers={"Retry-After": "2"} if job.status in ("queued", "running") else None)
    results = [r for r in job.results or [] if "key" in r]

    async def stream() -> AsyncIterator[bytes]:
        sink = _Chunks()
        # Images are compressed already: stored, not deflated. One image in memory at a time.
        with zipfile.ZipFile(sink, "w", zipfile.ZIP_STORED) as archive:
            for r in results:
                output = await ctx.render.load_stored(r["key"])
                if output is None:
                    continue  # removed since (its template deleted): the others still come
                await anyio.to_thread.run_sync(
                    archive.writestr, f"{r['row'] + 1:06d}.{r['extension']}", output.data)
                yield sink.take()
        yield sink.take()

    return StreamingResponse(stream(), media_type="application/zip", headers={
        "Content-Disposition": f'attachment; filename="batch-{job.id}.zip"'})

