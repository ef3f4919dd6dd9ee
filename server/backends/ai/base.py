"""What every AI backend speaks: the records it returns, its errors and the `AIBackend` Protocol.

Records are frozen dataclasses whose text is already cleaned (`clean_*` below): whatever a
backend got from its model, a caller can store and show these fields as they are.

    AIError            the provider failed: network, 5xx, an answer that stays malformed after
     |                 the retries. The caller releases the credits it claimed (502/503).
     +-- AIUnavailable the backend cannot be reached or did not answer in time.
    ValueError         an input the endpoint should have refused (422): an unknown model tier,
                       quality or aspect ratio, no text to work from. Nothing was asked of a provider.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable
from urllib.parse import urlsplit

# The ratios an image can be asked for ("auto" is resolved to one of these by the backend).
ASPECT_RATIOS: dict[str, tuple[int, int]] = {
    "1:1": (1, 1), "16:9": (16, 9), "9:16": (9, 16), "4:3": (4, 3), "3:4": (3, 4),
    "3:2": (3, 2), "2:3": (2, 3), "21:9": (21, 9), "5:4": (5, 4), "4:5": (4, 5),
}
MODEL_TIERS = ("mini", "standard", "plus", "ultra")
QUALITIES = ("low", "medium", "high", "auto")
# Long side of a generated image per quality (`auto` is billed and drawn as medium). Each size is
# a whole multiple of its ratio (`image_size`), so the ratio is exact, not rounded.
LONG_SIDE = {"low": 1024, "medium": 1536, "high": 2048, "auto": 1536}

DEFAULT_COLOR = "#3b82f6"
MAX_TITLE = 120
MAX_DESCRIPTION = 1000
MAX_LINK = 2048
MAX_PROMPT = 4000
MAX_SUMMARY = 600
MAX_SPOT_AFTER = 200
MAX_CONCEPTS = 5
MAX_HOTSPOTS = 20
MAX_SPOTS = 10


class AIError(Exception):
    """The provider failed (network, 5xx, malformed answer after retries)."""


class AIUnavailable(AIError):
    """The backend cannot be reached or timed out."""


@dataclass(frozen=True)
class HotspotDraft:
    x: float  # percent 0-100 of the width
    y: float  # percent 0-100 of the height
    title: str
    description: str = ""
    color: str = DEFAULT_COLOR  # "#rrggbb"
    link: str | None = None  # http(s) only


@dataclass(frozen=True)
class Spot:
    after: str  # the heading, or the first words of the paragraph, the image follows
    kind: str  # "heading" | "paragraph"
    concept: str  # what the image should show
    # 0-based position of that heading among the article's headings (the ones given, else its
    # Markdown headings) or of that paragraph among its blank-line separated paragraphs.
    index: int


@dataclass(frozen=True)
class Concept:
    id: str
    title: str
    summary: str


@dataclass(frozen=True)
class ExpandedPrompt:
    prompt: str
    aspect_ratio: str  # one of ASPECT_RATIOS


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    media_type: str
    width: int
    height: int
    placeholder: bool  # drawn by pinrender from the prompt, not by a model
    model: str  # the model (or "offline-placeholder") that made it


@runtime_checkable
class AIBackend(Protocol):
    name: str

    async def suggest_hotspots(self, image: bytes, *, prompt: str | None, max_hotspots: int,
                               current: Sequence[HotspotDraft] = ()) -> list[HotspotDraft]: ...

    async def locate_spots(self, page_content: str, *, headings: Sequence[str],
                           count: int) -> list[Spot]: ...

    async def suggest_concepts(self, *, page_content: str = "", section_context: str = "",
                               purpose: str = "") -> list[Concept]: ...

    async def expand_concept(self, concept: Concept | str, *, page_content: str = "",
                             section_context: str = "", aspect_ratio: str = "auto") -> ExpandedPrompt: ...

    async def detailed_prompt(self, purpose: str) -> str: ...

    async def generate_image(self, prompt: str, *, model: str, quality: str,
                             aspect_ratio: str) -> GeneratedImage: ...

    async def aclose(self) -> None: ...


# -- checks every backend applies to what it returns ------------------------------------------

_HEX6 = re.compile(r"^#[0-9a-fA-F]{6}$")
_HEX3 = re.compile(r"^#[0-9a-fA-F]{3}$")
# Controls and bidi overrides have no place in a title shown on someone's page.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def clean_text(value: object, limit: int) -> str:
    """A string of at most `limit` characters, stripped, without control characters."""
    if not isinstance(value, str):
        return ""
    text = _UNPRINTABLE.sub("", value[: limit * 2]).strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def clean_color(value: object, default: str = DEFAULT_COLOR) -> str:
    """`#rrggbb` (lower case); `#rgb` is widened; anything else becomes `default`."""
    if isinstance(value, str):
        text = value.strip()
        if _HEX6.match(text):
            return text.lower()
        if _HEX3.match(text):
            return "#" + "".join(c * 2 for c in text[1:]).lower()
    return default


def clean_link(value: object) -> str | None:
    """An absolute http(s) URL with a host, else None (javascript:, data:, relative...)."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > MAX_LINK or _UNPRINTABLE.search(text) or any(c.isspace() for c in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return text


