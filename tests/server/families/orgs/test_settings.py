"""`PINRENDER_EXT__ALLOWED_HOSTS` (a JSON list) and `PINRENDER_EXT__MAX_TOKENS`."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pinrender_server.settings import Settings


def test_ext_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_EXT__ALLOWED_HOSTS", '["API.9pic.ai", "*.example.com:8443"]')
    monkeypatch.setenv("PINRENDER_EXT__MAX_TOKENS", "3")
    ext = Settings().ext
    assert ext.allowed_hosts == ["api.9pic.ai", "*.example.com:8443"] and ext.max_tokens == 3


def test_bad_hosts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_EXT__ALLOWED_HOSTS", '["http://api.9pic.ai/"]')
    with pytest.raises(ValidationError, match="use host"):
        Settings()
