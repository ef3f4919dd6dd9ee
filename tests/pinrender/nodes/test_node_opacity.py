"""Opacity: alpha scaled, colour kept."""

from __future__ import annotations

from pinrender._nodes.image import Opacity
from pinrender._nodes.shape import Fill

from .helpers import run


def test_alpha_is_scaled() -> None:
    image = run(Opacity(Fill(10, 10, "#336699"), 0.5))
    r, g, b, a = image.getpixel((5, 5))
    assert (r, g, b) == (0x33, 0x66, 0x99) and abs(a - 128) <= 1


def test_keys_differ_by_opacity() -> None:
    assert Opacity(Fill(1, 1, "#000"), 0.5).key != Opacity(Fill(1, 1, "#000"), 0.25).key
