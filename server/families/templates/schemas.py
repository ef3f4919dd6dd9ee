"""The request and response models of the template API (seed 003).

These classes both validate requests and generate `/openapi.json`, so the document cannot drift from
what the server accepts. Field names are the JSON names of the seed (camelCase).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue, SkipJsonSchema
from pydantic_core import CoreSchema

import pinrender

from ...backends import TemplateRecord

Format = Literal["png", "jpeg", "jpg", "webp", "avif"]
# Variables are text or numbers (the core refuses booleans: `{{flag}}` has no one spelling).
Scalar = StrictStr | StrictInt | StrictFloat


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class _AsTemplate:
    """jsonData is validated by the core (`pinrender.parse_template`), which names a bad field as
    `jsonData.layers.title.fontSize`; the document shows the core's own model. Rules its schema
    cannot carry (colours, unique names, configured canvas limits) answer 422."""

    @classmethod
    def __get_pydantic_json_schema__(cls, schema: CoreSchema, handler: GetJsonSchemaHandler
                                     ) -> JsonSchemaValue:
        return handler(pinrender.Template.__pydantic_core_schema__)


TemplateJson = Annotated[dict[str, Any], _AsTemplate]


# The body "Try it out" sends in /docs: a small card with one variable and a light default.
EXAMPLE_TEMPLATE: dict[str, Any] = {
    "name": "Release card", "description": "An og:image for release notes", "public": True,
    "jsonData": {
        "canvas": {"width": 1200, "height": 630,
                   "background": {"type": "linear-gradient", "angle": 135,
                                  "stops": [{"color": "#1d3557", "offset": 0},
                                            {"color": "#457b9d", "offset": 1}]}},
        "layers": [
            {"name": "title", "type": "text", "x": 80, "y": 200, "width": 1040, "height": 220,
             "text": "{{title}}", "fontSize": 72, "fontWeight": "bold", "color": "#ffffff",
             "autoFit": True, "maxLines": 2},
            {"name": "badge", "type": "rect", "x": 80, "y": 120, "width": 160, "height": 8,
             "fill": "#e63946", "borderRadius": 4},
        ],
        "variables": [{"name": "title", "default": "Version 2.0 is out"}],
        "format": "auto",
    },
}


class TemplateCreate(Strict):
    name: str = Field(min_length=1, max_length=200)
    description: str = Field(default="", max_length=5000)
    jsonData: TemplateJson = Field(description="{canvas, layers, variables}, validated by the core")
    public: StrictBool = Field(default=False, description="renderable without a key via /api/render")
    previewUrl: str | None = Field(default=None, max_length=2048)
    requireSignature: StrictBool = Field(
        default=False, description="/api/render must carry a valid `signature` (HMAC)"
    )


class TemplateUpdate(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"minProperties": 1})

    # Fields left out stay as they are; only previewUrl may be set to null (templates.py).
    name: Annotated[str, Field(min_length=1, max_length=200)] | SkipJsonSchema[None] = None
    description: Annotated[str, Field(max_length=5000)] | SkipJsonSchema[None] = None
    jsonData: TemplateJson | SkipJsonSchema[None] = None
    public: StrictBool | SkipJsonSchema[None] = None
    previewUrl: str | None = Field(default=None, max_length=2048)
    requireSignature: StrictBool | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _not_empty(self) -> TemplateUpdate:
        if not self.model_fields_set:
            raise ValueError("at least one field is required")
        return self


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class TemplateOut(BaseModel):
    id: UUID
    name: str
    description: str
    jsonData: dict[str, Any]
    public: bool
    previewUrl: str | None
    requireSignature: bool
    version: int = Field(description="bumped on every update; part of every render key")
    createdAt: str
    updatedAt: str

    @classmethod
    def of(cls, record: TemplateRecord) -> TemplateOut:
        return cls(
            id=UUID(record.id), name=record.name, description=record.description,
            jsonData=record.json_data, public=record.public, previewUrl=record.preview_url,
            requireSignature=record.require_signature, version=record.version,
            createdAt=_iso(record.created_at), updatedAt=_iso(record.updated_at),
        )


class TemplateList(BaseModel):
    items: list[TemplateOut]
    page: int
    limit: int
    total: int
    hasMore: bool


class PageQuery(Strict):
    page: int = Field(default=1, ge=1, le=100_000)
    limit: int = Field(default=20, ge=1, le=100)


class GenerateRequest(Strict):
    templateId: UUID
    layers: dict[str, dict[str, Any]] | None = Field(
        default=None, description="layer name -> properties to override"
    )
    variables: dict[str, Scalar] | None = None
    format: Format = "png"
    quality: int | None = Field(default=None, ge=1, le=100)


class GenerateResult(BaseModel):
    imageUrl: str
    cached: bool
    key: str
    format: str


class GenerateResponse(BaseModel):
    """Seed 003's flat shape, plus the seed-000 `data` envelope carrying the same fields."""

    success: Literal[True] = True
    imageUrl: str
    cached: bool
    data: GenerateResult


def _json_text(schema: dict[str, Any]) -> dict[str, Any]:
    return {"contentMediaType": "application/json", "contentSchema": schema}


class RenderQuery(Strict):
    templateId: UUID = Field(examples=["ea8fde12-00a5-58d5-b894-8065774ecf7e"],
                             description="a public template (the example is blog-og, loaded at start)")
    layers: str | None = Field(default=None, description="URL-encoded JSON: layer name -> properties",
                               examples=['{"subtitle": {"color": "#ffd166"}}'],
                               json_schema_extra=_json_text(
                                   {"type": "object", "additionalProperties": {"type": "object"}}))
    variables: str | None = Field(default=None, description="URL-encoded JSON object",
                                  examples=['{"title": "Hello from the API docs"}'],
                                  json_schema_extra=_json_text({"type": "object", "additionalProperties": {
                                      "anyOf": [{"type": "string"}, {"type": "number"}]}}))
    format: Format | Literal["auto"] | None = Field(
        default=None, description="default: the template's `format`, else the server's "
        "(`auto`: the lightest JPEG or palette PNG that looks lossless, WebP when Accept takes it)")
    quality: int | None = Field(default=None, ge=1, le=100)
    signature: str | None = Field(default=None, max_length=200,
                                  description="HMAC, for templates that require it")


class UsageOut(BaseModel):
    used: int
    limit: int
    remaining: int
    resetsAt: int


class AccountOut(BaseModel):
    id: int
    email: str
    name: str
    plan: str
    teamHash: str
    embedKey: str
    renderSecret: str | None = Field(description="signs /api/render URLs; shown to owners only")
    role: str
    renders: UsageOut
    credits: int = Field(description="the plan's monthly AI credits (see aiCredits for this month)")
    hourlyRequests: int
    aiCredits: UsageOut = Field(description="AI credits this month; resets at the start of each "
                                            "calendar month (UTC)")
