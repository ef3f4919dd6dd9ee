"""Request and response models of the `/api/images` family (seed 000); they also feed /openapi.json.

Hotspot strings end up in other people's pages, so links are limited to schemes a browser cannot
execute (http, https, mailto) and colours to hex; the widget still escapes every string it shows.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, RootModel, field_validator, model_validator

from ...http.schemas import FETCHABLE_URL

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
SCRIPT_SCHEME = re.compile(r"^[\x00-\x20]*(javascript|data|vbscript)[\x00-\x20]*:", re.IGNORECASE)
MAX_HOTSPOTS = 100
DEFAULT_COLOR = "#2a9d8f"


def _any_case(word: str) -> str:
    return "".join(f"[{c.upper()}{c.lower()}]" for c in word)


# The rules of `_url` and `SCRIPT_SCHEME` as JSON Schema patterns, for /openapi.json: an absolute
# URL with a host and no spaces or control characters, or empty.
_NO_SPACE = r"[^\x00-\x20]"
WEB_URL = (rf"^$|^\s*{_any_case('http')}[Ss]?://[^\x00-\x20/?#\[\]]+([/?#]{_NO_SPACE}*)?\s*$")
LINK_URL = rf"{WEB_URL}|^\s*{_any_case('mailto')}:{_NO_SPACE}*\s*$"
SCRIPT_LABEL = (r"^[\x00-\x20]*(" + "|".join(_any_case(w) for w in ("javascript", "data", "vbscript"))
                + r")[\x00-\x20]*:")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None or value == "":
        return None if value is None else ""
    text = value.strip()
    # Browsers ignore control characters and spaces inside a scheme (`java\tscript:`): refuse them.
    if any(ord(c) < 0x21 for c in text):
        raise ValueError("must not contain spaces or control characters")
    scheme = urlsplit(text).scheme.lower()
    if scheme not in schemes:
        raise ValueError(f"must be an {'/'.join(schemes)} URL")
    if scheme != "mailto" and not urlsplit(text).netloc:
        raise ValueError("must be an absolute URL with a host")
    return text


class Hotspot(Strict):
    x: float = Field(ge=0, le=100, allow_inf_nan=False, description="percent of the width")
    y: float = Field(ge=0, le=100, allow_inf_nan=False, description="percent of the height")
    title: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2000)
    color: str = Field(default=DEFAULT_COLOR, json_schema_extra={"pattern": HEX_COLOR.pattern},
                       description="hex: #rgb, #rgba, #rrggbb or #rrggbbaa")
    link: str | None = Field(default=None, max_length=2048, json_schema_extra={"pattern": LINK_URL},
                             description="http, https or mailto")
    link_label: str | None = Field(default=None, max_length=100,
                                   json_schema_extra={"not": {"type": "string", "pattern": SCRIPT_LABEL}})
    video_url: str | None = Field(default=None, max_length=2048, json_schema_extra={"pattern": WEB_URL},
                                  description="http or https")

    @field_validator("color")
    @classmethod
    def _color(cls, value: str) -> str:
        if not HEX_COLOR.match(value):
            raise ValueError("must be a hex colour like #2a9d8f")
        return value.lower()

    @field_validator("link")
    @classmethod
    def _link(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https", "mailto"))

    @field_validator("link_label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        # A label is text, but one that spells a script URL is an attack that failed elsewhere.
        if value and SCRIPT_SCHEME.match(value):
            raise ValueError("must not be a javascript:, data: or vbscript: URL")
        return value

    @field_validator("video_url")
    @classmethod
    def _video(cls, value: str | None) -> str | None:
        return _url(value, ("http", "https"))

    def stored(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True)


def _one_source(schema: dict[str, Any]) -> None:
    # "Supply one of image_url or image_data" (seed 000): exactly one of them is a string.
    schema["oneOf"] = [
        {"required": [field], "properties": {field: {"type": "string"}, other: {"type": "null"}}}
        for field, other in (("image_url", "image_data"), ("image_data", "image_url"))
    ]


class ImageCreate(Strict):
    model_config = ConfigDict(json_schema_extra=_one_source)

    image_url: str | None = Field(default=None, max_length=4096,
                                  json_schema_extra={"pattern": FETCHABLE_URL},
                                  description="https URL fetched server-side (~25 MB, 30 s)")
    image_data: str | None = Field(default=None, json_schema_extra={
        "contentEncoding": "base64", "contentMediaType": "image/*"},
        description="base64 image (~25 MB decoded); data: URLs accepted")
    title: str = Field(default="API Image", max_length=200)
    description: str = Field(default="", max_length=5000)
    category: str = Field(default="", max_length=100)
    hotspots: list[Hotspot] = Field(default_factory=list, max_length=MAX_HOTSPOTS)

    @model_validator(mode="after")
    def _one_source(self) -> ImageCreate:
        if (self.image_url is None) == (self.image_data is None):
            raise ValueError("give exactly one of image_url or image_data")
        return self


def _some_change(schema: dict[str, Any]) -> None:
    schema["anyOf"] = [{"required": [field], "properties": {field: {"not": {"type": "null"}}}}
                       for field in ("title", "description", "hotspots")]


class ImageUpdate(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_some_change)

    title: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    hotspots: list[Hotspot] | None = Field(default=None, max_length=MAX_HOTSPOTS,
                                           description="replaces the whole set")

    @model_validator(mode="after")
    def _not_empty(self) -> ImageUpdate:
        if not any(getattr(self, f) is not None for f in ("title", "description", "hotspots")):
            raise ValueError("at least one of title, description or hotspots is required")
        return self


MAX_IDS = 100


class ListQuery(Strict):
    page: int = Field(default=1, ge=1, description="default 1 (ignored with cursor)")
    limit: int = Field(default=20, description="default 20, clamped to 1-100")
    cursor: str | None = Field(default=None, max_length=64,
                               json_schema_extra={"pattern": r"^[A-Za-z0-9_-]+={0,2}$"},
                               description="next_cursor of a page")
    # At least one id and at most 100, as `listing.lookup` checks them (empty items are skipped).
    ids: str | None = Field(default=None, max_length=4000, json_schema_extra={"allOf": [
        {"pattern": r"[^,\s]"}, {"pattern": rf"^[^,]*(,[^,]*){{0,{MAX_IDS - 1}}}$"}]},
        description="comma-separated ids or unique_ids (max 100)")


class ImageOut(BaseModel):
    id: int
    unique_id: str
    title: str
    description: str
    category: str
    image_url: str = Field(description="the 2000-wide WebP variant")
    share_url: str
    embed_url: str
    hotspots: list[dict[str, Any]]
    created_at: str = Field(description="YYYY-MM-DD HH:MM:SS, UTC")
    updated_at: str


class ImageList(BaseModel):
    images: list[ImageOut]
    page: int
    limit: int
    total: int | None = Field(description="numbered pages only; null with a cursor")
    has_more: bool
    next_cursor: str | None


class ImageLookup(BaseModel):
    images: list[ImageOut]
    missing: list[str]


class ImageListing(RootModel[ImageList | ImageLookup]):
    """`GET /api/images`: a page, or with `ids` the records found and the ids missing."""


class DeletedOut(BaseModel):
    id: int
    unique_id: str
    deleted: bool


class EmbedOut(BaseModel):
    unique_id: str
    share_url: str
    embed_url: str
    embed_key: str = Field(description="the owner's embed key, sent by the widget as `user`")
    js_snippet: str
    iframe_snippet: str
    embed_code: str = Field(description="same as js_snippet")


class EmbedKeyOut(BaseModel):
    embed_key: str


class EmbedDataQuery(Strict):
    user: str = Field(default="", max_length=100, description="the owner's embed key")
    variant: str | None = Field(default=None, max_length=20,
                                description="256..2000 or thumbnail/small/card/medium/large/xlarge")
    # A private image's signed link (README, "Who can fetch what"); checked by server/visibility.
    expires: str | None = Field(default=None, max_length=12, description="signed link: deadline")
    signature: str | None = Field(default=None, max_length=100, description="signed link")
