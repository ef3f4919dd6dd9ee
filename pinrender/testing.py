"""Helpers for tests of images pinrender produces, reusable by plugin and template authors.

Golden images are compared perceptually, with a tolerance, never byte for byte: encoders and
font rasterisers change in their last bits between library versions.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageChops, ImageFilter, ImageStat


def open_image(data: bytes | Path | Image.Image) -> Image.Image:
    if isinstance(data, Image.Image):
        return data
    image = Image.open(io.BytesIO(data) if isinstance(data, bytes) else data)
    image.load()
    return image


def difference(actual: bytes | Path | Image.Image, expected: bytes | Path | Image.Image, *,
               blur: float = 1.0) -> float:
    """Mean absolute difference per channel (0-255) after a light blur.

    The blur makes sub-pixel shifts of anti-aliased edges cost little, while a missing layer,
    a wrong colour or a moved block of text still costs a lot.
    """
    a = open_image(actual).convert("RGBA")
    b = open_image(expected).convert("RGBA")
    if a.size != b.size:
        return 255.0
    if blur:
        a, b = a.filter(ImageFilter.GaussianBlur(blur)), b.filter(ImageFilter.GaussianBlur(blur))
    stat = ImageStat.Stat(ImageChops.difference(a, b))
    return sum(stat.mean) / len(stat.mean)


def ink_box(image: Image.Image, background: tuple[int, ...] | None = None,
            threshold: int = 40) -> tuple[int, int, int, int] | None:
    """The bounding box of pixels that differ from `background` (default: the top-left pixel)."""
    rgba = image.convert("RGBA")
    bg = Image.new("RGBA", rgba.size, background or rgba.getpixel((0, 0)))  # type: ignore[arg-type]
    diff = ImageChops.difference(rgba, bg).convert("L").point(lambda v: 255 if v > threshold else 0)
    return diff.getbbox()
