"""Every output kind (template, transform, hotspot card) is a pure plan run by the one executor:
the same deadline, the same decode budget, the same keys before and after running."""

from __future__ import annotations

from base64 import b64encode
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

import pinrender
from tests import images as g
from tests.conftest import decode

PHOTO = g.jpeg(1200, 800)
TEMPLATE = {"canvas": {"width": 300, "height": 200, "background": "#ffffff"},
            "layers": [{"name": "photo", "type": "image", "x": 0, "y": 0, "width": 150,
                        "height": 100, "objectFit": "cover",
                        "image_url": "data:image/jpeg;base64," + b64encode(PHOTO).decode()}]}

Planner = Callable[[pinrender.Renderer], Any]
KINDS: dict[str, tuple[Planner, tuple[int, int]]] = {
    "render": (lambda r: r.plan(TEMPLATE, format="webp"), (300, 200)),
    "transform": (lambda r: r.plan_transform(PHOTO, size="s", format="webp"), (480, 320)),
    "hotspot card": (lambda r: r.plan_hotspot_card(PHOTO, [{"x": 50, "y": 50}], width=600,
                                                    format="webp"), (600, 400)),
}


def renderer(capacity: int, timeout: float | None = None) -> pinrender.Renderer:
    limits = replace(pinrender.DEFAULT_LIMITS, max_decode_bytes=capacity)
    services = pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts(), limits)
    return pinrender.Renderer(services, cache_bytes=0, timeout=timeout)


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_result_has_the_plans_key_and_the_planned_image(kind: str) -> None:
    plan, size = KINDS[kind]
    r = renderer(2**30)
    key = plan(r).key
    result = r.result(plan(r))
    assert result.key == key and result.format == "webp" and result.media_type == "image/webp"
    assert decode(result.data).size == size
    assert set(result.timings) == {"fetch", "render", "encode"}


@pytest.mark.parametrize("kind", list(KINDS))
def test_every_kind_runs_under_the_deadline(kind: str) -> None:
    plan, _ = KINDS[kind]
    late = renderer(2**30, timeout=1e-9)
    with pytest.raises(pinrender.RenderTimeout):
        late.result(plan(late))
    assert late.stats["encode"] == 0


@pytest.mark.parametrize("kind, capacity", [(kind, 555_000_000 + i)
                                            for i, kind in enumerate(KINDS)])
def test_every_kind_reserves_decode_memory_and_gives_it_back(kind: str, capacity: int) -> None:
    plan, _ = KINDS[kind]
    r = renderer(capacity)  # a capacity of its own: this budget is fresh
    r.result(plan(r))
    assert r.decode_budget.capacity == capacity
    assert r.decode_budget.high_water > 0 and r.decode_budget.in_use == 0
