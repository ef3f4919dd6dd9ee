"""One settings object: defaults from the seeds, PINRENDER_* overrides, all errors at once."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pinrender_server.settings import Settings


def test_defaults_follow_the_seeds() -> None:
    s = Settings()
    assert {n: p.monthly_credits for n, p in s.plans.items()} == {
        "free": 10, "pro": 100, "agency": 2000, "scale": 500, "max": 5000}
    assert all(p.hourly_requests == 1000 for p in s.plans.values())
    assert s.plan("no-such-plan") == s.plans["free"]
    assert s.database_url.startswith("sqlite:///") and s.storage_url.startswith("file:///")


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_PLANS__PRO__MONTHLY_RENDERS", "5")
    monkeypatch.setenv("PINRENDER_RENDER_MAX_AGE", "60")
    monkeypatch.setenv("PINRENDER_PUBLIC_BASE_URL", "https://img.example.com/")
    s = Settings()
    assert s.plans["pro"].monthly_renders == 5 and s.plans["pro"].monthly_credits == 100
    assert s.plans["free"] == Settings().plans["free"] and s.render_max_age == 60
    assert s.public_base_url == "https://img.example.com"


def test_every_bad_value_is_reported_together(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PINRENDER_RENDER_WORKERS", "0")
    monkeypatch.setenv("PINRENDER_PUBLIC_BASE_URL", "img.example.com")
    monkeypatch.setenv("PINRENDER_RENDER_TIMEOUT", "-1")
    with pytest.raises(ValidationError) as info:
        Settings()
    fields = {e["loc"][0] for e in info.value.errors()}
    assert fields == {"render_workers", "public_base_url", "render_timeout"}


def test_default_plan_must_exist() -> None:
    with pytest.raises(ValidationError):
        Settings(default_plan="gold")
