"""Clip: a paint shown only where a mask is drawn (gradient text): the paint's alpha times the
mask's, its colour untouched."""

from __future__ import annotations

from PIL import Image

from pinrender._nodes.clip import Clip

from .helpers import Painted, run


def test_the_paint_shows_through_the_mask_only() -> None:
    paint = Painted.of(Image.new("RGBA", (4, 2), (200, 10, 20, 255)))
    mask = Image.new("RGBA", (4, 2), (0, 0, 0, 0))
    mask.putpixel((0, 0), (0, 0, 0, 255))
    mask.putpixel((1, 0), (9, 9, 9, 128))
    out = run(Clip(paint, Painted.of(mask)))
    assert out.getpixel((0, 0)) == (200, 10, 20, 255)
    assert out.getpixel((1, 0))[:3] == (200, 10, 20) and out.getpixel((1, 0))[3] in (127, 128)
    assert out.getpixel((3, 1))[3] == 0


def test_a_translucent_paint_stays_translucent() -> None:
    paint = Painted.of(Image.new("RGBA", (2, 2), (0, 0, 255, 128)))
    mask = Painted.of(Image.new("RGBA", (2, 2), (0, 0, 0, 128)))
    assert run(Clip(paint, mask)).getpixel((1, 1))[3] in (64, 65)
