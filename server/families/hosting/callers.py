"""Who is calling a `/v1` endpoint: optional or required API key, and the client address."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request

from ...context import AppContext
from ...http.auth import Principal, authenticate, key_from
from ...services import media


async def optional_principal(request: Request, ctx: AppContext, ability: str = "read"
                       ) -> Principal | None:
    """No key: anonymous. A key that is present must be valid (401 otherwise), never ignored."""
    if key_from(request) is None:
        return None
    return await authenticate(request, ctx, ability)


def client_ip(request: Request) -> str:
    # The direct peer: behind a proxy, uvicorn's --proxy-headers puts the real client here.
    return request.client.host if request.client else "unknown"


def staging_dir(ctx: AppContext) -> Path:
    return media.staging_dir(ctx.blobs, ctx.settings.data_dir)
