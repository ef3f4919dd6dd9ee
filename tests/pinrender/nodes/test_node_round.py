"""RoundCorners: transparent corners outside the radius, untouched pixels inside."""

from __future__ import annotations

from pinrender._nodes.image import RoundCorners
from pinrender._nodes.shape import Fill

from .helpers import run


def test_corners_are_cut_and_the_middle_kept() -> None:
    image = run(RoundCorners(Fill(100, 100, "#ff0000"), (20.0, 20.0, 20.0, 20.0)))
    assert image.getpixel((0, 0))[3] == 0 and image.getpixel((99, 99))[3] == 0
    assert image.getpixel((50, 50)) == (255, 0, 0, 255)
    assert image.getpixel((50, 0))[3] == 255  # an edge between the corners stays


def test_one_corner_alone() -> None:
    image = run(RoundCorners(Fill(50, 50, "#00ff00"), (0.0, 25.0, 0.0, 0.0)))
    assert image.getpixel((0, 0))[3] == 255 and image.getpixel((49, 0))[3] == 0
