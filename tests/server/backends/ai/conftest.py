from __future__ import annotations

from collections.abc import Iterator

import pytest

from pinrender_server.backends.ai import AISettings

from .fake_openai import FakeOpenAI


@pytest.fixture(scope="session")
def fake_server() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
def fake(fake_server: FakeOpenAI) -> Iterator[FakeOpenAI]:
    fake_server.reset()
    yield fake_server
    fake_server.reset()


def fake_settings(fake: FakeOpenAI, **overrides: object) -> AISettings:
    """Settings for the openai backend against the fake: short timeout, no waiting between tries."""
    values: dict[str, object] = {"backend": "openai", "base_url": fake.url, "api_key": "sk-test",
                                 "timeout": 1.0, "image_timeout": 5.0, "retries": 2, "max_retry_wait": 0.05,
                                 "image_sizes": "exact"}
    values.update(overrides)
    return AISettings.model_validate(values)
