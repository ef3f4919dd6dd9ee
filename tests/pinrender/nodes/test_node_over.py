"""Over: a layer composited at its box's position, optionally rotated, inputs untouched."""

from __future__ import annotations

from pinrender._nodes.composite import Over
from pinrender._nodes.shape import Fill

from .helpers import run


def test_the_layer_lands_at_its_position() -> None:
    image = run(Over(Fill(100, 100, "#ffffff"), Fill(20, 10, "#000000"), 30, 40))
    assert image.getpixel((35, 45)) == (0, 0, 0, 255)
    assert image.getpixel((29, 45)) == (255, 255, 255, 255)
    assert image.getpixel((55, 45)) == (255, 255, 255, 255)


def test_half_transparent_layers_blend() -> None:
    image = run(Over(Fill(10, 10, "#ffffff"), Fill(10, 10, "#00000080"), 0, 0))
    assert all(abs(v - 127) <= 2 for v in image.getpixel((5, 5))[:3])


def test_a_rotated_layer_turns_about_its_centre() -> None:
    image = run(Over(Fill(100, 100, "#ffffff"), Fill(60, 10, "#000000"), 20, 45, 90.0))
    assert image.getpixel((50, 25))[:3] == (0, 0, 0)  # now vertical through the centre
    assert image.getpixel((25, 50))[:3] == (255, 255, 255)
