"""Decoding to a lazy pyvips image: allowlisted loader, limits already checked from the header,
strict about damage (`fail_on="warning"`: truncated files raise instead of coming back
grey-filled), sequential where possible, and shrunk on load to no less than the caller needs."""

from __future__ import annotations

import math
from collections.abc import Callable
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
           animated: bool = False,
           reserve: Callable[[int], None] | None = None) -> pyvips.Image:
    """Decode `data` lazily. `reserve`, if given, is called with the decode's estimated memory
    (see `decoded_bytes`) after the header is checked and before the decoder starts."""
    info, data = probe_prepared(data, limits)
    all_frames = animated and info.frames > 1
    options = _options(info, limits, hint, all_frames)
    if reserve is not None:
        reserve(decoded_bytes(info, options, all_frames))
    image = _load(data, info, options)
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


def decoded_bytes(info: ProbeInfo, options: dict[str, object], all_frames: bool) -> int:
    """What decoding with `options` holds at most, from the header: width x height x bands x
    bytes per band after the shrink-on-load factor, every frame of an animation; plus, for a
    progressive JPEG, libjpeg's coefficients of the whole image (2 bytes each), which it keeps
    whatever the shrink. Sequential decodes often hold far less; this is the ceiling."""
    width, height = info.width, info.height
    shrink = options.get("shrink")
    scale = options.get("scale")
    if isinstance(shrink, int) and shrink > 1:
        width, height = math.ceil(width / shrink), math.ceil(height / shrink)
    elif isinstance(scale, float) and scale < 1.0:
        width, height = math.ceil(width * scale), math.ceil(height * scale)
    frames = info.frames if all_frames else 1
    total = width * height * info.bands * info.band_bytes * frames
    if info.format in ("heic", "bmp"):
        total *= 2  # decoded by Pillow, then copied into libvips
    if info.format == "jpeg" and info.interlaced:
        total += info.width * info.height * info.bands * 2
    return total


def _options(info: ProbeInfo, limits: Limits, hint: ShrinkHint | None,
             all_frames: bool) -> dict[str, object]:
    """The libvips loader options for decoding `info`'s image for `hint`."""
    fmt = info.format
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
    return options


def _load(data: bytes, info: ProbeInfo, options: dict[str, object]) -> pyvips.Image:
    if info.format == "heic":
        return pillow.decode_heic(data)
    if info.format == "bmp":
        return pillow.decode_bmp(data)
    return vips.load(VIPS_LOADERS[info.format], data, **options)


def _safe_scale(info: ProbeInfo, scale: float) -> float:
    """A scale-on-load factor that rounding cannot take below the needed size."""
    need_w = math.ceil(info.width * scale)
    need_h = math.ceil(info.height * scale)
    return min(1.0, max((need_w + 0.5) / info.width, (need_h + 0.5) / info.height))
