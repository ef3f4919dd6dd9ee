"""Rows as the family's JSON."""

from __future__ import annotations

from ...backends import Event, ImageRecord, OrgToken
from ...services.links import Links
from ...services.media import cdn_path
from .schemas import EventOut, PhotoOut, TokenOut


def token_out(token: OrgToken) -> TokenOut:
    return TokenOut(id=token.id, name=token.name, prefix=token.prefix, active=token.active,
                    created_at=int(token.created_at),
                    last_used_at=int(token.last_used_at) if token.last_used_at else None)


def event_out(event: Event) -> EventOut:
    return EventOut(id=event.id, name=event.name, org_id=event.org_id,
                    created_at=int(event.created_at))


def photo_out(links: Links, team: str, event_id: int, image: ImageRecord) -> PhotoOut:
    return PhotoOut(id=image.unique_id, event_id=event_id,
                    src=links.image(image, cdn_path(team, image)),
                    sizes={size: links.image(image, cdn_path(team, image, size=size))
                           for size in ("s", "m", "l")},
                    width=image.width, height=image.height, size=image.size, name=image.name,
                    created_at=int(image.created_at))
