"""`PINRENDER_AI__*` settings: the backend, where it is and how it is called."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pinrender_server.settings import Settings


def test_defaults_are_offline() -> None:
    ai = Settings(allowed_hosts=["testserver"]).ai
    assert ai.backend == "offline" and ai.retries == 2 and ai.timeout == 60
    assert set(ai.image_models) == {"mini", "standard", "plus", "ultra"}


def test_environment_sets_every_field(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {"BACKEND": "openai", "BASE_URL": "http://127.0.0.1:8080/v1/", "API_KEY": "sk-x",
                        "TEXT_MODEL": "llama", "VISION_MODEL": "llava", "TIMEOUT": "12.5", "RETRIES": "4",
                        "IMAGE_TIMEOUT": "300", "IMAGE_SIZES": "exact", "MAX_RETRY_WAIT": "3",
                        "IMAGE_MODELS__ULTRA": "flux-pro"}.items():
        monkeypatch.setenv(f"PINRENDER_AI__{name}", value)
    ai = Settings(allowed_hosts=["testserver"]).ai
    assert (ai.backend, ai.base_url, ai.api_key, ai.text_model, ai.vision_model, ai.timeout, ai.retries) == (
        "openai", "http://127.0.0.1:8080/v1", "sk-x", "llama", "llava", 12.5, 4)
    assert ai.image_models["ultra"] == "flux-pro" and ai.image_models["mini"] == "gpt-image-1-mini"
    assert (ai.image_timeout, ai.image_sizes, ai.max_retry_wait) == (300, "exact", 3)
    assert "sk-x" not in repr(ai)


@pytest.mark.parametrize(("name", "value"), [("BACKEND", "claude"), ("BASE_URL", "ftp://x"), ("RETRIES", "-1"),
                                             ("TIMEOUT", "0"), ("IMAGE_MODELS", '{"mega": "x"}')])
def test_bad_values_are_reported(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(f"PINRENDER_AI__{name}", value)
    with pytest.raises(ValidationError, match="ai"):
        Settings(allowed_hosts=["testserver"])
