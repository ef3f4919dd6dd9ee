"""Everything a request handler needs, built once per app and kept on `app.state.ctx`."""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from .rendering.service import RenderService
from .settings import Settings
from .storage import BlobStore, MetaStore


@dataclass
class AppContext:
    settings: Settings
    meta: MetaStore
    blobs: BlobStore
    render: RenderService

    def base_url(self, request: Request) -> str:
        """Where absolute URLs point: the configured public URL, else where the request came in."""
        if self.settings.public_base_url:
            return self.settings.public_base_url
        return str(request.base_url).rstrip("/")


def get_ctx(request: Request) -> AppContext:
    ctx: AppContext = request.app.state.ctx
    return ctx
