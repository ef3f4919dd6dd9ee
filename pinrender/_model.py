"""The template model: the jsonData of seed 003, validated by pydantic.

Field names are the JSON names users write (`fontSize`, `objectFit`, `image_url`), so a validation
error names the field exactly as it appears in a template or an override.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    InstanceOf,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from ._color import canonical_color, parse_color
from ._sources.ref import SourceRef

# Hard sanity bounds; the configurable limits (canvas size, text length) are applied by `resolve`.
MAX_COORD = 100_000.0

Coord = Annotated[float, Field(ge=-MAX_COORD, le=MAX_COORD, allow_inf_nan=False)]
Length = Annotated[float, Field(gt=0, le=MAX_COORD, allow_inf_nan=False)]
NonNegative = Annotated[float, Field(ge=0, le=MAX_COORD, allow_inf_nan=False)]
Unit = Annotated[float, Field(ge=0, le=1, allow_inf_nan=False)]
# An image source: a URL, a data: URL or a path as text; or, from Python, the image's bytes or a
# SourceRef (`stored(...)`: an object a server keeps; JSON can carry neither, so the JSON Schema
# shows the text form only, and a template parsed from JSON can never name a stored object).
ImageSource = (Annotated[str, Field(max_length=2_000_000)]
               | SkipJsonSchema[Annotated[bytes, Field(min_length=1, max_length=1 << 30)]]
               | SkipJsonSchema[InstanceOf[SourceRef]])

LAYER_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\- ]{0,63}$")
VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

FontWeightName = {"thin": 100, "extralight": 200, "light": 300, "normal": 400, "regular": 400,
                  "medium": 500, "semibold": 600, "bold": 700, "extrabold": 800, "black": 900}

ObjectFit = Literal["cover", "contain", "fill", "none", "scale-down"]


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


ModelT = TypeVar("ModelT", bound=Model)
ShadowT = TypeVar("ShadowT", "TextShadow", "BoxShadow")


def _check_color(value: str) -> str:
    parse_color(value)
    return value


def _nested(model: type[ModelT], value: Any, where: str) -> ModelT:
    """Validate a nested object, its first problem said in the user's words (`where: field: ...`)
    rather than as a pydantic union report."""
    if isinstance(value, model):
        return value
    try:
        return model.model_validate(value)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        loc = ".".join(str(part) for part in first["loc"])
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = "unknown property"
        elif first["type"] == "missing":
            message = "required"
        said = f"{loc}: {message}" if loc else message
        raise ValueError(f"{where}: {said}" if where else said) from None


def _canonical_color(value: str | None) -> str | None:
    return None if value is None else canonical_color(value)


class GradientStop(Model):
    color: str
    offset: Unit

    _color = field_validator("color")(canonical_color)


def _ordered(stops: list[GradientStop]) -> list[GradientStop]:
    offsets = [s.offset for s in stops]
    if offsets != sorted(offsets):
        raise ValueError("stop offsets must not decrease")
    return stops


Stops = Annotated[list[GradientStop], Field(min_length=2, max_length=16), AfterValidator(_ordered)]
Corner = Literal["top left", "top right", "bottom left", "bottom right"]


class LinearGradient(Model):
    """A CSS linear gradient: `angle` in degrees, 180 runs top to bottom as in CSS; or `corner`
    (`to top right`), whose angle depends on the box's shape and is found when painting."""

    type: Literal["linear-gradient"]
    angle: Annotated[float, Field(ge=-360, le=360, allow_inf_nan=False)] = 180.0
    corner: Corner | None = None
    stops: Stops

    @field_validator("angle")
    @classmethod
    def _turn(cls, value: float) -> float:
        return round(value % 360, 6)  # -90 and 270 are one gradient, with one key


class RadialGradient(Model):
    """A CSS radial gradient: an ellipse or circle centred at `position`, sized by a CSS extent
    keyword or by `radius` ([rx, ry] in px)."""

    type: Literal["radial-gradient"]
    shape: Literal["circle", "ellipse"] = "ellipse"
    size: Literal["closest-side", "closest-corner", "farthest-side", "farthest-corner"] = (
        "farthest-corner")
    radius: Annotated[list[NonNegative], Field(min_length=2, max_length=2)] | None = None
    position: str = "50% 50%"
    stops: Stops

    @field_validator("position")
    @classmethod
    def _position(cls, value: str) -> str:
        from ._geometry import canonical_position

        return canonical_position(value)

    @model_validator(mode="after")
    def _radius(self) -> RadialGradient:
        if self.radius is not None and self.shape == "circle" and self.radius[0] != self.radius[1]:
            raise ValueError("a circle's radius is one length: give [r, r]")
        return self


Gradient = LinearGradient | RadialGradient
GRADIENT_TYPES: dict[str, type[LinearGradient] | type[RadialGradient]] = {
    "linear-gradient": LinearGradient, "radial-gradient": RadialGradient}


