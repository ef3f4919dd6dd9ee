"""Request and response models of seed 000's AI endpoints. A request they refuse is an "AI
validation failure" (422, seed 000): missing context, an unknown model, quality or aspect ratio."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator
from pydantic.json_schema import JsonDict

from ...backends.ai import ASPECT_RATIOS
from .schemas import Hotspot, Strict

Model = Literal["mini", "standard", "plus", "ultra"]
Quality = Literal["low", "medium", "high", "auto"]
# "auto" lets the concept's expansion (or 1:1) decide; the rest are exact ratios.
AspectRatio = Literal["auto", "1:1", "16:9", "9:16", "4:3", "3:4", "3:2", "2:3", "21:9", "5:4", "4:5"]
assert set(AspectRatio.__args__) - {"auto"} == set(ASPECT_RATIOS)  # type: ignore[attr-defined]

PAGE = 200_000  # characters of article text one request may send
TEXT = 5_000
# A visible character: what "not blank" means, spelled out so /openapi.json's regex dialect and
# Python's agree on every whitespace character.
VISIBLE = r"[^ \t\n\r\f\v\x1c-\x1f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff]"
NOT_BLANK: JsonDict = {"pattern": VISIBLE}


def blank(text: str | None) -> bool:
    return text is None or re.search(VISIBLE, text) is None


ConceptText = Annotated[str, StringConstraints(pattern=VISIBLE, max_length=TEXT)]


def _one_of_present(*names: str) -> dict[str, Any]:
    """`/openapi.json` for "at least one of these, not blank" (a model validator checks it)."""
    present: JsonDict = {**NOT_BLANK, "not": {"type": "null"}}
    return {"anyOf": [{"required": [n], "properties": {n: present}} for n in names]}


def _clamp(value: Any, low: int, high: int) -> Any:
    # The seed clamps these counts rather than refusing them.
    return min(high, max(low, value)) if isinstance(value, int) and not isinstance(value, bool) else value


class ConceptIn(BaseModel):
    """A concept as suggest-concepts returns it (extra fields are ignored)."""

    id: str = Field(default="", max_length=100)
    title: str = Field(min_length=1, max_length=300, json_schema_extra=NOT_BLANK)
    summary: str = Field(default="", max_length=TEXT)


class HotspotsIn(Strict):
    prompt: str | None = Field(default=None, max_length=TEXT,
                               description="defaults to the image's title and description")
    max_hotspots: int = Field(default=8, description="clamped to 1-20")
    current_hotspots: list[Hotspot] = Field(default_factory=list, max_length=100)

    @field_validator("max_hotspots", mode="before")
    @classmethod
    def _clamped(cls, value: Any) -> Any:
        return _clamp(value, 1, 20)


class ArticleText(Strict):
    """An article to place images in (locate-image-spots, articles/process)."""

    page_content: str = Field(min_length=1, max_length=PAGE, json_schema_extra=NOT_BLANK)
    headings: list[str] = Field(default_factory=list, max_length=200)
    count: int = Field(default=3, description="clamped to 1-10")

    @field_validator("count", mode="before")
    @classmethod
    def _clamped(cls, value: Any) -> Any:
        return _clamp(value, 1, 10)

    @field_validator("page_content")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if blank(value):
            raise ValueError("page_content is required: the article's text")
        return value


class LocateIn(ArticleText):
    pass


class ConceptsIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_of_present(
        "page_content", "section_context", "purpose"))

    page_content: str = Field(default="", max_length=PAGE)
    section_context: str = Field(default="", max_length=TEXT)
    purpose: str = Field(default="", max_length=TEXT)

    @model_validator(mode="after")
    def _some_context(self) -> ConceptsIn:
        if blank(self.page_content) and blank(self.section_context) and blank(self.purpose):
            raise ValueError("provide at least one of page_content, section_context or purpose")
        return self


class ExpandIn(Strict):
    concept: ConceptIn | ConceptText = Field(description="a concept from suggest-concepts, or text")
    page_content: str = Field(default="", max_length=PAGE)
    section_context: str = Field(default="", max_length=TEXT)
    aspect_ratio: AspectRatio = "auto"



class DetailedPromptIn(Strict):
    purpose: str = Field(min_length=1, max_length=TEXT, json_schema_extra=NOT_BLANK)


class ImageIn(Strict):
    prompt: str = Field(min_length=1, max_length=4000, json_schema_extra=NOT_BLANK)
    model: Model = "ultra"
    aspect_ratio: AspectRatio = "1:1"
    quality: Quality = "low"


class ProcessIn(Strict):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_one_of_present("prompt", "concept"))

    prompt: str | None = Field(default=None, max_length=4000)
    concept: ConceptIn | ConceptText | None = None
    page_content: str = Field(default="", max_length=PAGE)
    section_context: str = Field(default="", max_length=TEXT)
    quality: Quality = "low"
    model: Model = "ultra"
    aspect_ratio: AspectRatio = "1:1"
    detect_hotspots: bool = True
    hotspot_prompt: str | None = Field(default=None, max_length=TEXT)
    title: str = Field(default="", max_length=200)

    @model_validator(mode="after")
    def _prompt_or_concept(self) -> ProcessIn:
        concept = isinstance(self.concept, ConceptIn) or not blank(self.concept)
        if blank(self.prompt) and not concept:
            raise ValueError("provide either prompt or concept")
        return self


class ArticleIn(ArticleText):
    quality: Quality = "low"
    model: Model = "ultra"


# -- answers -------------------------------------------------------------------------------------

class HotspotOut(BaseModel):
    x: float
    y: float
    title: str
    description: str = ""
    color: str
    link: str | None = None


class HotspotsOut(BaseModel):
    hotspots: list[HotspotOut]
    credits_used: int


class SpotOut(BaseModel):
    after: str = Field(description="the heading, or the start of the paragraph, the image follows")
    kind: str = Field(description="heading | paragraph")
    index: int = Field(description="0-based position of that heading or paragraph")
    concept: str = Field(description="what the image should show")


class SpotsOut(BaseModel):
    spots: list[SpotOut]
    credits_used: int


class ConceptOut(BaseModel):
    id: str
    title: str
    summary: str


class ConceptsOut(BaseModel):
    concepts: list[ConceptOut]
    credits_used: int


class PromptOut(BaseModel):
    prompt: str
    aspect_ratio: str | None = None
    credits_used: int


class ImageOutAI(BaseModel):
    image_url: str = Field(description="served by this server; pass it to POST /api/images")
    width: int
    height: int
    model: str
    quality: str
    aspect_ratio: str
    placeholder: bool = Field(description="true: drawn by the offline backend, not by a model")
    credits_used: int


class ProcessOut(BaseModel):
    job_id: int
    status: str
    unique_id: str
    embed_url: str
    share_url: str
    embed_code: str


class ArticleJobOut(BaseModel):
    job_id: int
    status: str


class JobResultOut(BaseModel):
    unique_id: str
    image_url: str | None
    hotspots: list[dict[str, Any]]
    after: str | None = None
    concept: str | None = None


class JobOut(BaseModel):
    job_id: int
    kind: str
    status: str
    created_at: str
    updated_at: str
    results: list[JobResultOut] | None = None
    error: str | None = None
