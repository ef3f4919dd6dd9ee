"""The query of a CDN URL (`/src/{team}/{uid}.{ext}?…`): seed 001's `size` presets and an
imgix-compatible subset, validated by one pydantic model; and who may use which unsigned.

    size          s | m | l: the short edge 320/640/1080, never upscaled (seed 001)
    w, h          output width / height in px (either alone keeps the aspect ratio)
    fit           clip (default) | crop | fill | max | min | scale
    crop          top, bottom, left, right, center (combined with commas) | entropy | edges |
                  attention | focalpoint
    fp-x, fp-y    focal point, fractions 0-1 of the image (with crop=focalpoint or no crop;
                  beside another crop it has no effect, as in imgix)
    q             quality 1-100
    fm            output format: jpg, jpeg, png, webp, avif (instead of the extension's)
    auto          format: AVIF or WebP when `Accept` allows, else `fm` / the extension
    dpr           1-3: multiplies w and h, within the largest side (MAX_SIDE): a product over it
                  is clamped there, aspect kept, as imgix does
    bg            background (imgix hex: RGB, ARGB, RRGGBB or AARRGGBB; or a CSS colour)
    s             HMAC signature of the path and the canonical query (pinrender.urls)

Everything but `size`, `fm` and `auto` is free-form: it needs `s`, unless the image's account is
on a plan that allows it unsigned within limits (`Settings.cdn_unsigned`).
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from starlette.requests import Request

from pinrender.urls import check_transform

from ...backends import ImageRecord
from ...context import AppContext
from .problems import problem

ALLOWED = ("size", "w", "h", "fit", "crop", "fp-x", "fp-y", "q", "fm", "auto", "dpr", "bg", "s",
           "signature", "expires")
FREE_FORM = ("w", "h", "fit", "crop", "fp-x", "fp-y", "q", "dpr", "bg")
# The largest side a URL may ask for, after dpr: the bound that keeps one request's pixels
# (and memory) in check whoever signed it.
MAX_SIDE = 4096
_HEX = re.compile(r"^[0-9a-fA-F]{3,4}$|^[0-9a-fA-F]{6}$|^[0-9a-fA-F]{8}$")
_ALIGN = "(top|bottom|left|right|center)"
CROP_PATTERN = rf"^{_ALIGN}(,{_ALIGN})*$|^(entropy|edges|attention|focalpoint)$"
BG_PATTERN = r"^([0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$"


class CdnQuery(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=False)

    size: Literal["s", "m", "l"] | None = Field(
        default=None, description="short edge: s=320, m=640, l=1080 (never upscaled)")
    w: int | None = Field(default=None, ge=1, le=MAX_SIDE, description="width in px",
                          examples=[300])
    h: int | None = Field(default=None, ge=1, le=MAX_SIDE, description="height in px",
                          examples=[200])
    fit: Literal["clip", "crop", "fill", "max", "min", "scale"] | None = Field(
        default=None, description="how w x h is met: clip/max inside, crop/min cut, fill padded, "
        "scale distorted; only scale and fill upscale")
    crop: str | None = Field(default=None, max_length=64, pattern=CROP_PATTERN, description=(
        "crop gravity: top, bottom, left, right, center (comma-combined), entropy, edges, "
        "attention, focalpoint"), examples=["top,left"])
    fp_x: float | None = Field(default=None, alias="fp-x", ge=0, le=1,
                               description="focal point x, 0-1")
    fp_y: float | None = Field(default=None, alias="fp-y", ge=0, le=1,
                               description="focal point y, 0-1")
    q: int | None = Field(default=None, ge=1, le=100, description="quality 1-100")
    fm: Literal["jpg", "jpeg", "png", "webp", "avif"] | None = Field(
        default=None, description="output format (overrides the extension)")
    auto: Literal["format"] | None = Field(
        default=None, description="format: AVIF/WebP when Accept allows (Vary: Accept)")
    dpr: float | None = Field(default=None, ge=1, le=3, description="device pixel ratio 1-3")
    bg: str | None = Field(default=None, max_length=64, json_schema_extra={"pattern": BG_PATTERN},
                           description="background: imgix hex (RGB, ARGB, RRGGBB, AARRGGBB); "
                           "a CSS colour is accepted too")
    s: str | None = Field(default=None, max_length=128,
                          description="HMAC-SHA256 of path and canonical query (pinrender.urls)")
    signature: str | None = Field(default=None, max_length=200,
                                  description="signed link of a private image")
    expires: str | None = Field(default=None, max_length=20,
                                description="signed link of a private image: its deadline")

    @field_validator("bg")
    @classmethod
    def _imgix_hex(cls, value: str | None) -> str | None:
        """imgix writes colours as bare hex with alpha first (ARGB); the core reads CSS, whose
        hex puts alpha last."""
        if value is None or not _HEX.match(value):
            return value
        if len(value) in (3, 4):
            value = "".join(c * 2 for c in value)
        if len(value) == 8:
            value = value[2:] + value[:2]
        return "#" + value.lower()

    @property
    def free_form(self) -> list[str]:
        return [name for name in FREE_FORM
                if getattr(self, name.replace("-", "_")) is not None]

    def frame(self) -> dict[str, Any]:
        """The core's transform options (`pinrender.transform`) for the free-form part."""
        focal = None
        if (self.fp_x is not None or self.fp_y is not None) and self.crop in (None, "focalpoint"):
            focal = (0.5 if self.fp_x is None else self.fp_x, 0.5 if self.fp_y is None else self.fp_y)
        options = {"w": self.w, "h": self.h, "fit": self.fit, "crop": self.crop, "focal": focal,
                   "bg": self.bg, "dpr": self.effective_dpr}
        return {k: v for k, v in options.items() if v is not None}

    @property
    def effective_dpr(self) -> float | None:
        """`dpr`, lowered so no side passes MAX_SIDE (never below 1)."""
        if self.dpr is None:
            return None
        longest = max(self.w or 0, self.h or 0)
        return max(1.0, min(self.dpr, MAX_SIDE / longest)) if longest else self.dpr

    def sides(self) -> dict[str, int]:
        """The output sides asked for, after dpr."""
        scale = self.effective_dpr or 1.0
        return {name: round(v * scale) for name, v in (("w", self.w), ("h", self.h)) if v is not None}


