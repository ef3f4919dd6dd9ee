"""Image rows as the seed shows them, and the URLs that point at an image."""

from __future__ import annotations

from datetime import UTC, datetime

from pinrender._geometry import VARIANT_ALIASES, VARIANT_WIDTHS

from ..storage import ImageRecord
from .schemas import ImageOut

DEFAULT_WIDTH = 2000


def timestamp(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M:%S")


def variant_url(base: str, image: ImageRecord, width: int) -> str:
    return f"{base}/files/{image.unique_id}_{width}.webp"


def share_url(base: str, image: ImageRecord) -> str:
    return f"{base}/share/images/{image.unique_id}"


def embed_url(base: str, image: ImageRecord) -> str:
    return f"{base}/images/{image.unique_id}/embed"


def overlay_url(base: str, image: ImageRecord) -> str:
    return f"{base}/share/images/{image.unique_id}/card.png?v={image.version}"


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


def srcset(base: str, image: ImageRecord) -> list[tuple[int, str]]:
    """(real width, URL) per distinct variant: widths above the original collapse into one entry
    of the original's width, because variants are never upscaled."""
    out: list[tuple[int, str]] = []
    for width in VARIANT_WIDTHS:
        real = min(width, image.width)
        out.append((real, variant_url(base, image, width)))
        if width >= image.width:
            break
    return out


def image_out(base: str, image: ImageRecord) -> ImageOut:
    return ImageOut(
        id=image.id, unique_id=image.unique_id, title=image.title, description=image.description,
        category=image.category, image_url=variant_url(base, image, DEFAULT_WIDTH),
        share_url=share_url(base, image), embed_url=embed_url(base, image),
        hotspots=[dict(h) for h in image.hotspots], created_at=timestamp(image.created_at),
        updated_at=timestamp(image.updated_at),
    )