def _to_paint(value: Any) -> Any:
    """A colour string, a CSS gradient string or a gradient object -> the canonical paint."""
    from ._css import is_gradient, parse_gradient

    if isinstance(value, (LinearGradient, RadialGradient)):
        return value
    if isinstance(value, str):
        if not is_gradient(value):
            parse_color(value)
            return value
        value = parse_gradient(value)
    if isinstance(value, Mapping):
        kind = value.get("type")
        if not isinstance(kind, str) or kind not in GRADIENT_TYPES:
            raise ValueError("a gradient object needs type 'linear-gradient' or 'radial-gradient'")
        return _nested(GRADIENT_TYPES[kind], value, kind)
    raise ValueError("expected a colour, a CSS gradient or a gradient object")


# A colour or a gradient, written as CSS (`#0af`, `linear-gradient(90deg, red, blue)`) or as an
# object; both spellings of one gradient validate to the same model.
Paint = Annotated[str | LinearGradient | RadialGradient, BeforeValidator(_to_paint)]


class BackgroundImage(Model):
    type: Literal["image"]
    image_url: ImageSource
    objectFit: ObjectFit = "cover"
    objectPosition: str = "center"


def _to_background(value: Any) -> Any:
    if isinstance(value, Mapping) and value.get("type") == "image":
        return _nested(BackgroundImage, value, "image")
    return _to_paint(value)


class Canvas(Model):
    width: Annotated[int, Field(gt=0, le=100_000)]
    height: Annotated[int, Field(gt=0, le=100_000)]
    background: Annotated[str | LinearGradient | RadialGradient | BackgroundImage,
                          BeforeValidator(_to_background)] = "#ffffff"


ShadowOffset = Annotated[float, Field(ge=-2000, le=2000, allow_inf_nan=False)]
Blur = Annotated[float, Field(ge=0, le=500, allow_inf_nan=False)]


class TextShadow(Model):
    """CSS text-shadow: offsets and blur radius in px; `color` None is CSS's currentColor."""

    x: ShadowOffset = 0.0
    y: ShadowOffset = 0.0
    blur: Blur = 0.0
    color: str | None = None

    _color = field_validator("color")(_canonical_color)


class BoxShadow(Model):
    """CSS box-shadow (outer): offsets, blur radius and spread in px; follows borderRadius."""

    x: ShadowOffset = 0.0
    y: ShadowOffset = 0.0
    blur: Blur = 0.0
    spread: Annotated[float, Field(ge=-500, le=500, allow_inf_nan=False)] = 0.0
    color: str | None = None

    _color = field_validator("color")(_canonical_color)


class TextStroke(Model):
    """-webkit-text-stroke: a line of `width` px centred on the glyph outlines, over the fill."""

    width: Annotated[float, Field(gt=0, le=100, allow_inf_nan=False)]
    color: str | None = None

    _color = field_validator("color")(_canonical_color)


MAX_SHADOWS = 8


def _shadows(model: type[ShadowT]) -> Callable[[Any], list[ShadowT]]:
    def parse(value: Any) -> list[ShadowT]:
        from ._css import parse_shadows

        items = value if isinstance(value, (list, tuple)) else [] if value is None else [value]
        out: list[ShadowT] = []
        for item in items:
            if isinstance(item, str):
                out.extend(_nested(model, s, "")
                           for s in parse_shadows(item, "", spread=model is BoxShadow))
            elif isinstance(item, (Mapping, model)):
                out.append(_nested(model, item, ""))
            else:
                raise ValueError("expected a CSS shadow string or an object {x, y, blur, color}")
        if len(out) > MAX_SHADOWS:
            raise ValueError(f"at most {MAX_SHADOWS} shadows")
        return out

    return parse


def _to_stroke(value: Any) -> Any:
    from ._css import parse_stroke

    if isinstance(value, str):
        value = None if value.strip().lower() == "none" else parse_stroke(value, "")
    return value if value is None else _nested(TextStroke, value, "")


TextShadows = Annotated[list[TextShadow], BeforeValidator(_shadows(TextShadow))]
BoxShadows = Annotated[list[BoxShadow], BeforeValidator(_shadows(BoxShadow))]


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
    # `richText: false` draws `text` exactly as typed; otherwise its markup (`**bold**`, `*italic*`,
    # `[word]{color=#e63946}`, see _text/markup.py) styles spans. A list of runs becomes markup.
    richText: bool = True
    text: str = Field(default="", max_length=100_000)
    fontFamily: str = Field(default="Inter", min_length=1, max_length=200)
    fontSize: Annotated[float, Field(gt=0, le=2000, allow_inf_nan=False)] = 32.0
    fontWeight: int = 400
    fontStyle: Literal["normal", "italic"] = "normal"
    color: Paint = "#000000"
    textShadow: TextShadows = Field(default_factory=list)
    textStroke: Annotated[TextStroke | None, BeforeValidator(_to_stroke)] = None
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
    # The text's language as a BCP 47 tag (`ja`, `zh-Hans`, `zh-Hant`, `ko`, `de-CH`): it picks
    # a CJK font's glyph variants (its `locl` feature) and the `hyphens: auto` dictionary.
    lang: Annotated[str, Field(max_length=35, pattern=r"^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$")] | None = None

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

    @field_validator("text", mode="before")
    @classmethod
    def _runs(cls, value: Any, info: ValidationInfo) -> Any:
        from ._text.markup import MarkupError, from_runs, parse

        try:
            if isinstance(value, (list, tuple)):
                if not info.data.get("richText", True):
                    raise ValueError("a list of runs needs richText (it is rich text by nature)")
                if len(value) > 10_000:
                    raise ValueError("more than 10000 runs")
                return from_runs(value)
            if isinstance(value, str) and info.data.get("richText", True):
                parse(value)  # refuse bad span attributes here, naming the field
        except MarkupError as exc:
            raise ValueError(str(exc)) from None
        return value


