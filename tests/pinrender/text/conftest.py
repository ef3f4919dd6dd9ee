"""Fixtures for the text tests: a registry of the bundled fonts only, so results do not depend on
what the machine has installed (tests that need a system font ask for `system_fonts`)."""

from __future__ import annotations

import pytest

from pinrender._text.registry import FontRegistry, build_registry

from .helpers import FONTS_DIR


@pytest.fixture(scope="session")
def fonts() -> FontRegistry:
    return build_registry(FONTS_DIR, system=False)


@pytest.fixture(scope="session")
def system_fonts() -> FontRegistry:
    return build_registry(FONTS_DIR, system=True)
