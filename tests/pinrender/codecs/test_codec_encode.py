"""The encoder: every format from pyvips and Pillow inputs, defaults, metadata, alpha, speed."""

from __future__ import annotations

import io

import pytest
import pyvips
from PIL import Image, ImageDraw

from pinrender._codecs import encode
from pinrender._codecs.encode import DEFAULTS
from tests import images as g

pytestmark = pytest.mark.timeout(60)


def card() -> Image.Image:
    """Something like the OG compositor's output: 1200x630 RGBA, opaque, text and a photo."""
    im = Image.linear_gradient("L").resize((1200, 630)).convert("RGBA")
    im.paste(g.quadrants(400, 260).convert("RGBA"), (700, 180))
    d = ImageDraw.Draw(im)
    for i in range(6):
        d.text((60, 60 + 60 * i), "pinrender renders cards fast " * 2, fill=(255, 255, 255, 255))
    return im


@pytest.mark.parametrize("fmt", ["png", "jpeg", "jpg", "webp", "avif", "gif"])
@pytest.mark.parametrize("kind", ["pillow", "vips"])
def test_every_format_from_both_inputs(fmt: str, kind: str) -> None:
    source = g.quadrants(300, 200).convert("RGBA")
    image = source if kind == "pillow" else g.vips_of(source)
    out = g.decoded(encode(image, fmt, None))
    assert out.size == (300, 200)
    assert out.format == {"jpg": "JPEG"}.get(fmt, fmt.upper())
    assert g.close(g.pixel(out, 0.2, 0.2), g.RED, 30)


def test_opaque_rgba_is_written_as_rgb() -> None:
    for fmt in ("png", "webp"):
        out = g.decoded(encode(card(), fmt, None))
        assert out.mode == "RGB", fmt


def test_jpeg_flattens_alpha_on_the_background() -> None:
    im = Image.new("RGBA", (500, 500), (255, 0, 0, 0))
    for image in (im, g.vips_of(im).copy(interpretation="srgb")):
        out = g.decoded(encode(image, "jpeg", 90, background=(0, 0, 255)))
        assert out.mode == "RGB"
        assert g.close(out.getpixel((250, 250)), (0, 0, 255), 10)


def test_small_jpegs_keep_full_chroma_and_large_ones_subsample() -> None:
    small = g.decoded(encode(g.quadrants(200, 200), "jpeg", None))
    large = g.decoded(encode(g.quadrants(1200, 800), "jpeg", None))
    from PIL import JpegImagePlugin

    assert JpegImagePlugin.get_sampling(small) == 0  # 4:4:4
    assert JpegImagePlugin.get_sampling(large) == 2  # 4:2:0
    assert DEFAULTS["jpeg"].quality == 85 and DEFAULTS["webp"].quality == 80
    assert DEFAULTS["avif"].quality == 50


def test_metadata_is_dropped_unless_kept() -> None:
    im = Image.open(io.BytesIO(g.jpeg(400, 300, gps=True)))
    im.load()
    vim = pyvips.Image.new_from_buffer(g.jpeg(400, 300, gps=True), "")
    for image in (im, vim):
        for fmt in ("jpeg", "webp", "png"):
            data = encode(image, fmt, None)
            assert b"pinrender-test-camera" not in data, (type(image), fmt)
    assert b"pinrender-test-camera" in encode(vim, "jpeg", None, keep_metadata=True)
    assert b"pinrender-test-camera" in encode(im, "jpeg", None, keep_metadata=True)


def test_animation_from_pillow_and_vips() -> None:
    gif = Image.open(io.BytesIO(g.animation("gif", 3)))
    out = g.decoded(encode(gif, "webp", None, animated=True))
    assert out.n_frames == 3
    first = g.decoded(encode(gif, "png", None))
    assert first.size == (120, 80) and g.close(g.pixel(first, 0.5, 0.5), g.RED)


def test_bad_options() -> None:
    with pytest.raises(ValueError):
        encode(card(), "tiff", None)
    with pytest.raises(ValueError):
        encode(card(), "jpeg", 101)

