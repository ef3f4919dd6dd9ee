"""Small pixel helpers shared by the node kinds: conversions and anti-aliased masks."""

from __future__ import annotations

from functools import lru_cache

import pyvips
from PIL import Image, ImageDraw

from .._codecs.vips import vips_message
from .._errors import DecodeError

SUPERSAMPLE = 4


def vips_to_pil(image: pyvips.Image) -> Image.Image:
    """An 8-bit sRGB libvips image (1-4 bands) as a Pillow RGBA image."""
    if image.format != "uchar":
        image = image.cast("uchar")
    if image.bands == 1:
        image = image.bandjoin([image, image])
    elif image.bands == 2:
        grey, alpha = image[0], image[1]
        image = grey.bandjoin([grey, grey, alpha])
    if image.bands == 3:
        image = image.bandjoin_const(255)
    try:
        data = image.write_to_memory()
    except pyvips.Error as exc:
        # libvips decodes lazily: a truncated or corrupt source fails here, not at load time,
        # and sometimes with no detail at all (a bad PNG header checksum)
        raise DecodeError(f"cannot decode the image: {vips_message(exc)}") from None
    return Image.frombuffer("RGBA", (image.width, image.height), data, "raw", "RGBA", 0, 1)


def clamp_radii(radii: tuple[float, float, float, float], width: float,
                height: float) -> tuple[float, float, float, float]:
    """CSS corner radii (top-left, top-right, bottom-right, bottom-left), scaled down together
    when adjacent radii would overlap, so a radius of half the side makes a circle."""
    tl, tr, br, bl = (max(0.0, r) for r in radii)
    factor = 1.0
    for total, side in ((tl + tr, width), (bl + br, width), (tl + bl, height), (tr + br, height)):
        if total > side > 0:
            factor = min(factor, side / total)
    return (tl * factor, tr * factor, br * factor, bl * factor)


@lru_cache(maxsize=64)
def _corner(radius: float) -> Image.Image:
    """The alpha of a top-left corner of `radius`: a quarter disc, supersampled for smooth edges."""
    size = max(1, round(radius))
    big = size * SUPERSAMPLE
    patch = Image.new("L", (big, big), 0)
    ImageDraw.Draw(patch).ellipse((0, 0, 2 * radius * SUPERSAMPLE - 1, 2 * radius * SUPERSAMPLE - 1),
                                  fill=255)
    return patch.resize((size, size), Image.Resampling.BOX)


@lru_cache(maxsize=64)
def rounded_mask(width: int, height: int,
                 radii: tuple[float, float, float, float]) -> Image.Image:
    """An L mask of a `width` x `height` box with anti-aliased rounded corners."""
    mask = Image.new("L", (width, height), 255)
    tl, tr, br, bl = clamp_radii(radii, width, height)
    for radius, transpose, at in (
        (tl, None, lambda s: (0, 0)),
        (tr, Image.Transpose.FLIP_LEFT_RIGHT, lambda s: (width - s, 0)),
        (br, Image.Transpose.ROTATE_180, lambda s: (width - s, height - s)),
        (bl, Image.Transpose.FLIP_TOP_BOTTOM, lambda s: (0, height - s)),
    ):
        if radius < 0.5:
            continue
        corner = _corner(radius)
        if transpose is not None:
            corner = corner.transpose(transpose)
        mask.paste(corner, at(corner.width))
    return mask


def apply_mask(image: Image.Image, mask: Image.Image) -> Image.Image:
    """Multiply `image`'s alpha by `mask` (both the same size), returning a new image."""
    from PIL import ImageChops

    out = image.copy()
    out.putalpha(ImageChops.multiply(image.getchannel("A"), mask))
    return out


def paste_over(canvas: Image.Image, layer: Image.Image, x: int, y: int) -> None:
    """Alpha-composite `layer` onto `canvas` at (x, y), in place, clipping at the edges."""
    left, top = max(0, x), max(0, y)
    right, bottom = min(canvas.width, x + layer.width), min(canvas.height, y + layer.height)
    if right <= left or bottom <= top:
        return
    canvas.alpha_composite(layer, dest=(left, top), source=(left - x, top - y, right - x, bottom - y))


def alpha_to_vips(image: Image.Image, margin: int = 0) -> pyvips.Image:
    """`image`'s alpha as a one-band libvips image, with `margin` transparent pixels all round."""
    return mask_to_vips(image.getchannel("A"), margin)


def mask_to_vips(alpha: Image.Image, margin: int = 0) -> pyvips.Image:
    """An L image as a one-band libvips image, with `margin` black pixels all round."""
    out = pyvips.Image.new_from_memory(alpha.tobytes(), alpha.width, alpha.height, 1, "uchar")
    if margin:
        out = out.embed(margin, margin, alpha.width + 2 * margin, alpha.height + 2 * margin,
                        extend="black")
    return out


def tinted(mask: pyvips.Image, colour: tuple[int, int, int, int]) -> Image.Image:
    """An RGBA image of one colour whose alpha is `mask` (one band) times the colour's alpha."""
    if colour[3] != 255:
        mask = mask * (colour[3] / 255)
    if mask.format != "uchar":
        mask = mask.cast("uchar")
    alpha = Image.frombuffer("L", (mask.width, mask.height), mask.write_to_memory(), "raw", "L", 0, 1)
    out = Image.new("RGBA", alpha.size, colour[:3] + (0,))
    out.putalpha(alpha)
    return out
