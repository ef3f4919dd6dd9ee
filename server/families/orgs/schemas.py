"""The org-token family's request and response models (seed 002); they validate and document."""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictBool

Format = Literal["png", "jpeg", "jpg", "webp", "avif"]
Scalar = str | int | float


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OrgOut(BaseModel):
    id: int
    name: str


class OrgList(RootModel[list[OrgOut]]):
    pass


class EventCreate(Strict):
    name: str = Field(min_length=1, max_length=200)


class EventOut(BaseModel):
    id: int
    name: str
    org_id: int
    created_at: int


class TokenCreate(Strict):
    name: str = Field(min_length=1, max_length=100)


class TokenPatch(Strict):
    active: StrictBool


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str = Field(description="the token's first characters, to tell tokens apart")
    active: bool
    created_at: int
    last_used_at: int | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="the full token: shown in this response only, never again")


class EventList(RootModel[list[EventOut]]):
    pass


class TokenList(RootModel[list[TokenOut]]):
    pass


class Deleted(BaseModel):
    deleted: Literal[True] = True
    id: str


class Ping(BaseModel):
    ok: Literal[True] = True
    org_id: int
    event_id: int


class PhotoOut(BaseModel):
    id: str
    event_id: int
    src: str = Field(description="the image URL (`/src/…`); `?size=s|m|l` and the extension pick size and format")
    sizes: dict[str, str] = Field(description="`src` at each size: s, m, l")
    width: int
    height: int
    size: int
    name: str
    created_at: int


class PhotoPage(BaseModel):
    data: list[PhotoOut]
    next_cursor: str | None = Field(default=None, description="pass as `cursor` for the next page")


class PhotoQuery(Strict):
    cursor: str | None = Field(default=None, pattern=r"^[0-9]{1,18}$")
    limit: int = Field(default=50, ge=1, le=100)


class UploadForm(BaseModel):
    file: bytes = Field(description="the image (JPEG, PNG, WebP, AVIF, GIF, HEIC, SVG, …)")


class ExtRenderRequest(Strict):
    templateId: UUID
    layers: dict[str, dict[str, Any]] | None = Field(
        default=None, description="layer name -> properties to override; an `image_url` may name "
                                  "one of the organisation's stored photos (`media:{id}` or its src)")
    variables: dict[str, Scalar] | None = None
    format: Format = "png"


class ExtRenderOut(BaseModel):
    imageUrl: str
    cached: bool
    key: str
    format: str
