"""Media rows as seed 001's JSON: ids are the 8-character unique ids, URLs are absolute."""

from __future__ import annotations

from typing import Any

from ..context import AppContext
from ..storage import ImageRecord

ANON_TEAM = "anon"  # the `/src/{team_hash}/…` segment of anonymous uploads
WEB_FORMATS = {"jpeg", "png", "webp", "avif", "gif", "svg"}
STORED_EXT = {"jpeg": "jpg"}
MEDIA_TYPES = {
    "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "gif": "image/gif",
    "avif": "image/avif", "heic": "image/heic", "svg": "image/svg+xml", "tiff": "image/tiff",
    "bmp": "image/bmp",
}


def extension(image: ImageRecord) -> str:
    """The format's name as seed 001 spells extensions (`jpeg`, not the stored `jpg`)."""
    return "jpeg" if image.ext in ("jpg", "jpeg") else image.ext


def team_of(ctx: AppContext, image: ImageRecord) -> str:
    if image.account_id is None:
        return ANON_TEAM
    account = ctx.meta.accounts.get(image.account_id)
    return account.team_hash if account else ANON_TEAM


def src_url(base: str, team: str, image: ImageRecord) -> str:
    ext = extension(image)
    # Originals browsers cannot show (HEIC, TIFF, BMP) are linked as their JPEG rendition.
    return f"{base}/src/{team}/{image.unique_id}.{ext if ext in WEB_FORMATS else 'jpeg'}"


def media_out(ctx: AppContext, base: str, image: ImageRecord, *, editable: bool,
              team: str | None = None) -> dict[str, Any]:
    team = team or team_of(ctx, image)
    core: dict[str, Any] = {
        "id": image.unique_id,
        "name": image.name,
        "url": f"{base}/i/{image.unique_id}",
        "src": src_url(base, team, image),
        "width": image.width,
        "height": image.height,
        "filesize": image.size,
        "extension": extension(image),
        "editable": editable,
        "tags": list(image.tags),
        "namespace": image.namespace,
        "public": image.public,
        "created_at": int(image.created_at),
    }
    if image.date:
        core["date"] = image.date
    if image.external_id:
        core["external_id"] = image.external_id
    if image.expires_at is not None:
        core["expires_at"] = int(image.expires_at)
    # Custom metadata sits at the top level (seed 001); the documented fields win a clash.
    return {**image.metadata, **core}
