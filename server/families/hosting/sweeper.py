"""Removes deleted and expired media: the original and everything derived from it first, then the
row, so a row never names a missing blob that something could still serve. Started in the app's
lifespan, which also runs `recover` (what a kill -9 can leave behind) at start and once more when
files written just before the start are old enough to judge."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator

import anyio
import anyio.to_thread

from ...context import AppContext
from ...services.ledger import FOREVER, STORAGE
from ...services.rendering.service import image_origin
from ...settings import Settings
from . import quota
from .callers import staging_dir

log = logging.getLogger("pinrender.server.sweeper")


def sweep(ctx: AppContext, now: float | None = None, batch: int = 100) -> int:
    """One pass: everything due at `now`. Returns how many rows were purged."""
    now = time.time() if now is None else now
    purged = 0
    while True:
        due = ctx.meta.images.due_for_removal(now=now, limit=batch)
        for image in due:
            ctx.blobs.delete(image.blob_key)
            ctx.render.forget_derived(image_origin(image))
            if ctx.meta.images.purge(image.id) and image.deleted_at is None:
                # Expired (not deleted): its bytes were still counted as stored until now.
                quota.release(ctx, image.account_id, image.size, now, upload=False)
            purged += 1
        if len(due) < batch:
            return purged


def stale_age(settings: Settings) -> float:
    """How old a staging, temp or unreferenced file must be before no live request can own it: the
    longest a body may take to arrive (or a URL to be fetched) plus the decode check, twice over."""
    return 2 * (max(settings.request_timeout, settings.fetch_timeout) + settings.render_timeout)


def recover(ctx: AppContext, now: float | None = None) -> dict[str, int]:
    """Undo what a crash mid-request leaves: storage ledgers recounted from the rows, and staging
    files, half-written temp files and blobs that no row names, once older than `stale_age`.
    Safe beside live workers: anything younger, or still named by a row, is left alone."""
    now = time.time() if now is None else now
    before = now - stale_age(ctx.settings)
    found = {"ledgers": ctx.meta.images.recount_bytes(STORAGE, FOREVER), "staging": 0,
             "temp": ctx.blobs.clean_temp(before=before), "orphans": 0}
    staging = staging_dir(ctx)
    for path in staging.glob(".*") if staging.is_dir() else ():
        with contextlib.suppress(FileNotFoundError):
            if path.is_file() and path.stat().st_mtime < before:
                path.unlink()
                found["staging"] += 1
    for prefix in ("originals", "images", "renders"):
        for key in list(ctx.blobs.keys(prefix, before=before)):
            if not _named(ctx, prefix, key) and ctx.blobs.delete(key):
                found["orphans"] += 1
    return found


def _named(ctx: AppContext, prefix: str, key: str) -> bool:
    if prefix == "renders":  # `renders/ab/<content key>.<ext>`, filed under its key
        record = ctx.meta.results.get(key.rsplit("/", 1)[-1].split(".", 1)[0])
        return record is not None and record.blob_key == key
    return ctx.meta.images.has_blob(key)


async def _recover(ctx: AppContext) -> None:
    try:
        found = await anyio.to_thread.run_sync(recover, ctx)
        if any(found.values()):
            log.warning("start-up recovery: %s", ", ".join(f"{v} {k}" for k, v in found.items()))
    except Exception:
        log.exception("start-up recovery failed")


@contextlib.asynccontextmanager
async def running(ctx: AppContext) -> AsyncIterator[None]:
    async def recovery() -> None:
        await _recover(ctx)
        # Leftovers of the crash just before this start are not yet `stale_age` old: look again
        # once they are (a second worker's live files are never that old).
        await anyio.sleep(stale_age(ctx.settings))
        await _recover(ctx)

    async def loop() -> None:
        while True:
            await anyio.sleep(ctx.settings.sweep_interval)
            try:
                purged = await anyio.to_thread.run_sync(sweep, ctx)
                if purged:
                    log.info("sweeper removed %d media", purged)
            except Exception:
                log.exception("sweeper pass failed")

    async with anyio.create_task_group() as tg:
        tg.start_soon(recovery)
        tg.start_soon(loop)
        try:
            yield
        finally:
            tg.cancel_scope.cancel()
