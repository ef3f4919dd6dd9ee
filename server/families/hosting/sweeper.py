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
    # Stored-bytes ledgers are recounted where they share the rows' transactions; counters kept
    # elsewhere were claimed first and given back on failure, so a crash can only leave them ahead
    # by the uploads in flight at that moment.
    ledgers = (ctx.meta.images.recount_bytes(STORAGE, FOREVER)
               if ctx.counters is ctx.meta.counters else 0)
    found = {"ledgers": ledgers, "staging": 0,
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


LEASE = "background"  # the one lease for every background loop (later the job runner's too)


def lease_ttl(settings: Settings) -> float:
    """How long the leader's lease lasts unrenewed: a leader that died (kill -9 leaves its lease
    behind) is replaced within this. The leader renews it three times as often. As long as a
    crash's leftovers take to become safe to remove (`stale_age`): a restart loses no time."""
    return max(stale_age(settings), 1.0)


def leading(ctx: AppContext, now: float | None = None) -> bool:
    """Take or renew the background lease: True if this process is the one that sweeps now.
    Several processes on one database (workers, hosts) then sweep and recover once, not N times."""
    return ctx.meta.coordination.acquire(LEASE, ctx.instance, ttl=lease_ttl(ctx.settings),
                                         now=time.time() if now is None else now)


async def _recover(ctx: AppContext) -> None:
    try:
        found = await anyio.to_thread.run_sync(recover, ctx)
        if any(found.values()):
            log.warning("start-up recovery: %s", ", ".join(f"{v} {k}" for k, v in found.items()))
    except Exception:
        log.exception("start-up recovery failed")


@contextlib.asynccontextmanager
async def running(ctx: AppContext) -> AsyncIterator[None]:
    async def lead() -> bool:
        try:
            return await anyio.to_thread.run_sync(leading, ctx)
        except Exception:
            log.exception("taking the background lease failed")
            return False

    async def heartbeat() -> None:
        # Renews the lease between sweeps (sweep_interval may be far longer than the lease).
        while True:
            await lead()
            await anyio.sleep(lease_ttl(ctx.settings) / 3)

    async def recovery() -> None:
        # Only the leader recovers; a follower waits, since the leader may be a dead process
        # whose lease has yet to run out.
        while not await lead():
            await anyio.sleep(lease_ttl(ctx.settings) / 3)
        await _recover(ctx)
        # Leftovers of the crash just before this start are not yet `stale_age` old: look again
        # once they are (a second worker's live files are never that old).
        await anyio.sleep(stale_age(ctx.settings))
        if await lead():
            await _recover(ctx)

    async def loop() -> None:
        while True:
            await anyio.sleep(ctx.settings.sweep_interval)
            try:
                if not await lead():
                    continue
                purged = await anyio.to_thread.run_sync(sweep, ctx)
                if purged:
                    log.info("sweeper removed %d media", purged)
            except Exception:
                log.exception("sweeper pass failed")

    try:
        async with anyio.create_task_group() as tg:
            tg.start_soon(heartbeat)
            tg.start_soon(recovery)
            tg.start_soon(loop)
            try:
                yield
            finally:
                tg.cancel_scope.cancel()
    finally:
        # Hand the lease on now rather than when it expires: after the task group, so no pass
        # still in its thread can take it again behind our back.
        with contextlib.suppress(Exception):
            ctx.meta.coordination.release(LEASE, ctx.instance)
