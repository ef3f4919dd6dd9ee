"""`GET /api/images`: keyset pages by cursor, numbered pages, and bulk lookup by ids."""

from __future__ import annotations

import re
import time

from ...backends import ImageRecord
from ...context import AppContext
from ...http.errors import ApiError
from ...services.links import Links
from . import cursor as cursors
from .present import image_out
from .schemas import MAX_IDS, ImageList, ImageLookup, ListQuery

SKIP_CHUNK = 500
_REF = re.compile(r"^(?:\d{1,18}|[a-z0-9]{8})$")


def clamp_limit(limit: int) -> int:
    return max(1, min(100, limit))


def owned(image: ImageRecord | None, account_id: int, now: float) -> bool:
    return image is not None and image.account_id == account_id and image.available(now)


def list_page(ctx: AppContext, links: Links, account_id: int, query: ListQuery) -> ImageList:
    limit = clamp_limit(query.limit)
    now = time.time()
    repo = ctx.meta.images
    if query.cursor is not None:
        # Constant cost at any depth: one indexed range scan from the cursor's id, no OFFSET and no
        # COUNT (a total would cost a scan of the whole collection on every page).
        page = repo.list(account_id, now=now, before_id=cursors.decode(query.cursor), limit=limit)
        number, total = query.page, None
    else:
        # Numbered pages skip earlier pages by walking the same index in chunks: bounded memory,
        # cost grows with depth. Cursors are the constant-cost way through a large collection.
        before: int | None = None
        skip = (query.page - 1) * limit
        while skip > 0:
            chunk = repo.list(account_id, now=now, before_id=before, limit=min(skip, SKIP_CHUNK))
            if not chunk.items:
                break
            before = chunk.items[-1].id
            skip -= len(chunk.items)
            if not chunk.has_more:
                break
        if skip > 0:
            page_items: list[ImageRecord] = []
            has_more = False
        else:
            page = repo.list(account_id, now=now, before_id=before, limit=limit)
            page_items, has_more = page.items, page.has_more
        number, total = query.page, repo.count(account_id, now=now)
        return ImageList(images=[image_out(links, i) for i in page_items], page=number,
                         limit=limit, total=total, has_more=has_more,
                         next_cursor=cursors.encode(page_items[-1].id) if has_more else None)
    return ImageList(images=[image_out(links, i) for i in page.items], page=number, limit=limit,
                     total=total, has_more=page.has_more,
                     next_cursor=cursors.encode(page.items[-1].id) if page.has_more else None)


def lookup(ctx: AppContext, links: Links, account_id: int, ids: str) -> ImageLookup:
    refs = [r.strip() for r in ids.split(",") if r.strip()]
    if not refs:
        raise ApiError(400, "ids: give at least one id", field="ids")
    if len(refs) > MAX_IDS:
        raise ApiError(400, f"ids: at most {MAX_IDS} ids per request", field="ids")
    now = time.time()
    found, missing = [], []
    for ref in refs:
        image = ctx.meta.images.get(ref) if _REF.match(ref) else None
        if image is not None and owned(image, account_id, now):
            found.append(image_out(links, image))
        else:
            missing.append(ref)
    return ImageLookup(images=found, missing=missing)
