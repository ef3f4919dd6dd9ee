"""The template model: the jsonData of seed 003, validated by pydantic.

Field names are the JSON names users write (`fontSize`, `objectFit`, `image_url`), so a validation
error names the field exactly as it appears in a template or an override.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ._color import parse_color

# Hard sanity bounds; the configurable limits (canvas size, text length) are applied by `resolve`.
MAX_COORD = 100_000.0

Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD, allow_inf_nan=False)]
Length = Annotated[float, Field(gt=0, le=MAX_COORD, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=MAX_COORD, allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# An image source: a URL, a data: URL or a path as text; or, from Python, the image's bytes.
ImageSource = (Annotated[str, Field(max_length=2_000_000)]
               | Annotated[bytes, Field(min_length=1, max_length=1 << 30)])

LAYER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\- ]{0,63}$")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

FontWeightName = {"thin": 100, "extralight": 200, "light": 300, "normal": 400, "regular": 400,
                  "medium": 500, "semibold": 600, "bold": 700, "extrabold": 800, "black": 900}

ObjectFit = Literal["cover", "contain", "fill", "none", "scale-down"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_color(value: str) -> str:
    parse_color(value)
    return value


class GradientStop(Model):
    color: str
    offset: Unit

    _color = field_validator("color")(_check_color)


class LinearGradient(Model):
    """A CSS-style linear gradient: `angle` in degrees, 180 runs top to bottom as in CSS."""

    type: Literal["linear-gradient"]
    angle: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] = 180.0
    stops: list[GradientStop] = Field(min_length=2, max_length=16)

    @field_validator("stops")
    @classmethod
    def _ordered(cls, stops: list[GradientStop]) -> list[GradientStop]:
        offsets = [s.offset for s in stops]
        if offsets != sorted(offsets):
            raise ValueError("stop offsets must not decrease")
        return stops


Paint = str | LinearGradient


def _check_paint(value: Paint) -> Paint:
    if isinstance(value, str):
        parse_color(value)
    return value


class BackgroundImage(Model):
    type: Literal["image"]
    image_url: ImageSource
    objectFit: ObjectFit = "cover"
    objectPosition: str = "center"


class Canvas(Model):
    width: Annotated[int, Field(gt=0, le=100_000)]
    height: Annotated[int, Field(gt=0, le=100_000)]
    background: Annotated[str | LinearGradient | BackgroundImage, Field()] = "#ffffff"

    @field_validator("background")
    @classmethod
    def _background(cls, value: Any) -> Any:
        return _check_paint(value) if isinstance(value, str) else value


Radius = NonNegative | Annotated[list[NonNegative], Field(min_length=4, max_length=4)]


class LayerBase(Model):
    name: str
    x: Coord = 0.0
    y: Coord = 0.0
    width: Length
    height: Length
    rotation: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] = 0.0
    opacity: Unit = 1.0
    hidden: bool = False

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not LAYER_NAME.match(value):
            raise ValueError("use 1-64 letters, digits, '_', '-', '.' or spaces")
        return value


class TextLayer(LayerBase):
    type: Literal["text"]
    text: str = Field(default="", max_length=100_000)
    fontFamily: str = Field(default="Inter", min_length=1, max_length=200)
    fontSize: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = 32.0
    fontWeight: int = 400
    fontStyle: Literal["normal", "italic"] = "normal"
    color: str = "#000000"
    textAlign: Literal["left", "center", "right"] = "left"
    verticalAlign: Literal["top", "middle", "bottom"] = "top"
    lineHeight: Annotated[float, Field(ge=0.5, le=5, allow_inf_nan=False)] = 1.2
    letterSpacing: Annotated[float, Field(ge=-100, le=500, allow_inf_nan=False)] = 0.0
    textTransform: Literal["none", "uppercase", "lowercase", "capitalize"] = "none"
    textWrap: Literal["wrap", "balance", "nowrap"] = "wrap"
    # Line breaking as CSS: overflowWrap defaults to break-word (a word wider than the box is cut
    # rather than overflowing it), wordBreak and hyphens to CSS's own defaults.
    overflowWrap: Literal["normal", "break-word", "anywhere"] = "break-word"
    wordBreak: Literal["normal", "break-all", "keep-all"] = "normal"
    hyphens: Literal["none", "manual", "auto"] = "manual"
    maxLines: Annotated[int, Field(ge=1, le=1000)] | None = None
    autoFit: bool = False
    minFontSize: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = 8.0

    _color = field_validator("color")(_check_color)

    @field_validator("fontWeight", mode="before")
    @classmethod
    def _weight(cls, value: Any) -> int:
        if isinstance(value, str):
            key = value.strip().lower().replace("-", "").replace(" ", "")
            if key in FontWeightName:
                return FontWeightName[key]
            if key.isdigit():
                value = int(key)
            else:
                raise ValueError("use 100-900, 'normal' or 'bold'")
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError("use 100-900, 'normal' or 'bold'")
        if not (1 <= value <= 1000) or (isinstance(value, float) and not math.isfinite(value)):
            raise ValueError("must be between 1 and 1000")
        return int(value)


class ImageLayer(LayerBase):
    type: Literal["image"]
    image_url: ImageSource | None = None
    objectFit: ObjectFit = "cover"
    objectPosition: str = "center"
    borderRadius: Radius = 0.0

    @field_validator("objectPosition")
    @classmethod
    def _position(cls, value: str) -> str:
        from ._geometry import parse_position

        parse_position(value)
        return value


class RectLayer(LayerBase):
    type: Literal["rect"]
    fill: Paint = "#000000"
    borderWidth: NonNegative = 0.0
    borderColor: str = "#000000"
    borderRadius: Radius = 0.0

    _fill = field_validator("fill")(_check_paint)
    _border = field_validator("borderColor")(_check_color)


Layer = Annotated[TextLayer | ImageLayer | RectLayer, Field(discriminator="type")]
LAYER_TYPES: dict[str, type[LayerBase]] = {"text": TextLayer, "image": ImageLayer, "rect": RectLayer}


class Variable(Model):
    name: str
    default: str = Field(default="", max_length=100_000)
    description: str = Field(default="", max_length=1000)

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not VARIABLE_NAME.match(value):
            raise ValueError("use a letter or '_' then letters, digits or '_' (at most 64)")
        return value


class Template(Model):
    """A template's jsonData: `{canvas, layers, variables}`."""

    canvas: Canvas
    layers: list[Layer] = Field(default_factory=list, max_length=1000)
    variables: list[Variable] = Field(default_factory=list, max_length=100)

    @model_validator(mode="after")
    def _unique_names(self) -> Template:
        seen: set[str] = set()
        for layer in self.layers:
            if layer.name in seen:
                raise ValueError(f"layer name {layer.name!r} is used twice")
            seen.add(layer.name)
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError("variable names must be unique")
        return self

    def layer(self, name: str) -> TextLayer | ImageLayer | RectLayer | None:
        return next((layer for layer in self.layers if layer.name == name), None)
