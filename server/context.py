"""Everything a request handler needs, built once per app and kept on `app.state.ctx`."""

from __future__ import annotations

import dataclasses
import functools
import os
import secrets
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import anyio.to_thread
from starlette.requests import Request

from .backends import BlobStore, CounterStore, MetaStore
from .backends.ai import AIBackend
from .http import hosts
from .services.links import Links, server_secret
from .services.rendering.service import RenderService
from .settings import Settings

T = TypeVar("T")


@dataclass
class AppContext:
    settings: Settings
    meta: MetaStore
    blobs: BlobStore
    render: RenderService
    counters: CounterStore
    ai: AIBackend
    # Who this process is when it holds a lease (`meta.coordination`): unique per app instance.
    instance: str = dataclasses.field(
        default_factory=lambda: f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}")

    # Tells this process's job workers that a job was queued (set by the app when it runs some).
    wake_jobs: Callable[[], None] = lambda: None
    # Whether a store call may wait on the network (PostgreSQL, Redis): see `io`.
    blocking: bool = False

    async def io(self, fn: Callable[..., T], /, *args: Any) -> T:
        """The seam between the event loop and the storage backends. With a networked store the
        call runs on a worker thread, so a slow round trip stalls only its own request; the
        embedded stores (SQLite, memory) answer in microseconds, less than the hop costs, and are
        called in place. Give it the whole synchronous step (a lookup and what follows from it),
        so a request pays one hop, not one per query."""
        if self.blocking:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args))
        return fn(*args)

    @functools.cached_property
    def secret(self) -> str:
        """The server's signing secret (`link_secret`, else one kept in the database)."""
        return server_secret(self.settings.link_secret, self.settings.data_dir, self.meta)

    def base_url(self, request: Request) -> str:
        """Where absolute URLs point: the configured public URL, else the request's Host, which
        is one of `allowed_hosts` (checked again here, so no path can build on a forged Host)."""
        if self.settings.public_base_url:
            return self.settings.public_base_url
        hosts.require_allowed(self.settings, request.scope)
        return str(request.base_url).rstrip("/")

    def links(self, request: Request) -> Links:
        return self.links_at(self.base_url(request))

    def links_at(self, base: str) -> Links:
        return Links(base, self.secret, self.settings.signed_url_ttl, time.time())


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx
