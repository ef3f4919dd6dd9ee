"""Encoding a pyvips or Pillow image to png, jpeg, webp, avif or gif bytes.

Each format goes to whichever library measured faster for that kind of input (benchmarks/README.md):
a Pillow image stays in Pillow for JPEG and WebP (no copy into libvips), PNG always goes to
libvips' libspng writer (several times faster than Pillow's zlib for the same size), AVIF to
Pillow's libavif at a speed-oriented setting, and a lazy pyvips pipeline is saved by libvips so
decoding, resizing and encoding run in one pass.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import pyvips
from PIL import Image

from .._errors import DecodeError, RenderError
from .._formats import TRANSFORM_FORMATS, output_format
from . import vips
from .decode import source_format
from .ops import frame_count


@dataclass(frozen=True)
class FormatDefaults:
    quality: int | None
    effort: int


# Quality defaults per format; `effort` is the speed/size knob of each encoder:
# webp method 0-6, avif speed 0-10 (higher is faster), png zlib level 0-9.
DEFAULTS = {
    "jpeg": FormatDefaults(85, 0),
    "webp": FormatDefaults(80, 4),
    "avif": FormatDefaults(50, 8),
    "png": FormatDefaults(None, 6),
    "gif": FormatDefaults(None, 7),
}
# Below this many pixels JPEG keeps full chroma (4:4:4): small images show chroma blur the most
# and cost little either way.
FULL_CHROMA_PIXELS = 200_000
# Composed images (cards) are encoded on every request, so PNG trades a little size for a lot of
# speed there: zlib level 2 with the Up filter took 21 ms for a 1200x630 photo card against 63 ms
# at level 6 with Paeth, for files 9% larger and still smaller than resvg's (benchmarks/README.md).
COMPOSED_PNG = (2, "up")


def encode(image: pyvips.Image | Image.Image, format: str, quality: int | None = None, *,
           keep_metadata: bool = False, background: tuple[int, int, int] = (255, 255, 255),
           animated: bool = False, effort: int | None = None) -> bytes:
    """Encode `image`. Metadata (EXIF, XMP, ICC, GPS) is dropped unless `keep_metadata`; alpha is
    flattened on `background` for JPEG; an animation stays animated in webp/gif if `animated`."""
    fmt = output_format(format, allowed=TRANSFORM_FORMATS)
    defaults = DEFAULTS[fmt]
    q = defaults.quality if quality is None else int(quality)
    if q is not None and not 1 <= q <= 100:
        raise ValueError(f"quality must be 1-100, not {quality}")
    level = defaults.effort if effort is None else int(effort)
    if isinstance(image, Image.Image) and fmt == "png" and effort is None:
        level = COMPOSED_PNG[0]
    if isinstance(image, Image.Image):
        return _encode_pillow(image, fmt, q, level, keep_metadata, background, animated)
    try:
        return _encode_vips(image, fmt, q, level, keep_metadata, background, animated)
    except pyvips.Error as exc:
        # The pipeline is lazy: a damaged source only shows itself now, while pixels flow, and
        # libvips rarely says which stage failed. Encoders do not fail on the 8-bit sRGB they
        # are given, so a failure of a decoded source's pipeline is the source's.
        source = source_format(image)
        if source is not None:
            raise DecodeError(f"cannot decode the {source} image: {vips.vips_message(exc)}"
                              ) from None
        raise RenderError(f"cannot encode {fmt}: {vips.vips_message(exc)}") from None


# ---------------------------------------------------------------------------------- libvips

def _encode_vips(image: pyvips.Image, fmt: str, q: int | None, level: int, keep: bool,
                 background: tuple[int, int, int], animated: bool,
                 png_filter: str = "none") -> bytes:
    keep_flags = "all" if keep else "none"
    if not (animated and fmt in ("webp", "gif")) and frame_count(image) > 1:
        image = image.crop(0, 0, image.width, image.height // frame_count(image))
        image = image.copy()
        image.remove("page-height")
    if fmt == "jpeg":
        if image.hasalpha():
            image = image.flatten(background=list(background))
        if image.format != "uchar":
            image = image.cast("uchar")
        return bytes(image.jpegsave_buffer(Q=q, optimize_coding=True, keep=keep_flags,
                                           subsample_mode=_subsample(image.width, image.height)))
    if fmt == "webp" and frame_count(image) > 1:
        return bytes(image.webpsave_buffer(Q=q, effort=level, keep=keep_flags))
    if fmt == "png":
        return bytes(image.pngsave_buffer(compression=level, filter=png_filter,
                                          keep=keep_flags))
    if fmt == "gif":
        return bytes(image.gifsave_buffer(effort=level, keep=keep_flags))
    # Still WebP and AVIF: libwebp needs the whole picture in memory whichever library calls
    # it, and Pillow's calls measured ~2 ms faster per WebP; Pillow's libavif at a speed
    # setting is ~10x faster than libvips' heifsave for the same size (benchmarks/README.md).
    return _encode_pillow(to_pillow(image), fmt, q, level, keep, background, False)


def _subsample(width: int, height: int) -> str:
    return "off" if width * height < FULL_CHROMA_PIXELS else "on"


def to_pillow(image: pyvips.Image) -> Image.Image:
    """Materialise a pyvips image (8-bit, 1-4 bands) as a Pillow image."""
    if image.format != "uchar":
        image = image.cast("uchar")
    mode = {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[image.bands]
    pil = Image.frombytes(mode, (image.width, image.height), image.write_to_memory())
    if image.get_typeof("icc-profile-data"):
        pil.info["icc_profile"] = bytes(image.get("icc-profile-data"))
    if image.get_typeof("exif-data"):
        pil.info["exif"] = bytes(image.get("exif-data"))
    return pil


def from_pillow_rgb(image: Image.Image) -> pyvips.Image:
    bands = len(image.mode)
    out = pyvips.Image.new_from_memory(image.tobytes(), image.width, image.height, bands,
                                       "uchar")
    return out.copy(interpretation="srgb" if bands >= 3 else "b-w")


# ----------------------------------------------------------------------------------- Pillow

def _opaque(image: Image.Image) -> Image.Image:
    """Drop an alpha channel that is fully opaque: RGB encodes faster and smaller."""
    if image.mode in ("RGBA", "LA"):
        alpha = image.getchannel("A")
        if alpha.getextrema() == (255, 255):
            return image.convert(image.mode[:-1])
    return image


def _normalised(image: Image.Image) -> Image.Image:
    if image.mode in ("RGB", "RGBA", "L", "LA"):
        return image
    if (image.mode == "P" and "transparency" in image.info) or image.mode in ("PA", "RGBa"):
        return image.convert("RGBA")
    return image.convert("RGB")


def _flatten(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    if image.mode not in ("RGBA", "LA"):
        return image
    base = Image.new("RGB", image.size, background)
    base.paste(image.convert("RGBA") if image.mode == "LA" else image, mask=image.getchannel("A"))
    return base


def _encode_pillow(image: Image.Image, fmt: str, q: int | None, level: int, keep: bool,
                   background: tuple[int, int, int], animated: bool) -> bytes:
    frames = getattr(image, "n_frames", 1)
    if animated and frames > 1 and fmt in ("webp", "gif"):
        image.seek(0)
        return _encode_vips(_pillow_animation(image), fmt, q, level, keep, background, True)
    if frames > 1:
        image.seek(0)
    image = _opaque(_normalised(image))
    meta: dict[str, Any] = {}
    if keep:
        for name in ("exif", "icc_profile"):
            if image.info.get(name):
                meta[name] = image.info[name]
    else:
        meta = {"icc_profile": None, "exif": b""}
    if fmt in ("png", "gif"):
        out = from_pillow_rgb(image)
        if keep and image.info.get("icc_profile"):
            out = out.copy()
            out.set_type(pyvips.GValue.blob_type, "icc-profile-data", image.info["icc_profile"])
        return _encode_vips(out, fmt, q, level, keep, background, False,
                            png_filter=COMPOSED_PNG[1])
    buffer = io.BytesIO()
    if fmt == "jpeg":
        image = _flatten(image, background)
        subsampling = 2 if image.width * image.height >= FULL_CHROMA_PIXELS else 0
        image.save(buffer, "JPEG", quality=q, optimize=True, subsampling=subsampling, **meta)
    elif fmt == "webp":
        image.save(buffer, "WEBP", quality=q, method=level, **meta)
    else:
        image.save(buffer, "AVIF", quality=q, speed=level, **meta)
    return buffer.getvalue()


def _pillow_animation(image: Image.Image) -> pyvips.Image:
    frames, delays = [], []
    for index in range(image.n_frames):  # type: ignore[attr-defined]
        image.seek(index)
        frames.append(from_pillow_rgb(image.convert("RGBA")))
        delays.append(int(image.info.get("duration", 100)))
    strip = pyvips.Image.arrayjoin(frames, across=1).copy()
    strip.set_type(pyvips.GValue.gint_type, "page-height", frames[0].height)
    strip.set_type(pyvips.GValue.array_int_type, "delay", delays)
    strip.set_type(pyvips.GValue.gint_type, "loop", int(image.info.get("loop", 0)))
    return strip
