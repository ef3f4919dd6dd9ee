"""Absolute URLs of one request, and the signature that lets a private image's URL be fetched.

A public image's URLs are plain. A private image's (`ImageRecord.public` false) are signed with
the server's secret to expire (`pinrender.urls.sign_path`): whoever is handed one can fetch that
one file until the deadline, nothing else. Deadlines are rounded up to a whole `STEP`, so one
image hands out the same URL for a while and browser caches keep working.
"""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass
from pathlib import Path

from pinrender.urls import sign_path

from ..backends import ImageRecord, MetaStore

STEP = 300  # seconds: expiries are multiples of this


def expiry(now: float, ttl: int) -> int:
    """The deadline of a link made at `now`: at least `ttl` ahead, rounded up to a whole STEP."""
    return math.ceil((now + ttl) / STEP) * STEP


@dataclass(frozen=True)
class Links:
    base: str  # scheme and host every absolute URL starts with, no trailing slash
    secret: str
    ttl: int
    now: float
    # A fixed deadline instead of `now + ttl`: a page reached through a signed link hands out
    # links that expire with it, so reloading it never extends anyone's access.
    expires: int | None = None

    def deadline(self, image: ImageRecord) -> int | None:
        """When the links to `image` stop working; None for a public image (never)."""
        if image.public:
            return None
        return self.expires if self.expires is not None else expiry(self.now, self.ttl)

    def image(self, image: ImageRecord, path: str) -> str:
        """The absolute URL of `path` (one of `image`'s files or pages); signed if it is private."""
        deadline = self.deadline(image)
        if deadline is None:
            return self.base + path
        return self.base + sign_path(path, self.secret, deadline)


def server_secret(configured: str, data_dir: Path, meta: MetaStore) -> str:
    """The configured secret, else one generated once and stored in the database, so links signed
    before a restart, or by another process on the same database, stay valid. A secret an older
    version kept in the data dir (`link.secret`) is the one stored, so its links stay valid too."""
    if configured:
        return configured
    legacy = Path(data_dir) / "link.secret"
    proposed = legacy.read_text().strip() if legacy.is_file() else ""
    return meta.coordination.secret("link", proposed or secrets.token_hex(32))
