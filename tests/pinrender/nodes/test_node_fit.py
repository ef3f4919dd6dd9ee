"""Fit: CSS object-fit and object-position into an RGBA box."""

from __future__ import annotations

from PIL import Image

from pinrender._nodes.image import Fit
from pinrender._nodes.source import Decode, ToSrgb
from tests.images import encoded

from .helpers import run, source


def two_halves() -> bytes:
    """200x100: left half red, right half blue."""
    image = Image.new("RGB", (200, 100), (255, 0, 0))
    image.paste((0, 0, 255), (100, 0, 200, 100))
    return encoded(image)


def fitted(mode: str, position: str = "center") -> Image.Image:
    return run(Fit(ToSrgb(Decode(source(two_halves()))), 100, 100, mode, position))


def test_cover_crops_at_the_position() -> None:
    left = fitted("cover", "left")
    assert left.size == (100, 100) and left.getpixel((90, 50))[:3] == (255, 0, 0)
    right = fitted("cover", "right")
    assert right.getpixel((10, 50))[:3] == (0, 0, 255)


def test_contain_pads_with_transparency() -> None:
    image = fitted("contain")
    assert image.mode == "RGBA" and image.size == (100, 100)
    assert image.getpixel((50, 5))[3] == 0 and image.getpixel((25, 50))[:3] == (255, 0, 0)


def test_fill_stretches() -> None:
    image = fitted("fill")
    assert image.getpixel((10, 50))[:3] == (255, 0, 0) and image.getpixel((90, 50))[:3] == (0, 0, 255)
