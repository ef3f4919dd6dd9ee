"""Shared fixtures: where the repository and the shared corpus live, and image helpers."""

from __future__ import annotations

import io
import os
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


def find_corpus() -> Path | None:
    """The shared bad-input corpus: `PINRENDER_TEST_CORPUS`, else `shared/corpus/external` beside
    the checkout or beside any folder above it (worktrees and CI clones sit at other depths)."""
    configured = os.environ.get("PINRENDER_TEST_CORPUS")
    candidates = ([Path(configured)] if configured
                  else [parent / "shared" / "corpus" / "external" for parent in REPO.parents])
    for candidate in candidates:
        if candidate.is_dir() and any(candidate.iterdir()):
            return candidate
    return None


CORPUS = find_corpus()


def corpus_files() -> list[Path]:
    """Every file of the corpus (not its provenance notes), or [] where it is absent."""
    if CORPUS is None:
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file() and not p.name.startswith("SOURCES."))


@pytest.fixture
def corpus_dir() -> Path:
    if CORPUS is None:
        pytest.skip("the shared bad-input corpus is not present (set PINRENDER_TEST_CORPUS)")
    return CORPUS
