"""Frame: imgix `fit` modes and `crop` gravity, each checked against Pillow doing the same thing
(ImageOps.fit for crop, thumbnail for clip/max, ImageOps.pad for fill, resize for scale)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageOps, ImageStat

from pinrender._geometry import Gravity, frame_layout
from pinrender._nodes.frame import Frame
from pinrender._nodes.source import Decode
from tests.images import encoded

from .helpers import pil, run, source


def ramp(width: int = 400, height: int = 300) -> Image.Image:
    """Red rises left to right, green top to bottom: any offset or scale error shows in the mean."""
    red = Image.linear_gradient("L").rotate(90, expand=True).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    green = Image.linear_gradient("L")
    return Image.merge("RGB", (red.resize((width, height)), green.resize((width, height)),
                               Image.new("L", (width, height), 90)))


CENTRE = Gravity()


def framed(image: Image.Image, width: int | None, height: int | None, fit: str,
           gravity: Gravity = CENTRE, background: tuple[int, int, int, int] | None = None
           ) -> Image.Image:
    node = Frame(Decode(source(encoded(image))), width, height, fit, gravity, background)  # type: ignore[arg-type]
    return pil(run(node)).convert("RGBA" if background is None and fit == "fill" else "RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


@pytest.mark.parametrize("crop, centering", [
    (Gravity(), (0.5, 0.5)), (Gravity("align", 0.0, 0.5), (0.0, 0.5)),
    (Gravity("align", 1.0, 0.0), (1.0, 0.0)), (Gravity("align", 0.5, 1.0), (0.5, 1.0)),
])
def test_crop_matches_pillow_fit(crop: Gravity, centering: tuple[float, float]) -> None:
    image = ramp()
    out = framed(image, 120, 120, "crop", crop)
    reference = ImageOps.fit(image, (120, 120), Image.Resampling.LANCZOS, centering=centering)
    assert out.size == (120, 120)
    assert difference(out, reference) < 3


@pytest.mark.parametrize("fit", ["clip", "max"])
def test_clip_and_max_match_pillow_thumbnail(fit: str) -> None:
    image = ramp()
    out = framed(image, 200, 200, fit)
    reference = image.copy()
    reference.thumbnail((200, 200), Image.Resampling.LANCZOS)
    assert out.size == reference.size == (200, 150)
    assert difference(out, reference) < 3


def test_fill_matches_pillow_pad_on_the_background() -> None:
    image = ramp()
    out = framed(image, 300, 300, "fill", background=(0, 0, 255, 255))
    reference = ImageOps.pad(image, (300, 300), Image.Resampling.LANCZOS, color=(0, 0, 255))
    assert out.size == (300, 300)
    assert difference(out, reference) < 3
    assert out.getpixel((150, 5)) == (0, 0, 255)


def test_fill_without_background_pads_transparent_and_may_upscale() -> None:
    out = framed(ramp(100, 50), 400, 400, "fill")
    assert out.size == (400, 400)
    assert out.getpixel((200, 10))[3] == 0 and out.getpixel((200, 200))[3] == 255
    assert out.getbbox() == (0, 100, 400, 300)  # upscaled to touch both sides


def test_scale_distorts_to_exactly_the_box() -> None:
    image = ramp()
    out = framed(image, 500, 90, "scale")
    assert difference(out, image.resize((500, 90), Image.Resampling.LANCZOS)) < 3


@pytest.mark.parametrize("fit", ["clip", "max", "crop", "min"])
def test_no_upscale_except_scale_and_fill(fit: str) -> None:
    out = framed(ramp(100, 80), 400, 200, fit)
    assert out.width <= 100 and out.height <= 80
    if fit in ("crop", "min"):  # the box's 2:1 aspect at the source's own size
        assert out.size == (100, 50)


def test_one_side_follows_the_aspect_ratio() -> None:
    assert framed(ramp(), 200, None, "crop").size == (200, 150)
    assert framed(ramp(), None, 60, "clip").size == (80, 60)


def test_focal_point_centres_the_window_clamped() -> None:
    image = ramp()
    out = framed(image, 100, 100, "crop", Gravity("focal", 0.9, 0.2))
    # 400x300 -> 133x100 cover; window centred at x=0.9*133=120 -> left clamped to 33.
    scaled = image.resize((133, 100), Image.Resampling.LANCZOS)
    assert difference(out, scaled.crop((33, 0, 133, 100))) < 3


@pytest.mark.parametrize("mode", ["attention", "entropy"])
def test_smart_crops_pick_the_busy_part(mode: str) -> None:
    image = Image.new("RGB", (400, 200), (128, 128, 128))
    busy = Image.effect_noise((120, 120), 80).convert("RGB")
    image.paste(busy, (270, 40))
    out = framed(image, 150, 200, "crop", Gravity(mode))  # type: ignore[arg-type]
    noisy_part = ImageStat.Stat(out.convert("L").crop((0, 40, 150, 160))).stddev[0]
    assert out.size == (150, 200) and noisy_part > 20


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 3000), st.integers(1, 3000), st.one_of(st.none(), st.integers(1, 3000)),
       st.one_of(st.none(), st.integers(1, 3000)),
       st.sampled_from(["clip", "crop", "fill", "max", "min", "scale"]),
       st.floats(0, 1), st.floats(0, 1))
def test_layout_stays_inside_its_image(sw: int, sh: int, w: int | None, h: int | None, fit: str,
                                       x: float, y: float) -> None:
    for gravity in (Gravity("align", x, y), Gravity("focal", x, y)):
        layout = frame_layout(sw, sh, w, h, fit, gravity)  # type: ignore[arg-type]
        out_w, out_h = layout.size
        assert out_w >= 1 and out_h >= 1
        if layout.crop is not None:
            left, top, cw, ch = layout.crop
            assert 0 <= left and left + cw <= layout.scaled[0]
            assert 0 <= top and top + ch <= layout.scaled[1]
        if fit not in ("scale", "fill"):
            assert out_w <= sw and out_h <= sh  # never upscaled
        if w is not None and h is not None and fit in ("scale", "fill"):
            assert (out_w, out_h) == (w, h)
        if w is not None and h is not None and fit in ("crop", "min") and w <= sw and h <= sh:
            assert (out_w, out_h) == (w, h)
