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
    StrictBool,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from ...http.schemas import FETCHABLE_URL
from . import fields

EMAIL = re.compile(r"^[^@\s,;<>]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?"
                   r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}[A-Za-z0-9])?)+$")


# One definition of each seed-001 field rule, shared by upload, import, patch and batch. The rules
# live in `fields` (their messages name the rule); each type also says in /openapi.json what it
# accepts, since a validator function is invisible to pydantic's schema.
TAG_TEXT = rf"^[^,]{{0,{fields.MAX_TAG_LENGTH}}}(,[^,]{{0,{fields.MAX_TAG_LENGTH}}}){{0,{fields.MAX_TAGS - 1}}}$"
Tags = Annotated[tuple[str, ...], BeforeValidator(fields.parse_tags), WithJsonSchema({
    "anyOf": [{"type": "string", "pattern": TAG_TEXT},
              {"type": "array", "maxItems": fields.MAX_TAGS,
               "items": {"type": "string", "maxLength": fields.MAX_TAG_LENGTH}}],
    "description": "comma-separated (or a list), max 10, each max 50 chars"})]
Namespace = Annotated[str, AfterValidator(fields.check_namespace), WithJsonSchema({
    "type": "string", "pattern": fields.NAMESPACE.pattern,
    "description": "2-64 chars, lowercase letters, digits and hyphens"})]
Date = Annotated[str | None, BeforeValidator(
    lambda value: None if value is None or value == "" else fields.parse_date(value)),
    WithJsonSchema({"anyOf": [
        {"type": "string", "format": "date-time"}, {"type": "string", "format": "date"},
        {"type": "string", "pattern": r"^\d{1,11}(\.\d+)?$"},
        # the Unix timestamps of years 1 to 9999, which Python's datetime can hold
        {"type": "number", "minimum": -62_135_596_800, "maximum": 253_402_300_799},
        {"type": "null"}], "description": "ISO 8601 or Unix timestamp"})]
Metadata = WithJsonSchema({
    "type": "object", "maxProperties": fields.MAX_METADATA_KEYS,
    "propertyNames": {"pattern": fields.METADATA_KEY.pattern},
    "description": "key-value pairs (at most 50 keys, 16 KB as JSON)"})


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyCreate(Strict):
    # Python's `\s` also spans \x1c-\x1f and \x85, JSON Schema's (ECMA) does not: spelled out.
    email: str = Field(max_length=254,
                       json_schema_extra={"pattern": EMAIL.pattern.replace(r"\s", r"\s\x1c-\x1f\x85")},
                       description="a valid email address")
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
    ttl: int | None = Field(default=None, le=10 * 365 * 86400, json_schema_extra={"minimum": 3600},
                            description="seconds until expiry (min 3600), authenticated only")
    metadata: Annotated[dict[str, Any], Metadata] = Field(default_factory=dict)

    @field_validator("public", mode="before")
    @classmethod
    def _public(cls, value: Any) -> bool:
        return fields.parse_bool(value)


    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata(cls, value: Any) -> dict[str, Any]:
        return fields.parse_metadata(value)


def _requires_url(schema: dict[str, Any]) -> None:
    # Absent, the server answers seed 001's own `400 missing_url` rather than a validation error.
    schema["required"] = ["url"]
    schema["properties"]["url"] = {"type": "string", "maxLength": 4096,
                                   "pattern": FETCHABLE_URL,
                                   "description": "http(s) URL of the image (must return an image)"}


class ImportRequest(MediaFields):
    model_config = ConfigDict(json_schema_extra=_requires_url)

    url: str | None = Field(default=None, max_length=4096,
                            description="URL of the image (must return an image)")


def _form_schema(schema: dict[str, Any]) -> None:
    # A form part is text: a field can be left out but never be null.
    for prop in schema["properties"].values():
        options = [o for o in prop.pop("anyOf", []) if o.get("type") != "null"]
        if len(options) == 1:
            prop.update(options[0])
        elif options:
            prop["anyOf"] = options
        if "default" in prop and prop["default"] is None:
            del prop["default"]
    # Any other field is stored as metadata, under metadata's key rule.
    schema["additionalProperties"] = {"type": "string", "description": "stored as metadata"}
    schema["propertyNames"] = {"pattern": fields.METADATA_KEY.pattern}
    schema["maxProperties"] = fields.MAX_METADATA_KEYS