class ImageLayer(LayerBase):
    type: Literal["image"]
    image_url: ImageSource | None = None
    objectFit: ObjectFit = "cover"
    objectPosition: str = "center"
    borderRadius: Radius = 0.0
    boxShadow: BoxShadows = Field(default_factory=list)

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
    boxShadow: BoxShadows = Field(default_factory=list)

    _border = field_validator("borderColor")(_check_color)


# A stack child's width or height left out: "as the stack gives" (a text child hugs its text).
AUTO = MAX_COORD
MAX_STACK_DEPTH = 4
Padding = NonNegative | Annotated[list[NonNegative], Field(min_length=1, max_length=4)]


class StackLayer(LayerBase):
    """Auto layout: `children` in a row or a column, `gap` apart inside `padding`, aligned on the
    cross axis by `align` and spread on the main axis by `justify`. `sizing: hug` shrinks the
    stack to its content, `fill` keeps its box (`width`/`height`, or the space it is given).
    Children are ordinary layers; their x and y are set by the stack."""

    type: Literal["stack"]
    width: Length | None = None  # type: ignore[assignment]
    height: Length | None = None  # type: ignore[assignment]
    direction: Literal["row", "column"] = "row"
    gap: NonNegative = 0.0
    padding: Padding = 0.0
    align: Literal["start", "center", "end", "stretch"] = "start"
    justify: Literal["start", "center", "end", "space-between"] = "start"
    sizing: Literal["hug", "fill"] = "hug"
    children: list[Layer] = Field(default_factory=list, max_length=100)

    @field_validator("rotation")
    @classmethod
    def _upright(cls, value: float) -> float:
        if value % 360:
            raise ValueError("a stack cannot be rotated: rotate its children")
        return value

    @field_validator("children", mode="before")
    @classmethod
    def _auto_sizes(cls, value: Any) -> Any:
        if not isinstance(value, list):
            return value
        # A text child may leave its box out: it then takes its text's natural size.
        return [{"width": AUTO, "height": AUTO, **child}
                if isinstance(child, Mapping) and child.get("type") == "text" else child
                for child in value]


Layer = Annotated[TextLayer | ImageLayer | RectLayer | StackLayer, Field(discriminator="type")]
AnyLayer = TextLayer | ImageLayer | RectLayer | StackLayer
LAYER_TYPES: dict[str, type[LayerBase]] = {"text": TextLayer, "image": ImageLayer, "rect": RectLayer,
                                           "stack": StackLayer}
StackLayer.model_rebuild()


def walk(layers: list[AnyLayer], depth: int = 1) -> Iterator[tuple[AnyLayer, int]]:
    """Every layer, stack children included (after their stack), with its stack depth."""
    for layer in layers:
        yield layer, depth
        if isinstance(layer, StackLayer):
            yield from walk(layer.children, depth + 1)


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
    # What a server renders this template to when a request names no format (`auto`: the
    # lightest JPEG or palette PNG that looks lossless). The library's `render` still defaults
    # to PNG, so pixels a caller compares never change under it.
    format: Literal["auto", "png", "jpeg", "webp", "avif"] | None = Field(
        default=None, description="default output format of servers (the library renders PNG)")

    @model_validator(mode="after")
    def _unique_names(self) -> Template:
        seen: set[str] = set()
        for layer, depth in walk(self.layers):  # type: ignore[arg-type]
            if layer.name in seen:
                raise ValueError(f"layer name {layer.name!r} is used twice")
            if depth > MAX_STACK_DEPTH:
                raise ValueError(f"layers.{layer.name}: stacks nest at most {MAX_STACK_DEPTH} deep")
            seen.add(layer.name)
        names = [v.name for v in self.variables]
        if len(names) != len(set(names)):
            raise ValueError("variable names must be unique")
        return self

    def layer(self, name: str) -> AnyLayer | None:
        return next((layer for layer, _ in walk(self.layers) if layer.name == name), None)  # type: ignore[arg-type]
