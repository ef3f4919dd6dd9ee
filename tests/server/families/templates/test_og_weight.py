"""Every example card at its default format (what `/api/render` answers when the request names
none) is under 250 KB and looks like the lossless render: SSIM >= 0.98 (Wang et al. on luma,
Gaussian sigma 1.5, scikit-image's implementation). `benchmarks/og_weight.py` prints the table."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from skimage.metrics import structural_similarity

from pinrender_server.families.templates.examples import example_id
from pinrender_server.settings import Settings
from tests.server.conftest import Api, open_api

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(300)]
EXAMPLES = sorted(p.stem for p in (Path(__file__).parents[4] / "examples").glob("*.json"))


@pytest.fixture
async def examples(make_settings: Callable[..., Settings]) -> AsyncIterator[Api]:
    async with open_api(make_settings(load_examples=True, render_timeout=120)) as api:
        yield api


def luma(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data)).convert("RGBA")
    white = Image.new("RGBA", image.size, (255, 255, 255, 255))
    return np.asarray(Image.alpha_composite(white, image).convert("L"))


def test_the_examples_are_there() -> None:
    assert {"blog-og", "product-card", "quote-card"} <= set(EXAMPLES)


@pytest.mark.parametrize("accept", ["*/*", "image/webp,*/*"])
async def test_examples_are_light_and_look_lossless(examples: Api, accept: str) -> None:
    for stem in EXAMPLES:
        params = {"templateId": example_id(stem)}
        light = await examples.client.get("/api/render", params=params, headers={"Accept": accept})
        lossless = await examples.client.get("/api/render", params={**params, "format": "png"})
        assert light.status_code == lossless.status_code == 200, light.text
        score = structural_similarity(luma(lossless.content), luma(light.content), data_range=255,
                                      gaussian_weights=True, sigma=1.5, use_sample_covariance=False)
        assert len(light.content) < 250 * 1024, (stem, len(light.content))
        assert score >= 0.98, (stem, score)
        assert len(light.content) < len(lossless.content) / 3, stem
