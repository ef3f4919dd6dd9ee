"""Fill: a canvas of one colour (or a gradient)."""

from __future__ import annotations

from pinrender._nodes.shape import Fill

from .helpers import run


def test_every_pixel_is_the_colour() -> None:
    image = run(Fill(20, 10, "#10203080"))
    assert image.size == (20, 10) and image.mode == "RGBA"
    assert image.getcolors() == [(200, (0x10, 0x20, 0x30, 0x80))]
