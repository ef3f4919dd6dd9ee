"""`format="auto"`: the lightest encoding whose SSIM against the lossless render is at least the
target, chosen by the pixels: flat cards as palette PNG, photographic ones as JPEG, transparency
never as JPEG; and the libvips SSIM agrees with scikit-image's reference implementation."""

from __future__ import annotations

import io

import numpy as np
import pytest
import pyvips
from PIL import Image, ImageDraw
from skimage.metrics import structural_similarity

import pinrender
from pinrender._codecs.light import TARGET_SSIM, encode_auto, ssim


def flat_card() -> Image.Image:
    image = Image.new("RGB", (600, 315), (24, 40, 72))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 300, 120), fill=(250, 200, 40))
    draw.ellipse((400, 60, 560, 220), fill=(230, 60, 90))
    return image


def photo_card() -> Image.Image:
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:315, 0:600]
    smooth = np.stack([x / 600 * 255, y / 315 * 255, (x + y) / 915 * 255], axis=-1)
    noisy = smooth + rng.normal(0, 18, smooth.shape)
    blurred = Image.fromarray(np.clip(noisy, 0, 255).astype("uint8")).resize((300, 158)).resize((600, 315))
    return blurred


def vips(image: Image.Image) -> pyvips.Image:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return pyvips.Image.new_from_buffer(buf.getvalue(), "")


def reference_ssim(a: bytes | Image.Image, b: bytes) -> float:
    """Wang et al.'s SSIM (luma, Gaussian sigma 1.5) as scikit-image computes it."""
    grey = [np.asarray((x if isinstance(x, Image.Image) else Image.open(io.BytesIO(x))).convert("L"))
            for x in (a, b)]
    return float(structural_similarity(grey[0], grey[1], data_range=255, gaussian_weights=True,
                                       sigma=1.5, use_sample_covariance=False))


@pytest.mark.parametrize("card, expected", [(flat_card, "PNG"), (photo_card, "JPEG")])
def test_content_chooses_the_format(card: object, expected: str) -> None:
    image = card()  # type: ignore[operator]
    data = encode_auto(vips(image))
    decoded = Image.open(io.BytesIO(data))
    assert decoded.format == expected
    if expected == "PNG":
        assert decoded.mode == "P"  # palette-quantised
    assert reference_ssim(image, data) >= 0.98
    lossless = io.BytesIO()
    image.save(lossless, "PNG")
    assert len(data) < len(lossless.getvalue())


def test_transparency_is_never_jpeg() -> None:
    image = photo_card().convert("RGBA")
    image.putalpha(Image.linear_gradient("L").resize(image.size))
    data = encode_auto(vips(image))
    assert Image.open(io.BytesIO(data)).format == "PNG"


def test_webp_is_a_candidate_when_asked() -> None:
    data = encode_auto(vips(photo_card()), "webp")
    assert Image.open(io.BytesIO(data)).format == "WEBP"


def test_libvips_ssim_agrees_with_scikit_image() -> None:
    image = photo_card()
    for quality in (30, 70, 95):
        buf = io.BytesIO()
        image.save(buf, "JPEG", quality=quality)
        ours = ssim(vips(image), pyvips.Image.new_from_buffer(buf.getvalue(), ""))
        assert abs(ours - reference_ssim(image, buf.getvalue())) < 0.01
    assert ssim(vips(image), vips(image)) == pytest.approx(1.0)
    assert TARGET_SSIM >= 0.98


def test_render_auto_through_the_public_api() -> None:
    template = {"canvas": {"width": 400, "height": 200, "background": "#123456"},
                "layers": [{"name": "t", "type": "text", "x": 20, "y": 20, "width": 360,
                            "height": 100, "text": "Hello", "fontSize": 48, "color": "#ffffff"}]}
    result = pinrender.default_renderer().render_result(template, format="auto")
    assert result.format == "png" and result.media_type == "image/png"
    assert pinrender.render_key(template, format="auto") != pinrender.render_key(template)
    assert pinrender.parse_template({**template, "format": "auto"}).format == "auto"
    with pytest.raises(pinrender.TemplateError):
        pinrender.parse_template({**template, "format": "bmp"})


def test_huge_canvases_skip_the_comparisons() -> None:
    big = pyvips.Image.black(2100, 2000, bands=3) + [40, 90, 160]
    data = encode_auto(big.cast("uchar").copy(interpretation="srgb"))
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    with_alpha = (pyvips.Image.black(2100, 2000, bands=4) + [40, 90, 160, 128]).cast("uchar")
    data = encode_auto(with_alpha.copy(interpretation="srgb"))
    assert Image.open(io.BytesIO(data)).format == "PNG"
