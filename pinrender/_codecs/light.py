"""`format="auto"`: the lightest encoding that still looks like the lossless render.

A card is encoded a few ways (a JPEG or WebP for photographic content, a palette PNG quantised by
libimagequant for flat content) and each is decoded and compared with the lossless pixels by
SSIM (Wang et al. 2004: luma, Gaussian window of sigma 1.5, computed with libvips ops); the
smallest one at or above `TARGET_SSIM` wins. Content, not a guess, decides: a dark starfield that
JPEG smears goes out as a palette PNG, a photo that quantises badly as a JPEG. If nothing on the
ladder is good enough the lossless PNG goes out.

The rungs (settings measured in `benchmarks/og_weight.py` on the example cards):

    1   JPEG q85 (or WebP q90, when the client takes it)  |  palette PNG Q75, no dither
    2   JPEG q92 (or WebP q96)                             |  palette PNG Q90, no dither

(WebP needs a higher quality than JPEG for the same SSIM: its q85 blurs fine texture more.)
"""

from __future__ import annotations

import pyvips
from PIL import Image

from .._formats import AUTO_FORMATS
from .encode import _normalised, _opaque, encode, from_pillow_rgb

# One above the quality bar the product promises (0.98), so a small difference between this
# SSIM and another implementation never crosses it.
TARGET_SSIM = 0.985
LOSSY_QUALITY = {"jpeg": (85, 92), "webp": (90, 96)}
PALETTE_QUALITY = (75, 90)
# Dithering adds noise that costs bytes and SSIM on flat cards, for no gain measured there.
PALETTE_DITHER = 0.0
# libimagequant's speed: 7 to compare candidates; a palette that wins is redone at 10, which
# measured ~10% smaller (3x slower, so never on a candidate that may lose to the JPEG).
PALETTE_EFFORT, PALETTE_EFFORT_WINNER = 7, 10
_C1, _C2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
# Above this many pixels the ladder is skipped (its quantising and comparing would take seconds
# that no deadline can interrupt): the lossy format at rung 1's quality, or PNG with alpha.
MAX_COMPARED_PIXELS = 4_000_000


def luma(image: pyvips.Image) -> pyvips.Image:
    """BT.601 luma as float, alpha (if any) flattened on white first."""
    if image.hasalpha():
        image = image.flatten(background=[255] * (image.bands - 1))
    if image.bands >= 3:
        return image[0] * 0.299 + image[1] * 0.587 + image[2] * 0.114
    return image.cast("float")


def ssim(a: pyvips.Image, b: pyvips.Image) -> float:
    """Mean SSIM of two same-sized images on luma (Gaussian window, sigma 1.5)."""
    x, y = luma(a).copy_memory(), luma(b).copy_memory()

    def blur(image: pyvips.Image) -> pyvips.Image:
        return image.gaussblur(1.5, precision="float")

    mx, my = blur(x), blur(y)
    sxx = blur(x * x) - mx * mx
    syy = blur(y * y) - my * my
    sxy = blur(x * y) - mx * my
    num = (mx * my * 2 + _C1) * (sxy * 2 + _C2)
    den = (mx * mx + my * my + _C1) * (sxx + syy + _C2)
    return float((num / den).avg())


def _palette(image: pyvips.Image, q: int, effort: int = PALETTE_EFFORT) -> bytes:
    return bytes(image.pngsave_buffer(palette=True, Q=q, dither=PALETTE_DITHER,
                                      effort=effort, compression=9, keep="none"))


def _good(image: pyvips.Image, data: bytes) -> bool:
    return ssim(image, pyvips.Image.new_from_buffer(data, "", access="sequential")) >= TARGET_SSIM


__all__ = ["AUTO_FORMATS", "TARGET_SSIM", "encode_auto", "ssim"]


def encode_auto(image: pyvips.Image | Image.Image, lossy: str = "jpeg") -> bytes:
    """The smallest encoding on the ladder whose SSIM against `image` is at least TARGET_SSIM
    (JPEG is left out for images with transparency); else a lossless PNG."""
    if isinstance(image, Image.Image):
        image = from_pillow_rgb(_opaque(_normalised(image)))
    if image.width * image.height > MAX_COMPARED_PIXELS:
        if lossy == "jpeg" and image.hasalpha():
            return encode(image, "png")
        return encode(image, lossy, LOSSY_QUALITY[lossy][0])
    image = image.copy_memory()  # each candidate reads it again
    for lossy_q, palette_q in zip(LOSSY_QUALITY[lossy], PALETTE_QUALITY):
        palette = _palette(image, palette_q)
        good = [palette] if _good(image, palette) else []
        if lossy != "jpeg" or not image.hasalpha():
            data = encode(image, lossy, lossy_q)
            if _good(image, data):
                good.append(data)
        if not good:
            continue
        best = min(good, key=len)
        if best is palette:
            finer = _palette(image, palette_q, PALETTE_EFFORT_WINNER)
            if len(finer) < len(palette) and _good(image, finer):
                return finer
        return best
    return encode(image, "png")
