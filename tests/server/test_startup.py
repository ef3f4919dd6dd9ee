"""What the service says at start-up about the machine it runs on."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

import pinrender
from pinrender_server.settings import Settings

from .conftest import open_api

pytestmark = pytest.mark.anyio


async def test_a_machine_without_text_shaping_is_named_at_start(
        make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    shaping = pinrender.shaping_status()
    basic: Any = type(shaping)("basic", "")
    monkeypatch.setattr(pinrender, "shaping_status", lambda: basic)
    with caplog.at_level(logging.WARNING, logger="pinrender.server"):
        async with open_api(make_settings()):
            pass
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert any("libfribidi0" in w and "BASIC" in w for w in warnings), warnings


async def test_a_shaping_machine_starts_quietly(make_settings: Callable[..., Settings],
                                                caplog: pytest.LogCaptureFixture) -> None:
    assert pinrender.shaping_status().engine == "raqm"  # CI installs libfribidi0
    with caplog.at_level(logging.WARNING, logger="pinrender.server"):
        async with open_api(make_settings()):
            pass
    assert not [r for r in caplog.records if "text shaping" in r.getMessage()]
