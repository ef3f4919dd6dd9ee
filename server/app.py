"""The Starlette application: `create_app(settings)` wires stores, renderer and routes.

`uvicorn --factory server.app:app_factory` builds one app per worker process from the environment
(`PINRENDER_*`), which is what `pinrender serve --workers N` runs.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import replace

import anyio
import pyvips
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.routing import Route

import pinrender

from .backends import (
    MemoryCounterStore,
    SqliteCounterStore,
    SqliteMetaStore,
    open_blob_store,
    open_counter_store,
    open_meta_store,
)
from .backends.ai import open_ai_backend
from .context import AppContext
from .families import hosting, interactive, orgs
from .families.templates import account, batch, generate, og, pages, render, templates
from .families.templates.examples import sync_examples
from .http import docs
from .http.errors import EXCEPTION_HANDLERS
from .http.hosts import AllowedHosts
from .http.nosniff import NoSniff
from .http.observe import RequestMetrics, healthz, metrics_endpoint, readyz
from .http.slowclients import ReceiveDeadline
from .services.ai_jobs import Pipelines
from .services.batch_jobs import BatchPipeline
from .services.jobs import JobRunner
from .services.rendering.cache import OutputCache
from .services.rendering.pool import RenderPool
from .services.rendering.service import RenderService
from .settings import Settings

log = logging.getLogger("pinrender.server")

EXPOSED_HEADERS = [
    "ETag", "Server-Timing", "Retry-After", "X-RateLimit-Limit", "X-RateLimit-Remaining",
    "X-RateLimit-Reset", "X-Renders-Limit", "X-Renders-Remaining",
    # Seed 001's quota headers on /v1 uploads.
    "X-RateLimit-Limit-Daily", "X-RateLimit-Remaining-Daily", "X-Monthly-Uploads-Used",
    "X-Monthly-Uploads-Limit", "X-Monthly-Uploads-Remaining", "X-Storage-Used", "X-Storage-Limit",
    "X-Storage-Remaining",
]

ROUTES = [
    Route("/", pages.home, methods=["GET"]),
    Route("/playground", pages.playground, methods=["GET"]),
    Route("/docs", docs.page, methods=["GET"]),
    Route("/docs/assets/{name}", docs.asset, methods=["GET"]),
    Route("/docs/plain", pages.docs, methods=["GET"]),
    Route("/openapi.json", pages.openapi, methods=["GET"]),
    Route("/healthz", healthz, methods=["GET"]),
    Route("/readyz", readyz, methods=["GET"]),
    Route("/metrics", metrics_endpoint, methods=["GET"]),
    Route("/api/templates", templates.list_templates, methods=["GET"]),
    Route("/api/templates", templates.create_template, methods=["POST"]),
    Route("/api/templates/{id}", templates.get_template, methods=["GET"]),
    Route("/api/templates/{id}", templates.update_template, methods=["PUT"]),
    Route("/api/templates/{id}", templates.delete_template, methods=["DELETE"]),
    Route("/api/generate", generate.generate, methods=["POST"]),
    Route("/api/generate/batch", batch.create_batch, methods=["POST"]),
    # The ZIP first: `{job_id}` alone would also match `12.zip`.
    Route("/api/generate/batch/{job_id}.zip", batch.batch_zip, methods=["GET"]),
    Route("/api/generate/batch/{job_id}", batch.batch_status, methods=["GET"]),
    Route("/api/render", render.render, methods=["GET"]),
    Route("/og/{name}", og.og, methods=["GET"]),
    Route("/api/account", account.account, methods=["GET"]),
    Route("/api/_stats", account.stats, methods=["GET"]),
    Route("/renders/{name}", render.stored, methods=["GET"]),
    *interactive.ROUTES,
    *hosting.ROUTES,
    *orgs.ROUTES,
]


def build_renderer(settings: Settings) -> pinrender.Renderer:
    pyvips.concurrency_set(settings.vips_threads)
    fetch_limits = pinrender.Limits(fetch_timeout=settings.fetch_timeout,
                                    max_source_bytes=settings.max_source_bytes)
    # Stored originals may be as large as the largest upload any plan allows; fetched URLs
    # stay under the (smaller) fetch cap, which the loader enforces with its own limits.
    largest_upload = max([settings.max_source_bytes,
                          *(plan.max_file_bytes for plan in settings.plans.values())])
    limits = replace(fetch_limits, max_source_bytes=largest_upload,
                     max_decode_bytes=settings.decode_memory_bytes)
    # allow_local=False: an `image_url` in a request must never read the server's own files.
    services = pinrender.Services(
        loader=pinrender.SafeLoader(fetch_limits, allow_local=False),
        fonts=pinrender.default_fonts(),
        limits=limits,
    )
    return pinrender.Renderer(services, fonts=settings.font_dirs,
                              cache_bytes=settings.renderer_cache_bytes,
                              timeout=settings.render_timeout)


def build_context(settings: Settings, *, renderer: pinrender.Renderer | None = None) -> AppContext:
    """Stores, renderer and AI backend for one process: what the app and `pinrender worker` share."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    meta = open_meta_store(settings.database_url)
    blobs = open_blob_store(settings.storage_url)
    counters = open_counter_store(settings.counters, meta)
    pool: RenderPool = RenderPool(settings.render_workers, settings.render_queue,
                                  settings.render_timeout)
    service = RenderService(renderer or build_renderer(settings), blobs, meta, counters, pool,
                            OutputCache(settings.result_cache_bytes))
    # The embedded stores run in this process; anything else waits on the network (AppContext.io).
    embedded = (isinstance(meta, SqliteMetaStore)
                and isinstance(counters, (SqliteCounterStore, MemoryCounterStore)))
    return AppContext(settings=settings, meta=meta, blobs=blobs, render=service, counters=counters,
                      ai=open_ai_backend(settings.ai), blocking=not embedded)


