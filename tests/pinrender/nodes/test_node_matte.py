"""Matte: imgix `bg` under transparent pixels; opaque images pass unchanged."""

from __future__ import annotations

from PIL import Image

from pinrender._nodes.frame import Matte
from pinrender._nodes.source import Decode
from tests.images import encoded, solid

from .helpers import pil, run, source


def test_transparent_pixels_take_the_background() -> None:
    image = Image.new("RGBA", (20, 10), (0, 0, 0, 0))
    image.paste((255, 0, 0, 255), (0, 0, 10, 10))
    out = pil(run(Matte(Decode(source(encoded(image))), (0, 0, 255, 255)))).convert("RGBA")
    assert out.getpixel((5, 5)) == (255, 0, 0, 255)
    assert out.getpixel((15, 5)) == (0, 0, 255, 255)
    assert out.mode == "RGBA" and out.getextrema()[3] == (255, 255)


def test_half_transparent_background_keeps_alpha() -> None:
    image = Image.new("RGBA", (10, 10), (0, 0, 0, 0))
    out = pil(run(Matte(Decode(source(encoded(image))), (0, 255, 0, 128)))).convert("RGBA")
    assert out.getpixel((5, 5)) == (0, 255, 0, 128)


def test_opaque_images_are_unchanged() -> None:
    out = pil(run(Matte(Decode(source(solid(8, 8, (10, 20, 30)))), (255, 255, 255, 255))))
    assert out.convert("RGB").getpixel((4, 4)) == (10, 20, 30)
