"""Shared fixtures: where the repository and the shared corpus live, and image helpers."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


def decode(data: bytes) -> Image.Image:
    """Decode an image we produced, fully, so a broken file fails the test here."""
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip("the shared folder beside the repository is not present")
    return SHARED
