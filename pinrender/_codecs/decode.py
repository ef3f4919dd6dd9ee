"""Decoding to a lazy pyvips image: allowlisted loader, limits already checked from the header,
strict about damage (`fail_on="warning"`: truncated files raise instead of coming back
grey-filled), sequential where possible, and shrunk on load to no less than the caller needs."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pyvips

from .._limits import Limits
from . import pillow, vips
from .probe import VIPS_LOADERS, ProbeInfo, probe_prepared

FORMAT_FIELD = "pinrender-format"  # image metadata: the source format, for "keep the format"
# The frame size before shrink-on-load (as stored, before orientation): sizes derived from it are
# exactly those a full decode would give, not off by the loader's rounding.
FULL_WIDTH, FULL_HEIGHT = "pinrender-full-width", "pinrender-full-height"


@dataclass(frozen=True)
class ShrinkHint:
    """The decoded image will be scaled to cover / fit inside this box (display orientation)."""

    width: int
    height: int
    mode: Literal["cover", "contain"] = "cover"

    def scale_for(self, width: int, height: int) -> float:
        sx, sy = self.width / width, self.height / height
        return max(sx, sy) if self.mode == "cover" else min(sx, sy)


def decode(data: bytes, limits: Limits, *, hint: ShrinkHint | None = None,
           animated: bool = False) -> pyvips.Image:
    info, data = probe_prepared(data, limits)
    image = _load(data, info, limits, hint, animated and info.frames > 1)
    image = image.copy()
    image.set_type(pyvips.GValue.gstr_type, FORMAT_FIELD, info.format)
    image.set_type(pyvips.GValue.gint_type, FULL_WIDTH, info.width)
    image.set_type(pyvips.GValue.gint_type, FULL_HEIGHT, info.height)
    return image


def source_format(image: pyvips.Image) -> str | None:
    if image.get_typeof(FORMAT_FIELD) == 0:
        return None
    return str(image.get(FORMAT_FIELD))


def needed_scale(info: ProbeInfo, hint: ShrinkHint | None) -> float:
    """How small the stored image may be loaded, as a fraction of its size."""
    if hint is None:
        return 1.0
    return hint.scale_for(info.oriented_width, info.oriented_height)


def jpeg_shrink(width: int, height: int, scale: float) -> int:
    """The largest DCT shrink whose output stays at least `scale` times the image."""
    need_w, need_h = math.ceil(width * scale), math.ceil(height * scale)
    for factor in (8, 4, 2):
        if width // factor >= need_w and height // factor >= need_h:
            return factor
    return 1


def _load(data: bytes, info: ProbeInfo, limits: Limits, hint: ShrinkHint | None,
          all_frames: bool) -> pyvips.Image:
    fmt = info.format
    if fmt == "heic":
        return pillow.decode_heic(data)
    if fmt == "bmp":
        return pillow.decode_bmp(data)
    scale = needed_scale(info, hint)
    options: dict[str, object] = {"fail_on": "warning"}
    # A frame-by-frame pipeline crops the frame strip out of order, and flips and rotations
    # read rows out of order, so those need random access.
    random = all_frames or info.orientation != 1
    options["access"] = "random" if random else "sequential"
    if fmt in ("gif", "webp"):
        options["n"] = -1 if all_frames else 1
    if fmt == "jpeg":
        options["shrink"] = jpeg_shrink(info.width, info.height, scale)
    elif fmt == "webp" and scale < 1.0:
        options["scale"] = _safe_scale(info, scale)
    elif fmt == "svg":
        # Vector: rendered at the size needed, never above its nominal size or the pixel limit.
        ceiling = math.sqrt(limits.max_source_pixels / (info.width * info.height))
        options["scale"] = min(_safe_scale(info, scale) if hint else 1.0, ceiling)
        options["unlimited"] = False
    elif fmt == "tiff":
        options["page"] = 0
    return vips.load(VIPS_LOADERS[fmt], data, **options)


def _safe_scale(info: ProbeInfo, scale: float) -> float:
    """A scale-on-load factor that rounding cannot take below the needed size."""
    need_w = math.ceil(info.width * scale)
    need_h = math.ceil(info.height * scale)
    return min(1.0, max((need_w + 0.5) / info.width, (need_h + 0.5) / info.height))