class UploadForm(MediaFields):
    """The multipart body of `POST /v1/upload`, for /openapi.json only: the form is read as a stream
    (`formdata.read_form`) and its text fields are validated as MediaFields."""

    model_config = ConfigDict(extra="allow", json_schema_extra=_form_schema)

    file: bytes = Field(json_schema_extra={"minLength": 1, "contentMediaType": "image/*"},
                        description="JPEG, PNG, WebP, GIF, SVG, HEIC, AVIF, TIFF or BMP")


class MediaPatch(Strict):
    # name, tags and public may be left out but not set to null (the server answers 422).
    name: Annotated[str, Field(min_length=1, max_length=255)] | SkipJsonSchema[None] = None
    tags: Tags | SkipJsonSchema[None] = None
    namespace: Namespace | None = None
    public: StrictBool | SkipJsonSchema[None] = None
    date: Date = None
    external_id: str | None = Field(default=None, max_length=255)
    metadata: Annotated[dict[str, Any], Metadata] | None = Field(
        default=None, description="keys set to null are removed")

    @field_validator("metadata", mode="before")
    @classmethod
    def _metadata(cls, value: Any) -> dict[str, Any] | None:
        return None if value is None else fields.parse_metadata(value, allow_null=True)


class BatchChanges(Strict):
    tags: Tags | None = None
    tag_mode: Literal["replace", "add", "remove"] = "replace"
    namespace: Namespace | None = None
    public: StrictBool | None = None


class BatchUpdate(Strict):
    ids: list[str] = Field(min_length=1, max_length=100)
    update: BatchChanges


def _ids_or_namespace(schema: dict[str, Any]) -> None:
    schema["oneOf"] = [
        {"required": ["ids"], "properties": {"ids": {"type": "array"}, "namespace": {"type": "null"}}},
        {"required": ["namespace"], "properties": {"namespace": {"type": "string"},
                                                   "ids": {"type": "null"}}},
    ]


class BatchDelete(Strict):
    model_config = ConfigDict(json_schema_extra=_ids_or_namespace)

    ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    namespace: str | None = None

    @model_validator(mode="after")
    def _one(self) -> BatchDelete:
        if (self.ids is None) == (self.namespace is None):
            raise ValueError("give either ids or namespace")
        return self


class ListQuery(Strict):
    namespace: Namespace | None = None
    tags: str | None = Field(default=None, json_schema_extra={"pattern": TAG_TEXT},
                             description="comma-separated tags to filter by")
    tag_mode: Literal["all", "any"] = "all"
    cursor: str | None = Field(default=None, max_length=200,
                               json_schema_extra={"pattern": r"^[A-Za-z0-9_-]+$"},
                               description="`cursor` of the previous page")
    limit: int = Field(default=50, ge=1, le=100)

    @model_validator(mode="before")
    @classmethod
    def _without_key(cls, data: Any) -> Any:
        # `?api_key=` is a credential (a security scheme of every operation), not a filter.
        return {k: v for k, v in data.items() if k != "api_key"} if isinstance(data, dict) else data


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


class Action(BaseModel):
    """What a client should do about an error (seed 001)."""

    type: Literal["upgrade", "verify", "wait", "redirect"]
    url: str | None = None
    label: str | None = None
    seconds: int | None = None


class ProblemOut(BaseModel):
    """Seed 001's error object, answered by `/v1/*`, its image URLs (`/src/…`) and viewer pages (`/i/…`)."""

    error: str = Field(description="machine-readable code: validation_error, not_found, …")
    message: str
    action: Action | None = None
    errors: dict[str, str] | None = Field(default=None, description="field -> problem (422)")
    media: MediaOut | None = Field(default=None, description="the existing item (409 duplicate)")
