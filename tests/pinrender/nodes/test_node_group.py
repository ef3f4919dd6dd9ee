"""Group: a layer and its shadows in one transparent box, parts drawn in order (first at the
bottom), each at its offset."""

from __future__ import annotations

from PIL import Image

from pinrender._nodes.group import Group

from .helpers import Painted, run


def test_parts_are_drawn_in_order_at_their_offsets() -> None:
    blue = Painted.of(Image.new("RGBA", (2, 2), (0, 0, 255, 255)))
    red = Painted.of(Image.new("RGBA", (2, 2), (255, 0, 0, 255)))
    out = run(Group(5, 4, (blue, red), ((0, 0), (1, 1))))
    assert out.size == (5, 4) and out.mode == "RGBA"
    assert out.getpixel((0, 0)) == (0, 0, 255, 255)
    assert out.getpixel((1, 1)) == (255, 0, 0, 255)  # the later part on top
    assert out.getpixel((2, 2)) == (255, 0, 0, 255)
    assert out.getpixel((4, 3))[3] == 0  # the rest of the box stays transparent


def test_a_translucent_part_blends_over_the_one_below() -> None:
    white = Painted.of(Image.new("RGBA", (1, 1), (255, 255, 255, 255)))
    half_black = Painted.of(Image.new("RGBA", (1, 1), (0, 0, 0, 128)))
    r, g, b, a = run(Group(1, 1, (white, half_black), ((0, 0), (0, 0)))).getpixel((0, 0))
    assert a == 255 and 120 <= r == g == b <= 135
