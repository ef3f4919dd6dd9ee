"""The hosting family's per-app objects (mailer, link signer), built once on first use."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from ..context import AppContext, get_ctx
from .mailer import Mailer, open_mailer


@dataclass
class Hosting:
    ctx: AppContext
    mailer: Mailer
    secret: bytes

    def sign(self, *parts: str) -> str:
        return hmac.new(self.secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, signature: str, *parts: str) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())


def _secret(ctx: AppContext) -> bytes:
    if ctx.settings.link_secret:
        return ctx.settings.link_secret.encode()
    # Kept in the data dir so links signed before a restart (or by another worker) stay valid.
    path = Path(ctx.settings.data_dir) / "link.secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with path.open("x") as f:
                f.write(secrets.token_hex(32))
        except FileExistsError:
            pass  # another worker won the race: use its secret
    return path.read_text().strip().encode()


def build(ctx: AppContext) -> Hosting:
    return Hosting(ctx, open_mailer(ctx.settings.mailer, Path(ctx.settings.data_dir)), _secret(ctx))


def hosting(request: Request) -> Hosting:
    state = request.app.state
    found: Hosting | None = getattr(state, "hosting", None)
    if found is None:
        found = build(get_ctx(request))
        state.hosting = found
    return found
