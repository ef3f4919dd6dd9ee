"""The render-time JSON of an embed (embed-data), shared by the API and the server-side pages."""

from __future__ import annotations

from typing import Any

from pinrender import content_key as digest

from ...backends import Account, ImageRecord
from ...services.links import Links
from .present import DEFAULT_WIDTH, embed_url, overlay_url, share_url, srcset, variant_url

# Bump when the payload's shape changes, so cached copies are not revalidated as current.
PAYLOAD_VERSION = "1"

STYLE: dict[str, Any] = {
    "marker": {"size": 28, "text_color": "#ffffff", "border_color": "#ffffff", "pulse": True,
               "numbered": True},
    "tooltip": {"background": "#ffffff", "color": "#1f2933", "max_width": 280, "radius": 8,
                "shadow": "0 6px 24px rgba(0,0,0,.18)", "font_size": 14},
    "label": {"background": "rgba(17,24,39,.85)", "color": "#ffffff", "font_size": 12,
              "show": "hover"},
}


def etag(image: ImageRecord, links: Links, width: int, status: str = "ready") -> str:
    # The row's version moves on every update, so an edit always yields a new ETag; so does the
    # deadline of a private image's signed links.
    return '"' + digest("embed-data", PAYLOAD_VERSION, str(image.id), str(image.version),
                        links.base, str(width), str(links.deadline(image)), status) + '"'


PENDING_RETRY_MS = 3000  # how soon a widget showing a pending image asks again


def not_ready_payload(links: Links, image: ImageRecord, status: str) -> dict[str, Any]:
    """A pending image (a job is making it: the widget shows a placeholder and asks again by
    itself) or a failed one (it says so and stops asking)."""
    title = image.title or "Interactive image"
    return {
        "id": image.unique_id, "status": status, "title": image.title,
        "message": ("Generating image…" if status == "pending"
                    else "This image could not be generated."),
        "retry_after_ms": PENDING_RETRY_MS if status == "pending" else None,
        "image": {"src": None, "width": image.width, "height": image.height, "alt": title},
        "hotspots": [], "share_url": share_url(links, image), "embed_url": embed_url(links, image),
        "version": image.version, "updated_at": int(image.updated_at),
    }


def embed_payload(links: Links, image: ImageRecord, account: Account | None,
                  width: int = DEFAULT_WIDTH, status: str = "ready") -> dict[str, Any]:
    if status != "ready":
        return not_ready_payload(links, image, status)
    sources = srcset(links, image)
    real = min(width, image.width)
    hotspots = []
    for i, spot in enumerate(image.hotspots):
        hotspots.append({"index": i + 1, **{k: spot.get(k) for k in (
            "x", "y", "title", "description", "color", "link", "link_label", "video_url")}})
    title = image.title or "Interactive image"
    return {
        "id": image.unique_id,
        "status": "ready",
        "title": image.title,
        "description": image.description,
        "category": image.category,
        "image": {
            "src": variant_url(links, image, width),
            "width": real,
            "height": round(image.height * real / image.width) if image.width else image.height,
            "natural_width": image.width,
            "natural_height": image.height,
            "alt": title,
            "srcset": ", ".join(f"{url} {w}w" for w, url in sources),
            "sizes": "(max-width: 100vw) 100vw",
            "variants": {str(w): url for w, url in sources},
        },
        "hotspots": hotspots,
        "style": STYLE,
        "behavior": {"trigger": "hover", "auto_open": None, "close_on_outside_click": True,
                     "keyboard": True},
        "attribution": {"text": "Interactive image by pinrender", "url": links.base,
                        "owner": account.name if account else ""},
        "seo": {"title": title, "description": image.description,
                "image": overlay_url(links, image), "canonical": share_url(links, image)},
        "share_url": share_url(links, image),
        "embed_url": embed_url(links, image),
        "version": image.version,
        "updated_at": int(image.updated_at),
    }
