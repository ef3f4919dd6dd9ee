"""AI credits through the real app: the seed's cost matrix, claims exact under concurrency, a
refusal spends nothing, a failed provider call gives its credits back, 503 without the store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from pinrender_server.backends import StoreUnavailable
from pinrender_server.services.ledger import AI_CREDITS, month
from pinrender_server.settings import Plan, Settings
from tests.server.backends.ai.fake_openai import FakeOpenAI
from tests.server.conftest import Api, auth, open_api

pytestmark = pytest.mark.anyio

# Seed 000, "Image generation cost" (auto billed as medium).
MATRIX = {
    "mini": {"low": 1, "medium": 3, "high": 5, "auto": 3},
    "standard": {"low": 1, "medium": 6, "high": 12, "auto": 6},
    "plus": {"low": 1, "medium": 8, "high": 16, "auto": 8},
    "ultra": {"low": 1, "medium": 10, "high": 20, "auto": 10},
}


def pool(credits: int) -> dict[str, Plan]:
    return {"pro": Plan(monthly_credits=credits, monthly_renders=100)}


def spent(api: Api) -> int:
    account = api.ctx.meta.keys.list()[0].account_id
    return int(api.ctx.counters.usage.get(account, AI_CREDITS, month()))


@pytest.mark.parametrize("model", sorted(MATRIX))
async def test_each_image_costs_what_the_matrix_says(make_settings: Callable[..., Settings],
                                                     model: str) -> None:
    async with open_api(make_settings(plans=pool(1000), default_plan="pro")) as api:
        key = api.key("m@example.com", plan="pro")
        total = 0
        for quality, cost in MATRIX[model].items():
            r = await api.client.post("/api/images/ai/generate-image", headers=auth(key), json={
                "prompt": "a paper boat", "model": model, "quality": quality})
            assert r.status_code == 200, r.text
            assert r.json()["data"]["credits_used"] == cost
            total += cost
            assert spent(api) == total
        default = await api.client.post("/api/images/ai/generate-image", headers=auth(key),
                                        json={"prompt": "a paper boat"})
        assert default.json()["data"]["credits_used"] == MATRIX["ultra"]["low"]  # ultra, low


async def test_sixteen_concurrent_five_credit_calls_with_twelve_left(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pool(12), default_plan="pro")) as api:
        key = api.key("c@example.com", plan="pro")

        async def one() -> int:
            r = await api.client.post("/api/images/ai/generate-image", headers=auth(key), json={
                "prompt": "a lantern", "model": "mini", "quality": "high"})  # 5 credits
            return r.status_code

        codes = await asyncio.gather(*(one() for _ in range(16)))
        assert sorted(codes).count(200) == 2 and codes.count(429) == 14
        assert spent(api) == 10
        refused = await api.client.post("/api/images/ai/generate-image", headers=auth(key), json={
            "prompt": "a lantern", "model": "mini", "quality": "high"})
        body = refused.json()
        assert refused.status_code == 429 and "credits" in body["error"] and "2 of 12 left" in body["error"]
        assert refused.headers["X-AiCredits-Remaining"] == "0" and int(refused.headers["Retry-After"]) > 0
        one_left = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                         json={"purpose": "a lantern"})
        assert one_left.status_code == 200 and spent(api) == 11


async def test_a_failed_provider_call_gives_its_credits_back(
        make_settings: Callable[..., Settings]) -> None:
    with FakeOpenAI() as fake:
        fake.default = "500"
        ai = {"backend": "openai", "base_url": fake.url, "api_key": "k", "retries": 0, "timeout": 5}
        async with open_api(make_settings(plans=pool(50), default_plan="pro", ai=ai)) as api:
            key = api.key("p@example.com", plan="pro")
            r = await api.client.post("/api/images/ai/generate-image", headers=auth(key),
                                      json={"prompt": "a fox", "quality": "high"})
            assert r.status_code in (502, 503), r.text
            assert "Nothing was spent" in r.json()["error"] and spent(api) == 0
            fake.default = "ok"
            fine = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                         json={"purpose": "roasting coffee"})
            assert fine.status_code == 200 and spent(api) == 1
            assert fine.json()["data"]["concepts"][0]["title"] == "Roasting"


class Unreachable:
    """A counter store whose server is down."""

    class _Repo:
        def __getattr__(self, name: str) -> Any:
            def fail(*args: Any, **kwargs: Any) -> Any:
                raise StoreUnavailable("connection refused")
            return fail

    usage = _Repo()
    ratelimits = _Repo()

    def close(self) -> None:
        pass


async def test_503_when_the_quota_store_is_unreachable(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pool(50), default_plan="pro")) as api:
        key = api.key("u@example.com", plan="pro")
        meta_counters = api.ctx.counters
        api.ctx.counters = Unreachable()
        api.app.state.ratelimiter = None  # built again on the unreachable store
        try:
            r = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                      json={"purpose": "x"})
        finally:
            api.ctx.counters = meta_counters
        assert r.status_code == 503 and "quota store" in r.json()["error"]
        assert r.headers["Retry-After"]
