"""Encode: the requested format, or the source's own where it can be written."""

from __future__ import annotations

import pytest

import pinrender
from pinrender._nodes.encode import Encode
from pinrender._nodes.shape import Fill
from pinrender._nodes.source import Decode
from tests import images as g
from tests.conftest import decode

from .helpers import run, source


@pytest.mark.parametrize("fmt, pil_name", [("png", "PNG"), ("jpeg", "JPEG"), ("webp", "WEBP"),
                                           ("avif", "AVIF"), ("gif", "GIF")])
def test_each_writable_format(fmt: str, pil_name: str) -> None:
    image = decode(run(Encode(Fill(30, 20, "#3366cc"), fmt)))
    assert image.format == pil_name and image.size == (30, 20)


@pytest.mark.parametrize("make, expected", [(g.jpeg, "JPEG"), (g.png, "PNG"), (g.bmp, "PNG"),
                                            (g.tiff, "PNG")])
def test_no_format_keeps_the_sources_or_its_stand_in(make: object, expected: str) -> None:
    data = run(Encode(Decode(source(make())), None))  # type: ignore[operator]
    assert decode(data).format == expected
    assert pinrender.FORMATS[expected.lower()].encodable


def test_outputs_over_the_pixel_limit_are_refused() -> None:
    limits = pinrender.Limits(max_output_pixels=100)
    services = pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts(), limits)
    with pytest.raises(pinrender.RenderError):
        run(Encode(Decode(source(g.png())), "png"), services)
