"""`/healthz`, `/readyz` and `/metrics` through the real app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import CARD, Api, auth, open_api

pytestmark = pytest.mark.anyio


async def test_health_and_readiness(api: Api) -> None:
    assert (await api.client.get("/healthz")).json() == {"status": "ok"}
    ready = await api.client.get("/readyz")
    body = ready.json()
    assert ready.status_code == 200 and body["status"] == "ready"
    assert set(body["checks"]) == {"database", "counters", "blobs"}
    assert all(c["ok"] and c["ms"] >= 0 for c in body["checks"].values())
    # A load balancer asks by IP: these answer any Host.
    other = await api.client.get("/readyz", headers={"Host": "10.1.2.3:8000"})
    assert other.status_code == 200
    assert (await api.client.get("/api/templates", headers={"Host": "10.1.2.3:8000"})).status_code == 400


async def test_readiness_names_the_backend_that_fails(api: Api) -> None:
    class Broken:
        def __getattr__(self, name: str) -> Any:
            raise ConnectionError("redis down")

    working, api.ctx.counters = api.ctx.counters, Broken()  # type: ignore[assignment]
    try:
        ready = await api.client.get("/readyz")
    finally:
        api.ctx.counters = working
    body = ready.json()
    assert ready.status_code == 503 and body["status"] == "unavailable"
    assert not body["checks"]["counters"]["ok"] and "redis down" in body["checks"]["counters"]["error"]
    assert body["checks"]["database"]["ok"]


async def test_metrics_count_requests_renders_and_cache(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        key = api.key()
        template = await api.create(key, CARD)
        url = f"/api/render?templateId={template['id']}&format=png"

        def sample(text: str, name: str, **labels: str) -> float:
            wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
            for line in text.splitlines():
                if line.startswith(f"{name}{{{wanted}}}" if labels else f"{name} "):
                    return float(line.rsplit(" ", 1)[1])
            return 0.0

        before = (await api.client.get("/metrics")).text
        for _ in range(3):
            assert (await api.client.get(url)).status_code == 200
        await api.client.post("/api/images/ai/suggest-concepts", json={"purpose": "x"},
                              headers=auth(key))  # a free key: 403
        after = (await api.client.get("/metrics")).text
        assert "text/plain" in (await api.client.get("/metrics")).headers["content-type"]
        assert sample(after, "pinrender_renders_total") - sample(before, "pinrender_renders_total") == 1
        hits = (sample(after, "pinrender_cache_lookups_total", result="memory")
                - sample(before, "pinrender_cache_lookups_total", result="memory"))
        assert hits == 2
        ok = (sample(after, "pinrender_http_requests_total", family="templates", method="GET", status="200")
              - sample(before, "pinrender_http_requests_total", family="templates", method="GET", status="200"))
        assert ok == 3
        assert sample(after, "pinrender_http_requests_total", family="interactive", method="POST",
                      status="403") >= 1
