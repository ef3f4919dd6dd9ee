"""The formats pyvips-binary cannot decode (HEIC, BMP) go through Pillow and pillow-heif, and
come out as pyvips images so the rest of the pipeline never knows."""

from __future__ import annotations

import io
import warnings

import pyvips
from PIL import Image

from .._errors import DecodeError, LimitError


def open_bmp(data: bytes) -> Image.Image:
    """Open a BMP header, refusing every other Pillow plugin (no EPS behind a .bmp name)."""
    try:
        with warnings.catch_warnings():
            # Our own pixel limit was checked first; Pillow's warning would duplicate it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data), formats=["BMP"])
    except Image.DecompressionBombError as exc:
        raise LimitError(str(exc)) from None
    except Exception as exc:
        raise DecodeError(f"cannot read the BMP header: {exc}") from None


def decode_bmp(data: bytes) -> pyvips.Image:
    try:
        with open_bmp(data) as im, warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            im.load()
            return from_pillow(im)
    except (DecodeError, LimitError):
        raise
    except Exception as exc:
        raise DecodeError(f"cannot decode the BMP: {exc}") from None


def decode_heic(data: bytes) -> pyvips.Image:
    import pillow_heif

    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        im = heif.to_pillow()
        icc = heif.info.get("icc_profile")
    except Exception as exc:
        raise DecodeError(f"cannot decode the HEIC: {exc}") from None
    image = from_pillow(im)
    if icc:
        image = image.copy()
        image.set_type(pyvips.GValue.blob_type, "icc-profile-data", bytes(icc))
    return image


def from_pillow(im: Image.Image) -> pyvips.Image:
    """A Pillow image as an 8-bit sRGB or grey pyvips image (alpha kept)."""
    mode = im.mode
    if mode not in ("RGB", "RGBA", "L", "LA"):
        has_alpha = "transparency" in im.info or mode in ("PA", "RGBa", "La")
        im = im.convert("RGBA" if has_alpha else "RGB")
    bands = len(im.mode)
    image = pyvips.Image.new_from_memory(im.tobytes(), im.width, im.height, bands, "uchar")
    interpretation = "b-w" if bands <= 2 else "srgb"
    return image.copy(interpretation=interpretation)
