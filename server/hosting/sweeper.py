"""Removes deleted and expired media: the original and everything derived from it first, then the
row, so a row never names a missing blob that something could still serve. Started in the app's
lifespan."""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import AsyncIterator

import anyio
import anyio.to_thread

from ..context import AppContext
from ..rendering.service import image_origin
from . import quota

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


@contextlib.asynccontextmanager
async def running(ctx: AppContext) -> AsyncIterator[None]:
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
        tg.start_soon(loop)
        try:
            yield
        finally:
            tg.cancel_scope.cancel()
