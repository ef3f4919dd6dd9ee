"""imgix-style frame options through the public `pinrender.transform`: canonical keys, dpr,
and a TemplateError naming the bad option."""

from __future__ import annotations

import io

import pytest
from PIL import Image

import pinrender
from tests.images import quadrants


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


def size_of(data: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(data)).size


def test_dpr_multiplies_and_shares_the_key() -> None:
    src = png(quadrants(600, 400))
    assert size_of(pinrender.transform(src, w=150, h=100, fit="crop", dpr=2, format="png")) == (300, 200)
    assert pinrender.transform_key(src, w=150, dpr=2) == pinrender.transform_key(src, w=300)
    assert pinrender.transform_key(src, crop="edges", w=9, h=9, fit="crop") == \
        pinrender.transform_key(src, crop="attention", w=9, h=9, fit="crop")
    assert pinrender.transform_key(src, crop="top,left", w=9, h=9, fit="crop") == \
        pinrender.transform_key(src, crop="left, top", w=9, h=9, fit="crop")


def test_bg_flattens_alpha() -> None:
    src = png(Image.new("RGBA", (40, 40), (0, 0, 0, 0)))
    out = Image.open(io.BytesIO(pinrender.transform(src, bg="#00ff00", format="png")))
    assert out.convert("RGB").getpixel((20, 20)) == (0, 255, 0)


@pytest.mark.parametrize("options, path", [
    ({"w": 0}, "w"), ({"h": 9000}, "h"), ({"w": 3000, "dpr": 3}, "w"), ({"dpr": 4}, "dpr"),
    ({"fit": "cover"}, "fit"), ({"crop": "faces"}, "crop"), ({"crop": "entropy,top"}, "crop"),
    ({"focal": (1.5, 0.5)}, "fp-x"), ({"crop": "top", "focal": (0.5, 0.5)}, "crop"),
    ({"bg": "nope"}, "bg"),
])
def test_bad_options_name_themselves(options: dict[str, object], path: str) -> None:
    with pytest.raises(pinrender.TemplateError) as info:
        pinrender.transform_key(b"x", **options)
    assert info.value.path == path


def test_a_preset_then_a_frame() -> None:
    # 4000x3000 shrunk on load for size=s (short edge 320 -> 427x320), then clipped to 1000:
    # the frame sees the resized image, so nothing is upscaled back towards the original.
    src = png(quadrants(4000, 3000))
    assert size_of(pinrender.transform(src, size="s", w=1000, format="png")) == (427, 320)
    assert size_of(pinrender.transform(src, size="s", w=200, h=200, fit="crop",
                                       format="png")) == (200, 200)
