"""The pixel operations of a transform, each a small function of a lazy pyvips image:
orientation, conversion to 8-bit sRGB, and resizing (frame by frame for animations)."""

from __future__ import annotations

from collections.abc import Callable

import pyvips

from .._geometry import short_edge_size, width_size
from .decode import FULL_HEIGHT, FULL_WIDTH

PAGE_HEIGHT = "page-height"


def frame_count(image: pyvips.Image) -> int:
    """How many frames a decoded image holds (animations are a vertical strip of frames)."""
    if image.get_typeof(PAGE_HEIGHT) == 0:
        return 1
    page_height = int(image.get(PAGE_HEIGHT))
    if page_height <= 0 or page_height >= image.height or image.height % page_height:
        return 1
    return image.height // page_height


def frame_size(image: pyvips.Image) -> tuple[int, int]:
    return image.width, image.height // frame_count(image)


def per_frame(image: pyvips.Image, op: Callable[[pyvips.Image], pyvips.Image]) -> pyvips.Image:
    """Apply `op` to every frame of an animation separately, so no filter bleeds across frames."""
    frames = frame_count(image)
    if frames == 1:
        return op(image)
    page_height = image.height // frames
    parts = [op(image.crop(0, i * page_height, image.width, page_height)) for i in range(frames)]
    joined = pyvips.Image.arrayjoin(parts, across=1)
    joined = joined.copy()
    joined.set_type(pyvips.GValue.gint_type, PAGE_HEIGHT, parts[0].height)
    return joined


def orient(image: pyvips.Image) -> pyvips.Image:
    """Apply the EXIF orientation and remove the tag, so it is never applied twice."""
    if image.get_typeof("orientation") == 0:
        return image
    orientation = int(image.get("orientation"))
    if orientation == 1 or not 2 <= orientation <= 8:
        out = image.copy()
        out.remove("orientation")
        return out
    out = per_frame(image, lambda frame: frame.autorot())
    out = out.copy()
    out.remove("orientation")
    if orientation >= 5 and image.get_typeof(FULL_WIDTH):
        out.set_type(pyvips.GValue.gint_type, FULL_WIDTH, int(image.get(FULL_HEIGHT)))
        out.set_type(pyvips.GValue.gint_type, FULL_HEIGHT, int(image.get(FULL_WIDTH)))
    return out


def _is_srgb_profile(profile: bytes) -> bool:
    # The profile's description names it; converting sRGB to sRGB would only cost time.
    return b"sRGB" in profile[:4096] or b"s\x00R\x00G\x00B" in profile[:4096]


def to_srgb(image: pyvips.Image) -> pyvips.Image:
    """8-bit sRGB (or 8-bit grey kept as sRGB), alpha kept: ICC profiles and CMYK converted."""
    has_profile = image.get_typeof("icc-profile-data") != 0
    if image.interpretation == "cmyk":
        # CMYK without a profile still needs one to convert; libvips ships a generic one.
        options = {} if has_profile else {"input_profile": "cmyk"}
        image = image.icc_transform("srgb", embedded=True, intent="perceptual", **options)
    elif has_profile and image.interpretation in ("srgb", "rgb16", "b-w", "grey16", "rgb"):
        profile = image.get("icc-profile-data")
        if not _is_srgb_profile(profile):
            try:
                image = image.icc_transform("srgb", embedded=True, intent="perceptual")
            except pyvips.Error:
                pass  # a broken or mismatched profile: keep the pixels as they are
    if image.interpretation != "srgb" or image.format != "uchar":
        image = image.colourspace("srgb")
        if image.format != "uchar":
            image = image.cast("uchar")
    if image.bands > 4:
        image = image.extract_band(0, n=4)
    return image


def target_size(width: int, height: int, rule: str, target: int) -> tuple[int, int]:
    if rule == "short_edge":
        return short_edge_size(width, height, target)
    if rule == "width":
        return width_size(width, height, target)
    raise ValueError(f"unknown size rule {rule!r}")


def resize_to(image: pyvips.Image, width: int, height: int) -> pyvips.Image:
    """Scale one frame to exactly `width` x `height` with Lanczos3, alpha premultiplied so
    transparent pixels do not bleed dark fringes into the edges."""
    if (image.width, image.height) == (width, height):
        return image
    alpha = image.hasalpha()
    fmt = image.format
    if alpha:
        image = image.premultiply()
    out = image.resize(width / image.width, vscale=height / image.height, kernel="lanczos3")
    if alpha:
        out = out.unpremultiply().cast(fmt)
    elif out.format != fmt:
        out = out.cast(fmt)
    if (out.width, out.height) != (width, height):
        # libvips rounds the scaled size; nudge a pixel either way to the exact size asked for.
        out = out.gravity("north-west", width, height, extend="copy")
    return out


def resize(image: pyvips.Image, rule: str, target: int) -> pyvips.Image:
    """Resize by a size rule (never upscaling), frame by frame for animations."""
    fw, fh = frame_size(image)
    full_w, full_h = fw, fh
    if image.get_typeof(FULL_WIDTH):  # shrunk on load: size from the full frame, see decode
        full_w, full_h = int(image.get(FULL_WIDTH)), int(image.get(FULL_HEIGHT))
    width, height = target_size(full_w, full_h, rule, target)
    if (width, height) != (fw, fh):
        if width > fw or height > fh:  # the loader rounded a pixel short: never upscale for it
            width, height = min(width, fw), min(height, fh)
        image = per_frame(image, lambda frame: resize_to(frame, width, height))
    if image.get_typeof(FULL_WIDTH):
        # Resized, the image's own size is its full size for any step after (a frame).
        image = image.copy()
        image.remove(FULL_WIDTH)
        image.remove(FULL_HEIGHT)
    return image
