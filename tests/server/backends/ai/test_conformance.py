"""The one conformance suite, run against every backend: offline, and openai against a fake
OpenAI-compatible server on 127.0.0.1 (both the exact-size and the OpenAI-size modes)."""

from __future__ import annotations

import anyio
import pytest

from pinrender_server.backends.ai import AIBackend, AISettings, OfflineBackend, open_ai_backend
from pinrender_server.backends.ai.testing import AIBackendConformance

from .fake_openai import FakeOpenAI, fake_settings


class TestOffline(AIBackendConformance):
    image_ratios = ("1:1", "16:9", "9:16", "21:9")

    def open_backend(self) -> AIBackend:
        return open_ai_backend(AISettings())


class TestOpenAIExactSizes(AIBackendConformance):
    @pytest.fixture(autouse=True)
    def _server(self, fake: FakeOpenAI) -> None:
        self.fake = fake

    def open_backend(self) -> AIBackend:
        return open_ai_backend(fake_settings(self.fake))


class TestOpenAISizes(TestOpenAIExactSizes):
    """OpenAI's own sizes (1024x1024, 1536x1024, 1024x1536), cut to the ratio afterwards."""

    def open_backend(self) -> AIBackend:
        return open_ai_backend(fake_settings(self.fake, image_sizes="openai"))


class TestOpenAIHostile(TestOpenAIExactSizes):
    """A provider answering hostile content still yields conforming results."""

    @pytest.fixture(autouse=True)
    def _hostile(self, fake: FakeOpenAI) -> None:
        fake.default = "hostile"


def test_the_default_backend_is_offline() -> None:
    assert isinstance(open_ai_backend(AISettings()), OfflineBackend)
    backend = open_ai_backend(AISettings(backend="openai"))
    assert backend.name == "openai"
    anyio.run(backend.aclose)