def clamp_percent(value: object) -> float | None:
    """A coordinate in 0-100 (rounded to 0.01), or None when it is not a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    number = float(value)
    if number != number or number in (float("inf"), float("-inf")):
        return None
    return round(min(100.0, max(0.0, number)), 2)


def hotspot(x: object, y: object, title: object, description: object = "", color: object = None,
            link: object = None) -> HotspotDraft | None:
    """A clean HotspotDraft from untrusted parts, or None when its position or title is unusable."""
    cx, cy = clamp_percent(x), clamp_percent(y)
    text = clean_text(title, MAX_TITLE)
    if cx is None or cy is None or not text:
        return None
    return HotspotDraft(cx, cy, text, clean_text(description, MAX_DESCRIPTION), clean_color(color),
                        clean_link(link))


def near_any(x: float, y: float, others: Sequence[HotspotDraft], within: float = 5.0) -> bool:
    """Whether (x, y) lies within `within` percent of one of `others` (a duplicate)."""
    return any(abs(o.x - x) <= within and abs(o.y - y) <= within for o in others)


def resolve_ratio(aspect_ratio: str, fallback: str = "1:1") -> str:
    """`aspect_ratio` if it is one of ASPECT_RATIOS, else `fallback` ("auto" included)."""
    return aspect_ratio if aspect_ratio in ASPECT_RATIOS else fallback


def check_choice(value: str, allowed: Sequence[str], what: str) -> str:
    # The endpoints validate these (422); a backend still refuses what it does not know.
    if value not in allowed:
        raise ValueError(f"unknown {what} {value!r}: use {', '.join(allowed)}")
    return value


def image_size(aspect_ratio: str, quality: str = "low") -> tuple[int, int]:
    """Width and height for a ratio at a quality: the long side is LONG_SIDE[quality] or just
    under it, and both sides are whole multiples of the ratio's terms, so w/h is exact."""
    a, b = ASPECT_RATIOS[check_choice(aspect_ratio, tuple(ASPECT_RATIOS), "aspect ratio")]
    unit = LONG_SIDE[check_choice(quality, QUALITIES, "quality")] // max(a, b)
    return a * unit, b * unit


def ratio_crop(width: int, height: int, aspect_ratio: str) -> tuple[int, int]:
    """The largest size of exactly `aspect_ratio` that fits in width x height."""
    a, b = ASPECT_RATIOS[aspect_ratio]
    unit = min(width // a, height // b)
    if unit < 1:
        raise ValueError(f"{width}x{height} is too small for {aspect_ratio}")
    return a * unit, b * unit
