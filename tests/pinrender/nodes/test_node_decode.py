"""Decode: a lazy libvips image, shrunk on load toward a hint's box but never below it."""

from __future__ import annotations

import pytest
from PIL import Image

import pinrender
from pinrender._nodes.source import Decode, ShrinkHint
from tests.images import encoded, solid

from .helpers import pil, run, source


def test_decodes_to_the_sources_size_and_pixels() -> None:
    image = pil(run(Decode(source(solid(40, 30, (200, 10, 10))))))
    assert image.size == (40, 30)
    assert image.convert("RGB").getpixel((5, 5)) == (200, 10, 10)


def test_a_hint_shrinks_a_jpeg_on_load_but_keeps_enough_to_cover_the_box() -> None:
    data = encoded(Image.new("RGB", (1600, 1200), (30, 90, 150)), "JPEG")
    image = run(Decode(source(data), ShrinkHint(100, 100, "cover")))
    assert 100 <= min(image.width, image.height) and image.width < 1600


def test_damaged_bytes_are_a_decode_error() -> None:
    with pytest.raises(pinrender.DecodeError):
        pil(run(Decode(source(b"\x89PNG\r\n\x1a\n not really"))))
