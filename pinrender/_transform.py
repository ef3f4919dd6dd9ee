"""Transform options: `size` presets, width variants, format and quality, parsed into a frozen
canonical form before anything is planned, so option spelling never changes a key.

The transform pipeline itself is in `_pipelines.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

from ._errors import TemplateError
from ._formats import TRANSFORM_FORMATS, output_format, output_quality
from ._geometry import SIZE_PRESETS, VARIANT_ALIASES, VARIANT_WIDTHS
from ._nodes.resize import SizeRule

# Formats whose frames a transform keeps (None: the source's own format, whatever it is).
ANIMATABLE = (None, "webp", "gif")


@dataclass(frozen=True)
class TransformOptions:
    """A transform, canonical: `rule` is None (no resize) or (short_edge | width, target)."""

    rule: tuple[SizeRule, int] | None
    format: str | None  # None keeps the source's format where it can be written
    quality: int | None
    keep_metadata: bool

    @property
    def animated(self) -> bool:
        return self.format in ANIMATABLE


def transform_options(*, size: str | None = None, width: int | str | None = None,
                      format: str | None = None, quality: int | None = None,
                      keep_metadata: bool = False) -> TransformOptions:
    """The canonical options, or a TemplateError naming the bad one."""
    fmt = None if format is None else output_format(format, allowed=TRANSFORM_FORMATS)
    return TransformOptions(size_rule(size, width), fmt, output_quality(quality),
                            bool(keep_metadata))


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
