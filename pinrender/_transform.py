"""Transform options: `size` presets, width variants, imgix-style frames (`w`, `h`, `fit`, `crop`,
`focal`, `bg`, `dpr`), format and quality, parsed into a frozen canonical form before anything is
planned, so option spelling never changes a key.

The transform pipeline itself is in `_pipelines.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._color import parse_color
from ._errors import TemplateError
from ._formats import TRANSFORM_FORMATS, output_format, output_quality
from ._geometry import (
    FIT_MODES,
    SIZE_PRESETS,
    VARIANT_ALIASES,
    VARIANT_WIDTHS,
    FitMode,
    Gravity,
)
from ._nodes.resize import SizeRule

# Formats whose frames a transform keeps (None: the source's own format, whatever it is).
ANIMATABLE = (None, "webp", "gif")


# The largest side a frame may ask for (after `dpr`); the renderer's limits cap it again.
MAX_FRAME_SIDE = 8192
_CROP_ALIGN = {"left": ("x", 0.0), "right": ("x", 1.0), "top": ("y", 0.0), "bottom": ("y", 1.0),
               "center": ("", 0.5)}
CROP_WORDS = (*_CROP_ALIGN, "entropy", "edges", "attention", "focalpoint")


@dataclass(frozen=True)
class FrameOptions:
    """A canonical frame: sizes already multiplied by `dpr` (so `w=300&dpr=2` and `w=600` are
    one key), `edges` spelled `attention`, colours as RGBA."""

    width: int | None
    height: int | None
    fit: FitMode
    gravity: Gravity
    background: tuple[int, int, int, int] | None


@dataclass(frozen=True)
class TransformOptions:
    """A transform, canonical: `rule` is None (no resize) or (short_edge | width, target);
    `frame` an imgix-style frame, applied after the rule's resize when both are given."""

    rule: tuple[SizeRule, int] | None
    format: str | None  # None keeps the source's format where it can be written
    quality: int | None
    keep_metadata: bool
    frame: FrameOptions | None = None

    @property
    def animated(self) -> bool:
        return self.format in ANIMATABLE


def transform_options(*, size: str | None = None, width: int | str | None = None,
                      format: str | None = None, quality: int | None = None,
                      keep_metadata: bool = False, w: int | None = None, h: int | None = None,
                      fit: str | None = None, crop: str | None = None,
                      focal: tuple[float, float] | None = None, bg: str | None = None,
                      dpr: float | None = None) -> TransformOptions:
    """The canonical options, or a TemplateError naming the bad one."""
    fmt = None if format is None else output_format(format, allowed=TRANSFORM_FORMATS)
    frame = frame_options(w=w, h=h, fit=fit, crop=crop, focal=focal, bg=bg, dpr=dpr)
    # With both, the preset resizes first and the frame applies to its result.
    return TransformOptions(size_rule(size, width), fmt, output_quality(quality),
                            bool(keep_metadata), frame)


def frame_options(*, w: int | None = None, h: int | None = None, fit: str | None = None,
                  crop: str | None = None, focal: tuple[float, float] | None = None,
                  bg: str | None = None, dpr: float | None = None) -> FrameOptions | None:
    """The canonical frame of imgix-style options, None when none is given."""
    if all(v is None for v in (w, h, fit, crop, focal, bg, dpr)):
        return None
    scale = 1.0 if dpr is None else _number(dpr, "dpr", 1.0, 3.0)
    sides = [None if v is None else _side(v, name, scale) for v, name in ((w, "w"), (h, "h"))]
    mode = "clip" if fit is None else str(fit).strip().lower()
    if mode not in FIT_MODES:
        raise TemplateError(f"{fit!r} is not a fit: use one of {', '.join(FIT_MODES)}", path="fit")
    background = None
    if bg is not None:
        try:
            background = parse_color(bg)
        except ValueError as exc:
            raise TemplateError(str(exc), path="bg") from None
    return FrameOptions(sides[0], sides[1], mode, gravity_of(crop, focal),  # type: ignore[arg-type]
                        background)


def gravity_of(crop: str | None, focal: tuple[float, float] | None) -> Gravity:
    """imgix `crop`: comma-separated `top`/`bottom`/`left`/`right`/`center`, or one of `entropy`,
    `edges` (= `attention`, libvips' saliency), `attention`, `focalpoint` (with `focal`: x, y as
    fractions of the image; a focal point alone implies it)."""
    words = [] if crop is None else [t.strip().lower() for t in str(crop).split(",") if t.strip()]
    unknown = [t for t in words if t not in CROP_WORDS]
    if unknown:
        raise TemplateError(f"{unknown[0]!r} is not a crop: use {', '.join(CROP_WORDS)}", path="crop")
    smart = [t for t in words if t in ("entropy", "edges", "attention", "focalpoint")]
    if smart and len(words) > 1:
        raise TemplateError(f"{smart[0]} cannot be combined with other crop values", path="crop")
    if focal is not None and words not in ([], ["focalpoint"]):
        raise TemplateError("a focal point needs crop=focalpoint (or no crop)", path="crop")
    if words == ["focalpoint"] or focal is not None:
        if focal is None:
            return Gravity("focal", 0.5, 0.5)
        x, y = (_number(v, f"fp-{axis}", 0.0, 1.0) for v, axis in zip(focal, "xy"))
        return Gravity("focal", x, y)
    if smart:
        return Gravity("entropy" if smart[0] == "entropy" else "attention")
    x = y = 0.5
    for word in words:
        axis, value = _CROP_ALIGN[word]
        if axis == "x":
            x = value
        elif axis == "y":
            y = value
    return Gravity("align", x, y)


def _number(value: object, path: str, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
        raise TemplateError(f"must be a number from {low:g} to {high:g}", path=path)
    return float(value)


def _side(value: object, path: str, scale: float) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TemplateError("must be a whole number of pixels, at least 1", path=path)
    side = round(value * scale)
    if side > MAX_FRAME_SIDE:
        raise TemplateError(f"{value}{'' if scale == 1 else f' x dpr {scale:g}'} is over the "
                            f"largest side, {MAX_FRAME_SIDE}", path=path)
    return side


def size_rule(size: str | None, width: int | str | None) -> tuple[SizeRule, int] | None:
    """The canonical (rule, target) of `size` / `width` options, or TemplateError naming the
    bad option."""
    if size is not None and width is not None:
        raise TemplateError("give either size or width, not both", path="size")
    if size is not None:
        key = str(size).strip().lower()
        if key not in SIZE_PRESETS:
            raise TemplateError(f"{size!r} is not a size: use s, m or l", path="size")
        return "short_edge", SIZE_PRESETS[key]
    if width is not None:
        if isinstance(width, str):
            text = width.strip().lower()
            if text in VARIANT_ALIASES:
                return "width", VARIANT_ALIASES[text]
            if not text.isdigit():
                raise TemplateError(_width_message(width), path="width")
            width = int(text)
        if isinstance(width, bool) or not isinstance(width, int) or width not in VARIANT_WIDTHS:
            raise TemplateError(_width_message(width), path="width")
        return "width", width
    return None


def _width_message(width: object) -> str:
    names = ", ".join(VARIANT_ALIASES)
    return (f"{width!r} is not a variant width: use one of "
            f"{', '.join(map(str, VARIANT_WIDTHS))} or {names}")
