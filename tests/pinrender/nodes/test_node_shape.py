"""Shape: a rectangle with a fill, a border and corner radii."""

from __future__ import annotations

from pinrender._nodes.shape import Shape

from .helpers import run


def test_fill_and_border() -> None:
    image = run(Shape(40, 30, "#0000ff", 4.0, "#ff0000"))
    assert image.size == (40, 30)
    assert image.getpixel((20, 15)) == (0, 0, 255, 255)
    assert image.getpixel((1, 15))[:3] == (255, 0, 0) and image.getpixel((20, 1))[:3] == (255, 0, 0)


def test_radii_cut_the_corners() -> None:
    image = run(Shape(40, 40, "#00ff00", radii=(20.0, 20.0, 20.0, 20.0)))
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((20, 20)) == (0, 255, 0, 255)
