"""Media rows as seed 001's JSON: ids are the 8-character unique ids, URLs are absolute (and, for a
private item, signed to expire: `Links.image`)."""

from __future__ import annotations

from typing import Any

import pinrender

from ...backends import ImageRecord
from ...context import AppContext
from ...services import media

ANON_TEAM = "anon"  # the `/src/{team_hash}/…` segment of anonymous uploads
WEB_FORMATS = media.WEB_FORMATS
STORED_EXT = {f.name: f.extension for f in pinrender.FORMATS.values() if f.extension != f.name}
MEDIA_TYPES = {f.name: f.media_type for f in pinrender.FORMATS.values()}


# The CDN's URL scheme lives in services/media.py, since every family's images are served there.
extension = media.cdn_extension
src_path = media.cdn_path


def team_of(ctx: AppContext, image: ImageRecord) -> str:
    if image.account_id is None:
        return ANON_TEAM
    account = ctx.meta.accounts.get(image.account_id)
    return account.team_hash if account else ANON_TEAM


def media_out(ctx: AppContext, base: str, image: ImageRecord, *, editable: bool,
              team: str | None = None) -> dict[str, Any]:
    team = team or team_of(ctx, image)
    links = ctx.links_at(base)
    core: dict[str, Any] = {
        "id": image.unique_id,
        "name": image.name,
        "url": links.image(image, f"/i/{image.unique_id}"),
        "src": links.image(image, src_path(team, image)),
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
