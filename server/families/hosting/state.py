"""The hosting family's per-app objects (mailer, link signer), built once on first use."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from starlette.requests import Request

from ...backends.mail import Mailer, open_mailer
from ...context import AppContext, get_ctx


@dataclass
class Hosting:
    ctx: AppContext
    mailer: Mailer
    secret: bytes

    def sign(self, *parts: str) -> str:
        return hmac.new(self.secret, "\x1f".join(parts).encode(), hashlib.sha256).hexdigest()[:32]

    def check(self, signature: str, *parts: str) -> bool:
        return hmac.compare_digest(signature.encode(), self.sign(*parts).encode())


def build(ctx: AppContext) -> Hosting:
    return Hosting(ctx, open_mailer(ctx.settings.mailer, Path(ctx.settings.data_dir)),
                   ctx.secret.encode())


def hosting(request: Request) -> Hosting:
    state = request.app.state
    found: Hosting | None = getattr(state, "hosting", None)
    if found is None:
        found = build(get_ctx(request))
        state.hosting = found
    return found