async def close_context(ctx: AppContext) -> None:
    ctx.render.pool.close()
    await ctx.ai.aclose()
    if ctx.counters is not ctx.meta.counters:
        ctx.counters.close()
    ctx.meta.close()


def job_runner(ctx: AppContext) -> JobRunner:
    handlers = {**Pipelines(ctx.meta, ctx.counters, ctx.blobs, ctx.ai, ctx.settings).handlers(),
                **BatchPipeline(ctx.meta, ctx.render, ctx.settings).handlers()}
    return JobRunner(ctx.meta, ctx.counters, ctx.instance, handlers, ctx.settings.jobs,
                     offload=ctx.blocking)


def create_app(settings: Settings | None = None, *,
               renderer: pinrender.Renderer | None = None) -> Starlette:
    settings = settings or Settings()
    ctx = build_context(settings, renderer=renderer)
    runner = job_runner(ctx)
    if settings.jobs.workers:
        ctx.wake_jobs = runner.wake

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        shaping = pinrender.shaping_status()
        if shaping.engine != "raqm":  # said once at start, not first by a failing render
            log.warning("text shaping: %s", shaping.describe())
        if settings.load_examples:
            loaded = sync_examples(ctx.meta, settings.examples_path)
            log.info("loaded %d example templates", len(loaded))
        try:
            async with anyio.create_task_group() as tg:
                if settings.jobs.workers:
                    tg.start_soon(runner.run)  # background jobs (AI pipelines), leased
                async with hosting.running(ctx):  # the sweeper of deleted and expired media
                    yield
                tg.cancel_scope.cancel()
        finally:
            await close_context(ctx)

    app = Starlette(
        routes=list(ROUTES),
        middleware=[
            # Outermost first: every answer, a refused Host included, carries nosniff and counts.
            Middleware(RequestMetrics),
            Middleware(NoSniff),
            Middleware(AllowedHosts, settings=settings),
            Middleware(
                CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["*"],
                allow_headers=["*"], expose_headers=EXPOSED_HEADERS, max_age=86400,
            ),
        ],
        exception_handlers=dict(EXCEPTION_HANDLERS),  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    # Request bodies must keep arriving (server/http/slowclients.py): added last, so outermost.
    app.add_middleware(ReceiveDeadline, grace=settings.body_grace, min_rate=settings.body_min_rate,
                       total=settings.request_timeout)
    return app


def app_factory() -> Starlette:
    return create_app(Settings())