def _allowed() -> str:
    return ", ".join(ALLOWED)


def parse(request: Request) -> CdnQuery:
    """The query, or a 400 `invalid_parameter` naming the bad one and the allowed ones."""
    items = request.query_params.multi_items()
    names = [k for k, _ in items]
    for name in names:
        if name not in ALLOWED:
            raise problem(400, "invalid_parameter",
                          f"Unknown parameter {name[:40]!r}: use {_allowed()}")
        if names.count(name) > 1:
            raise problem(400, "invalid_parameter", f"Parameter {name!r} is given twice")
    size = request.query_params.get("size")
    if size is not None and size not in ("s", "m", "l"):  # seed 001's own wording
        raise problem(400, "invalid_size", f"Unknown size {size[:20]!r}: use one of s, m, l")
    try:
        return CdnQuery.model_validate(dict(items))
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        name = ".".join(str(p) for p in err.get("loc", ())) or "query"
        message = str(err.get("msg", "invalid value")).removeprefix("Value error, ")
        raise problem(400, "invalid_parameter",
                      f"Parameter {name!r}: {message} (parameters: {_allowed()})") from None


def signing_keys(ctx: AppContext) -> list[str]:
    return list(ctx.settings.cdn_signing_keys) or [ctx.secret]


def admit_free_form(request: Request, ctx: AppContext, image: ImageRecord, query: CdnQuery) -> None:
    """Free-form parameters need a valid `s`, or an account whose plan allows them unsigned
    within its limits; a wrong `s` is refused even where none was needed."""
    settings = ctx.settings
    sides = query.sides()
    if query.s is not None:
        if not check_transform(request.scope["path"], request.query_params.multi_items(),
                               signing_keys(ctx)):
            raise problem(403, "invalid_signature",
                          "Parameter 's' does not sign this path and query")
        return
    if not query.free_form:
        return
    limits = None
    if image.account_id is not None:
        account = ctx.meta.accounts.get(image.account_id)
        limits = settings.cdn_unsigned.get(account.plan) if account is not None else None
    needed = f"{', '.join(query.free_form)} need a signed URL (parameter 's', see pinrender.urls.transform_url)"
    if limits is None:
        raise problem(403, "signature_required", f"Parameters {needed}")
    if any(side > limits.max_side for side in sides.values()):
        raise problem(403, "signature_required",
                      f"Unsigned, every side is at most {limits.max_side} px: parameters {needed}")
    if limits.widths and "w" in sides and sides["w"] not in limits.widths:
        raise problem(403, "signature_required",
                      f"Unsigned, w (after dpr) is one of {', '.join(map(str, limits.widths))}: "
                      f"parameters {needed}")
