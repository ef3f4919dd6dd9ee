"""PINRENDER_DECODE_MEMORY_BYTES reaches the renderer's decode budget."""

from __future__ import annotations

import pytest

from pinrender_server.app import build_renderer
from pinrender_server.settings import Settings


def test_the_setting_is_the_renderers_decode_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_DECODE_MEMORY_BYTES", str(300 * 2**20))
    renderer = build_renderer(Settings())
    assert renderer.services.limits.max_decode_bytes == 300 * 2**20
    assert renderer.decode_budget.capacity == 300 * 2**20


def test_the_default_is_one_gibibyte() -> None:
    assert build_renderer(Settings()).decode_budget.capacity == 2**30
