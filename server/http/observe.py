"""Operations endpoints and request metrics: `/healthz` (the process answers), `/readyz` (every
backend answers, each timed), `/metrics` (Prometheus text format, see services/metrics.py)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio.to_thread
from pydantic import BaseModel
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..context import AppContext, get_ctx
from ..services import metrics
from .openapi import operation

# Path prefixes -> the family label of request metrics (bounded: never the raw path).
FAMILIES = (("/api/v1/", "orgs"), ("/api/images", "interactive"), ("/api/articles", "interactive"),
            ("/files/", "interactive"), ("/share/", "interactive"), ("/images/", "interactive"),
            ("/embed/", "interactive"), ("/api/", "templates"), ("/renders/", "templates"),
            ("/og/", "templates"), ("/v1/", "hosting"), ("/v1", "hosting"), ("/src/", "hosting"),
            ("/i/", "hosting"), ("/healthz", "ops"), ("/readyz", "ops"), ("/metrics", "ops"))


def family_of(path: str) -> str:
    return next((family for prefix, family in FAMILIES if path.startswith(prefix)), "pages")


class RequestMetrics:
    """Counts every answer by family, method and status, and times it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        family, started, status = family_of(scope["path"]), time.perf_counter(), 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            metrics.REQUESTS.labels(family, scope["method"], str(status)).inc()
            metrics.REQUEST_SECONDS.labels(family).observe(time.perf_counter() - started)


class HealthOut(BaseModel):
    status: str


class CheckOut(BaseModel):
    ok: bool
    ms: float
    error: str | None = None


class ReadyOut(BaseModel):
    status: str  # ready | unavailable
    checks: dict[str, CheckOut]


def checks(ctx: AppContext) -> dict[str, Callable[[], Any]]:
    """One cheap round trip to each backend."""
    return {
        "database": lambda: ctx.meta.accounts.get(0),
        "counters": lambda: ctx.counters.usage.get(0, "readyz", "readyz"),
        "blobs": lambda: ctx.blobs.exists("readyz/probe"),
    }


@operation(summary="Liveness: the process answers", tag="operations", auth=False,
           response=HealthOut, enveloped=False)
async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok"}, headers={"Cache-Control": "no-store"})


@operation(summary="Readiness: every backend answers (503 naming the ones that do not)",
           tag="operations", auth=False, response=ReadyOut, enveloped=False)
async def readyz(request: Request) -> Response:
    ctx = get_ctx(request)
    results: dict[str, dict[str, Any]] = {}
    for name, check in checks(ctx).items():
        started = time.perf_counter()
        try:
            await anyio.to_thread.run_sync(check)
            results[name] = {"ok": True}
        except Exception as exc:  # any failure means "not ready", named, never a 500
            results[name] = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:300]}
        elapsed = time.perf_counter() - started
        results[name]["ms"] = round(elapsed * 1000, 2)
        metrics.BACKEND_SECONDS.labels(name).observe(elapsed)
    ready = all(r["ok"] for r in results.values())
    return JSONResponse({"status": "ready" if ready else "unavailable", "checks": results},
                        status_code=200 if ready else 503, headers={"Cache-Control": "no-store"})


@operation(summary="Metrics in the Prometheus text format", tag="operations", auth=False,
           media=("text/plain",))
async def metrics_endpoint(request: Request) -> Response:
    body, content_type = metrics.exposition()
    return Response(body, media_type=content_type, headers={"Cache-Control": "no-store"})
