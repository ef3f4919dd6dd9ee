"""Header probing: dimensions, frames, alpha and orientation, without decoding pixels, and every
source limit checked from those numbers before any decoder is allowed to run."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pyvips

from .._errors import DecodeError, LimitError
from .._limits import Limits
from . import vips
from .sniff import sniff
from .svg import sanitize_svg

# Formats libvips decodes, and the buffer loader for each; the rest go through Pillow.
VIPS_LOADERS = {"jpeg": "jpegload_buffer", "png": "pngload_buffer", "webp": "webpload_buffer",
                "gif": "gifload_buffer", "tiff": "tiffload_buffer", "avif": "heifload_buffer",
                "svg": "svgload_buffer"}
BAND_BYTES = {"uchar": 1, "char": 1, "ushort": 2, "short": 2}


@dataclass(frozen=True)
class ProbeInfo:
    """What a source's header says. `width`/`height` are as stored; orientation 5-8 swaps them
    on display, which `oriented_width`/`oriented_height` account for."""

    width: int
    height: int
    format: str
    frames: int = 1
    has_alpha: bool = False
    orientation: int = 1
    bands: int = 3  # channels as decoded, alpha included
    band_bytes: int = 1  # 2 for 16-bit, 4 for float
    # A progressive JPEG (or an interlaced PNG): decoders hold the whole image to assemble it.
    interlaced: bool = False

    @property
    def oriented_width(self) -> int:
        return self.height if self.orientation >= 5 else self.width

    @property
    def oriented_height(self) -> int:
        return self.width if self.orientation >= 5 else self.height


def probe(data: bytes, limits: Limits) -> ProbeInfo:
    """Read and check the header of `data`; raise SourceError if it cannot or must not be decoded."""
    return probe_prepared(data, limits)[0]


def probe_prepared(data: bytes, limits: Limits) -> tuple[ProbeInfo, bytes]:
    """`probe`, also returning the bytes a decoder may see (SVG comes back sanitised)."""
    if len(data) > limits.max_source_bytes:
        raise LimitError(f"the source is {len(data)} bytes, over the limit of "
                         f"{limits.max_source_bytes}")
    fmt = sniff(data)
    if fmt == "svg":
        data = sanitize_svg(data, limits)
    if fmt in ("heic", "bmp"):
        info = _probe_pillow(data, fmt)
    else:
        info = _probe_vips(data, fmt)
    check_limits(info, limits)
    return info, data


def check_limits(info: ProbeInfo, limits: Limits) -> None:
    if info.width <= 0 or info.height <= 0:
        raise DecodeError(f"the {info.format} header declares an empty image")
    side = max(info.width, info.height)
    if side > limits.max_source_side:
        raise LimitError(f"the image is {info.width}x{info.height}; its longest side is over the "
                         f"limit of {limits.max_source_side} pixels")
    vips.check_pixels(info.width, info.height, "the image", limits.max_source_pixels)
    if info.frames > limits.max_frames:
        raise LimitError(f"the image has {info.frames} frames, over the limit of "
                         f"{limits.max_frames}")
    if info.frames * info.width * info.height > limits.max_animation_pixels:
        raise LimitError(f"the animation has {info.frames} frames of {info.width}x{info.height}, "
                         f"over the limit of {limits.max_animation_pixels} pixels in all")


def _probe_vips(data: bytes, fmt: str) -> ProbeInfo:
    options: dict[str, object] = {"fail_on": "warning"}
    if fmt == "svg":
        options["unlimited"] = False
    image = vips.load(VIPS_LOADERS[fmt], data, **options)
    frames = _int_field(image, "n-pages", 1)
    orientation = _int_field(image, "orientation", 1)
    # libvips reports pages of a TIFF; only the first is ever used.
    if fmt == "tiff":
        frames = 1
    return ProbeInfo(image.width, image.height, fmt, max(1, frames), bool(image.hasalpha()),
                     orientation if 1 <= orientation <= 8 else 1, bands=image.bands,
                     band_bytes=BAND_BYTES.get(image.format, 4),
                     interlaced=bool(_int_field(image, "interlaced", 0)))


def _int_field(image: pyvips.Image, name: str, default: int) -> int:
    if image.get_typeof(name) == 0:
        return default
    try:
        return int(image.get(name))
    except (TypeError, ValueError):
        return default


def _probe_pillow(data: bytes, fmt: str) -> ProbeInfo:
    if fmt == "heic":
        import pillow_heif

        try:
            heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        except Exception as exc:
            raise DecodeError(f"cannot read the HEIC header: {exc}") from None
        width, height = heif.size
        # libheif applies the container's rotation itself, so EXIF orientation is not re-applied.
        return ProbeInfo(width, height, fmt, 1, bool(heif.has_alpha), 1,
                         bands=4 if heif.has_alpha else 3)
    from . import pillow

    with pillow.open_bmp(data) as im:
        width, height = im.size
        return ProbeInfo(width, height, fmt, 1, im.mode in ("RGBA", "LA", "PA"), 1,
                         bands=len(im.mode))
