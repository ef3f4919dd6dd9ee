"""Who may fetch an image's bytes and pages: the one rule every such route applies.

    public image    anyone with the URL, cached as the route says (`public, …`)
    private image   a URL the server signed (links.py) until it expires, or the owner's API key;
                    answered `Cache-Control: private`; anyone else gets 404, as for a missing
                    image, so private ids cannot be probed. A genuine link past its deadline
                    gets 403 `link_expired`, so its holder knows to ask for a fresh one.

`ImageRecord.public` decides, whichever family stored the row: interactive images
(`/api/images`) are public unless made private through `/v1/media`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from typing import Any

from starlette.requests import Request

from pinrender.urls import check_path

from ..backends import ImageRecord
from ..context import AppContext
from ..services.links import Links
from .auth import authenticate, key_from
from .errors import ApiError

# The query parameters of a signed link, for the OpenAPI document of every route that takes one.
SIGNED_PARAMS: tuple[dict[str, Any], ...] = (
    {"name": "expires", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "signed link of a private image: its deadline (Unix time)"},
    {"name": "signature", "in": "query", "required": False, "schema": {"type": "string"},
     "description": "signed link of a private image: HMAC of path, query and expires"},
)
# With a key, a browser may keep the bytes but must ask again (and be checked) before reuse.
OWNER_CACHE = "private, no-cache"


@dataclass(frozen=True)
class Access:
    """How a request may see one image: the Cache-Control to answer with, and, when it came in
    through a signed link, that link's deadline."""

    public: bool
    private_cache: str = OWNER_CACHE
    expires: int | None = None

    def cache_control(self, public_policy: str) -> str:
        return public_policy if self.public else self.private_cache

    def links(self, links: Links) -> Links:
        """`links` for a page answered under this access: links it hands on expire with it."""
        return links if self.expires is None else replace(links, expires=self.expires)


PUBLIC = Access(public=True)


async def admit(request: Request, ctx: AppContext, image: ImageRecord) -> Access:
    """May this request read `image`? Raises 404 (or 403 for an expired link) if not."""
    if image.public:
        return PUBLIC
    now = time.time()
    verdict = check_path(request.scope["path"], request.query_params.multi_items(), ctx.secret,
                         now)
    if verdict == "valid":
        expires = int(request.query_params["expires"])
        return Access(public=False, private_cache=f"private, max-age={max(0, expires - int(now))}",
                      expires=expires)
    if key_from(request) is not None:
        # A key that is present must be valid (401 otherwise), and the owner's.
        if (await authenticate(request, ctx, "read")).account.id == image.account_id:
            return Access(public=False)
    if verdict == "expired":
        raise ApiError(403, "This link has expired: ask the image's owner for a fresh one",
                       code="link_expired")
    raise ApiError(404, "Image doesn't exist or isn't accessible", code="not_found")
