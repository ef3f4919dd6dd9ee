"""Orient: the EXIF orientation applied, so nothing downstream sees a rotated image."""

from __future__ import annotations

from pinrender._nodes.source import Decode, Orient
from tests import images as g

from .helpers import pil, run, source


def test_every_orientation_shows_red_top_left() -> None:
    for orientation in range(1, 9):
        image = pil(run(Orient(Decode(source(g.jpeg(orientation=orientation)))))).convert("RGB")
        assert image.size == (300, 200), orientation
        assert g.close(image.getpixel((20, 20)), g.RED), orientation
        assert g.close(image.getpixel((280, 20)), g.GREEN), orientation
