"""Image rows as the seed shows them, and the URLs that point at an image (signed to expire when
the image is private: `Links.image`)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote

from pinrender import VARIANT_ALIASES, VARIANT_WIDTHS

from ...backends import ImageRecord
from ...services.links import Links
from .schemas import ImageOut

DEFAULT_WIDTH = 2000


def timestamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def variant_url(links: Links, image: ImageRecord, width: int) -> str:
    return links.image(image, f"/files/{image.unique_id}_{width}.webp")


def share_url(links: Links, image: ImageRecord) -> str:
    return links.image(image, f"/share/images/{image.unique_id}")


def embed_url(links: Links, image: ImageRecord, user: str | None = None) -> str:
    query = f"?user={quote(user, safe='')}" if user else ""
    return links.image(image, f"/images/{image.unique_id}/embed{query}")


def overlay_url(links: Links, image: ImageRecord) -> str:
    return links.image(image, f"/share/images/{image.unique_id}/card.png?v={image.version}")


def parse_variant(token: str) -> int | None:
    """A width (`512`) or an alias (`small`) as a variant width, else None."""
    text = token.strip().lower()
    if text in VARIANT_ALIASES:
        return VARIANT_ALIASES[text]
    if text.isdigit() and int(text) in VARIANT_WIDTHS:
        return int(text)
    return None


def variant_error(token: str) -> str:
    return (f"Unsupported variant {token!r}: use a width of "
            f"{', '.join(map(str, VARIANT_WIDTHS))} or one of {', '.join(VARIANT_ALIASES)}")


def srcset(links: Links, image: ImageRecord) -> list[tuple[int, str]]:
    """(real width, URL) per distinct variant: widths above the original collapse into one entry
    of the original's width, because variants are never upscaled."""
    out: list[tuple[int, str]] = []
    for width in VARIANT_WIDTHS:
        real = min(width, image.width)
        out.append((real, variant_url(links, image, width)))
        if width >= image.width:
            break
    return out


def image_out(links: Links, image: ImageRecord) -> ImageOut:
    return ImageOut(
        id=image.id, unique_id=image.unique_id, title=image.title, description=image.description,
        category=image.category, image_url=variant_url(links, image, DEFAULT_WIDTH),
        share_url=share_url(links, image), embed_url=embed_url(links, image),
        hotspots=[dict(h) for h in image.hotspots], created_at=timestamp(image.created_at),
        updated_at=timestamp(image.updated_at),
    )
