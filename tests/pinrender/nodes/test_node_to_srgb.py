"""ToSrgb: 8-bit sRGB out of CMYK, greyscale and 16-bit sources, alpha kept."""

from __future__ import annotations

from PIL import Image

from pinrender._nodes.source import Decode, ToSrgb
from tests import images as g
from tests.images import encoded

from .helpers import run, source


def test_cmyk_becomes_three_band_srgb() -> None:
    image = run(ToSrgb(Decode(source(g.cmyk_jpeg()))))
    assert (image.bands, image.format, image.interpretation) == (3, "uchar", "srgb")


def test_grey_with_alpha_becomes_srgb_with_alpha() -> None:
    image = run(ToSrgb(Decode(source(encoded(Image.new("LA", (8, 8), (128, 200)))))))
    assert image.bands == 4 and image.format == "uchar"
    assert [round(v) for v in image(2, 2)] == [128, 128, 128, 200]


def test_sixteen_bits_become_eight() -> None:
    image = run(ToSrgb(Decode(source(encoded(Image.new("I;16", (8, 8), 65535))))))
    assert image.format == "uchar" and round(image(1, 1)[0]) == 255
