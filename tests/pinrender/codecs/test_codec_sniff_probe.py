"""Sniffing by magic bytes and probing headers against limits, before any pixel is decoded."""

from __future__ import annotations

import pytest

from pinrender import DEFAULT_LIMITS, DecodeError, LimitError, Limits
from pinrender._codecs import decode, probe, sniff
from pinrender._codecs.decode import ShrinkHint, jpeg_shrink
from tests import images as g

pytestmark = pytest.mark.timeout(30)


@pytest.mark.parametrize("fmt", list(g.ALL_FORMATS))
def test_sniff_recognises_every_input_format(fmt: str) -> None:
    assert sniff(g.ALL_FORMATS[fmt]()) == fmt


@pytest.mark.parametrize("data", [b"", b"hello", b"%!PS-Adobe-3.0\n", b"\x00\x00\x01\x00icon",
                                  b"<html><svg></svg></html>", b"\x1f\x8b\x08\x00svgz"])
def test_sniff_refuses_anything_else(data: bytes) -> None:
    with pytest.raises(DecodeError):
        sniff(data)


def test_svg_with_prologue_is_sniffed() -> None:
    data = b'\xef\xbb\xbf<?xml version="1.0"?>\n<!-- made by hand -->\n' + g.svg()
    assert sniff(data) == "svg"


@pytest.mark.parametrize("fmt", list(g.ALL_FORMATS))
def test_probe_reads_the_header(fmt: str) -> None:
    info = probe(g.ALL_FORMATS[fmt](), DEFAULT_LIMITS)
    assert (info.width, info.height, info.frames, info.orientation) == (300, 200, 1, 1)
    assert info.format == fmt


def test_probe_alpha_frames_and_orientation() -> None:
    assert probe(g.png(30, 20, "RGBA"), DEFAULT_LIMITS).has_alpha
    assert not probe(g.png(30, 20), DEFAULT_LIMITS).has_alpha
    assert probe(g.animation("webp", 5), DEFAULT_LIMITS).frames == 5
    assert probe(g.animation("gif", 3), DEFAULT_LIMITS).frames == 3
    info = probe(g.jpeg(300, 200, orientation=6), DEFAULT_LIMITS)
    assert (info.width, info.height) == (200, 300)
    assert (info.oriented_width, info.oriented_height) == (300, 200)


@pytest.mark.timeout(5)  # from the header: decoding either file would not finish in time
def test_limits_are_checked_from_the_header_quickly() -> None:
    with pytest.raises(LimitError, match="50000x50000"):
        probe(g.png_header_lie(), DEFAULT_LIMITS)
    with pytest.raises(LimitError, match="frames"):
        probe(g.many_frame_gif(3000), DEFAULT_LIMITS)
    small = Limits(max_source_bytes=1000, max_svg_bytes=100, max_source_side=250,
                   max_frames=10, max_animation_pixels=120 * 80 * 3)
    with pytest.raises(LimitError, match="bytes"):
        probe(g.jpeg(), small)
    with pytest.raises(LimitError, match="SVG"):
        probe(g.svg(), Limits(max_svg_bytes=100))
    with pytest.raises(LimitError, match="longest side"):
        probe(g.png(), Limits(max_source_side=250))
    with pytest.raises(LimitError, match="animation"):
        probe(g.animation("gif", 4), Limits(max_animation_pixels=120 * 80 * 3))


def test_shrink_on_load_never_goes_below_the_hint() -> None:
    assert jpeg_shrink(6000, 4000, 640 / 4000) == 4
    assert jpeg_shrink(6000, 4000, 0.5) == 2
    assert jpeg_shrink(6000, 4000, 0.51) == 1


def test_jpeg_shrink_picks_the_largest_factor_that_still_covers() -> None:
    data = g.jpeg(3200, 2400)
    image = decode(data, DEFAULT_LIMITS, hint=ShrinkHint(300, 300, "cover"))
    assert (image.width, image.height) == (400, 300)
    image = decode(data, DEFAULT_LIMITS, hint=ShrinkHint(320, 320, "cover"))
    assert (image.width, image.height) == (800, 600)
    image = decode(data, DEFAULT_LIMITS, hint=ShrinkHint(500, 500, "contain"))
    assert (image.width, image.height) == (800, 600)  # 500x375 needed to fit 500x500
    image = decode(g.ALL_FORMATS["webp"](3000, 2000), DEFAULT_LIMITS,
                   hint=ShrinkHint(300, 300, "cover"))
    assert image.height >= 300 and image.width >= 450 and image.width < 1000


def test_svg_is_rendered_no_larger_than_its_nominal_size() -> None:
    image = decode(g.svg(300, 200), DEFAULT_LIMITS, hint=ShrinkHint(1000, 1000, "cover"))
    assert (image.width, image.height) == (300, 200)
    image = decode(g.svg(3000, 2000), DEFAULT_LIMITS, hint=ShrinkHint(300, 300, "cover"))
    assert 450 <= image.width <= 452 and 300 <= image.height <= 302
