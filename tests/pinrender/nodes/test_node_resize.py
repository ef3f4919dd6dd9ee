"""Resize: a short edge or a width, aspect kept, never upscaled."""

from __future__ import annotations

import pytest

from pinrender._nodes.resize import Resize
from pinrender._nodes.source import Decode
from tests.images import solid

from .helpers import run, source


@pytest.mark.parametrize("rule, target, size, expected", [
    ("short_edge", 320, (1200, 800), (480, 320)),
    ("short_edge", 320, (800, 1200), (320, 480)),
    ("width", 512, (2048, 1024), (512, 256)),
    ("width", 512, (300, 200), (300, 200)),  # never upscaled
    ("short_edge", 1080, (640, 480), (640, 480)),
])
def test_sizes(rule: str, target: int, size: tuple[int, int],
               expected: tuple[int, int]) -> None:
    image = run(Resize(Decode(source(solid(*size, (50, 60, 70)))), rule, target))  # type: ignore[arg-type]
    assert (image.width, image.height) == expected
    assert [round(v) for v in image(expected[0] // 2, expected[1] // 2)][:3] == [50, 60, 70]
