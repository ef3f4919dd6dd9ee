"""The example templates against golden renders, compared perceptually.

Regenerate after an intended visual change with:  PINRENDER_UPDATE_GOLDENS=1 pytest tests/pinrender
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from PIL import Image

from pinrender import Renderer
from pinrender.testing import difference
from tests.conftest import EXAMPLES, decode

GOLDEN = Path(__file__).resolve().parent / "golden"
NAMES = sorted(p.stem for p in EXAMPLES.glob("*.json"))


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


def test_there_are_at_least_five_examples() -> None:
    assert len(NAMES) >= 5


def half_size(data: bytes) -> bytes:
    """Goldens are kept at half size, losslessly, to keep the repository small."""
    image = decode(data)
    small = image.resize((image.width // 2, image.height // 2), Image.Resampling.BOX)
    buf = io.BytesIO()
    small.save(buf, "WEBP", lossless=True)
    return buf.getvalue()


@pytest.mark.parametrize("name", NAMES)
def test_example_matches_its_golden(renderer: Renderer, name: str) -> None:
    rendered = half_size(renderer.render(EXAMPLES / f"{name}.json", format="png"))
    golden = GOLDEN / f"{name}.webp"
    if os.environ.get("PINRENDER_UPDATE_GOLDENS") == "1":
        GOLDEN.mkdir(exist_ok=True)
        golden.write_bytes(rendered)
    assert golden.exists(), f"no golden for {name}: run with PINRENDER_UPDATE_GOLDENS=1"
    assert decode(rendered).size == decode(golden.read_bytes()).size
    score = difference(rendered, golden.read_bytes())
    assert score <= 1.5, f"{name} differs from its golden by {score:.2f}"


def test_the_comparison_notices_a_changed_title(renderer: Renderer) -> None:
    template = EXAMPLES / "blog-og.json"
    base = renderer.render(template)
    other = renderer.render(template, {"title": {"text": "Something else entirely, at length"}})
    assert difference(base, other) > 1.5
