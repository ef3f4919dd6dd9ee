"""Request and response models of the `/v1` hosting API (seed 001). They validate requests and feed
`/openapi.json` through the `operation` decorator, so the document is what is enforced."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from . import fields

EMAIL = re.compile(r"^[^@\s,;<>]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


# One definition of each seed-001 field rule, shared by upload, import, patch and batch.
Tags = Annotated[tuple[str, ...], BeforeValidator(fields.parse_tags)]
Namespace = Annotated[str, AfterValidator(fields.check_namespace)]
Date = Annotated[str | None, BeforeValidator(
    lambda value: None if value is None or value == "" else fields.parse_date(value))]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyCreate(Strict):
    email: str = Field(max_length=254, description="a valid email address")
    name: str = Field(default="Default", min_length=1, max_length=100, description="key name")

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        value = value.strip().lower()
        if not EMAIL.match(value):
            raise ValueError("must be a valid email address")
        return value


class KeyLimits(BaseModel):
    uploads: int
    storage_mb: int
    retention_days: int | None


class KeyOut(BaseModel):
    key: str
    key_id: str
    status: Literal["active"] = "active"
    verified: bool
    limits: KeyLimits
    message: str


class MediaFields(Strict):
    """The optional fields of upload and import (upload sends them as form strings)."""

    name: str | None = Field(default=None, max_length=255)
    tags: Tags = Field(default=(), description="comma-separated, max 10, each max 50 chars")
    namespace: Namespace | None = Field(default=None,
                                        description="2-64 chars, lowercase and hyphens")
    public: bool = True
    external_id: str | None = Field(default=None, min_length=1, max_length=255)
    date: Date = Field(default=None, description="ISO 8601 or Unix timestamp")
    ttl: int | None = Field(default=None, description="seconds until expiry (min 3600), authenticated only")
    metadata: dict[str, Any] = Field(default_factory=dict)


    @field_validator("public", mode="before")
    @classmethod
    def _public(cls, value: Any) -> bool:
        return fields.parse_bool(value)


    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata(cls, value: Any) -> dict[str, Any]:
        return fields.parse_metadata(value)


class ImportRequest(MediaFields):
    url: str | None = Field(default=None, max_length=4096,
                            description="URL of the image (must return an image)")


class MediaPatch(Strict):
    name: str | None = Field(default=None, min_length=1, max_length=255)
    tags: Tags | None = None
    namespace: Namespace | None = None
    public: bool | None = None
    date: Date = None
    external_id: str | None = Field(default=None, max_length=255)
    metadata: dict[str, Any] | None = Field(default=None, description="keys set to null are removed")



    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else fields.parse_metadata(value, allow_null=True)


class BatchChanges(Strict):
    tags: Tags | None = None
    tag_mode: Literal["replace", "add", "remove"] = "replace"
    namespace: Namespace | None = None
    public: bool | None = None



class BatchUpdate(Strict):
    ids: list[str] = Field(min_length=1, max_length=100)
    update: BatchChanges


class BatchDelete(Strict):
    ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    namespace: str | None = None

    @model_validator(mode="after")
    def _one(self) -> BatchDelete:
        if (self.ids is None) == (self.namespace is None):
            raise ValueError("give either ids or namespace")
        return self


class ListQuery(Strict):
    namespace: str | None = None
    tags: str | None = Field(default=None, description="comma-separated tags to filter by")
    tag_mode: Literal["all", "any"] = "all"
    cursor: str | None = Field(default=None, max_length=200)
    limit: int = Field(default=50, ge=1, le=100)


class MediaOut(BaseModel):
    """One media item; custom metadata keys also appear at the top level (seed 001)."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    url: str
    src: str
    width: int
    height: int
    filesize: int
    extension: str
    editable: bool
    tags: list[str]
    namespace: str | None
    public: bool
    created_at: int
    date: str | None = None
    external_id: str | None = None
    expires_at: int | None = None


class MediaList(BaseModel):
    items: list[MediaOut]
    cursor: str | None
    has_more: bool


class Updated(BaseModel):
    updated: int


class Deleted(BaseModel):
    deleted: int | bool


class UsageOut(BaseModel):
    plan: str
    uploads_used: int
    uploads_limit: int
    uploads_remaining: int
    storage_used_bytes: int
    storage_limit_bytes: int
    resets_at: int
    verified: bool


class NamespaceOut(BaseModel):
    namespace: str
    count: int
    storage_bytes: int


class NamespaceList(BaseModel):
    namespaces: list[NamespaceOut]
