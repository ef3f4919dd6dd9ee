"""The app on Redis counters (`PINRENDER_COUNTERS=redis://…`): limits and quotas metered in Redis,
and when Redis goes away every metered request answers 503 with Retry-After — never a 500, never
an unmetered pass — until it is back."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
import redis

from pinrender_server.backends.redis_counters import RedisCounterStore
from pinrender_server.services.ledger import AI_CREDITS, RENDERS, month
from pinrender_server.settings import Plan, Settings
from tests.conftest import decode
from tests.images import solid
from tests.server.conftest import CARD, Api, auth, open_api
from tests.server.shared_backends import REDIS_URL, Cable, closed_port_url, redis_behind_cable

pytestmark = pytest.mark.anyio

PLANS = {"pro": Plan(monthly_credits=50, monthly_renders=100, hourly_requests=1000)}


@pytest.fixture
def cable() -> Iterator[tuple[str, Cable]]:
    url, cable = redis_behind_cable()
    yield url, cable
    cable.cut()
    prefix = parse_qs(urlsplit(url).query)["prefix"][0]
    client = redis.Redis.from_url(REDIS_URL)  # straight to Redis, to clear this test's keys
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def spent(api: Api, metric: str) -> int:
    account = api.ctx.meta.keys.list()[0].account_id
    return int(api.ctx.counters.usage.get(account, metric, month()))


async def upload(api: Api, key: str | None = None) -> object:
    headers = auth(key) if key else {}
    return await api.client.post("/v1/upload", files={"file": ("a.png", solid(32, 24), "image/png")},
                                 headers=headers)


def refused(r: object, what: str) -> None:
    status = r.status_code  # type: ignore[attr-defined]
    assert status == 503, (what, status, r.text)  # type: ignore[attr-defined]
    assert int(r.headers["Retry-After"]) > 0, what  # type: ignore[attr-defined]


async def test_metered_in_redis_then_503_while_it_is_down_then_back(
        make_settings: Callable[..., Settings], cable: tuple[str, Cable]) -> None:
    url, plug = cable
    async with open_api(make_settings(counters=url, plans=PLANS, default_plan="pro",
                                      sweep_interval=3600)) as api:
        assert isinstance(api.ctx.counters, RedisCounterStore)
        key = api.key("r@example.com", plan="pro")
        template = await api.create(key, public=True)
        gen = await api.client.post("/api/generate", headers=auth(key),
                                    json={"templateId": template["id"], "format": "png"})
        assert gen.status_code in (200, 201), gen.text
        assert spent(api, RENDERS) == 1  # counted in Redis
        ai = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                   json={"purpose": "a lantern"})
        assert ai.status_code == 200, ai.text
        credits = spent(api, AI_CREDITS)
        assert credits > 0
        uploaded = await upload(api, key)
        assert uploaded.status_code == 201  # type: ignore[attr-defined]
        src = uploaded.json()["src"].replace("http://testserver", "")  # type: ignore[attr-defined]

        plug.cut()  # Redis is gone
        # Unmetered reads keep working from the database and the blobs: public renders, the CDN.
        public = await api.client.get("/api/render", params={"templateId": template["id"],
                                                            "format": "png"})
        assert public.status_code == 200 and decode(public.content).size == (240, 120)
        variant = await api.client.get(src.rsplit(".", 1)[0] + ".webp?size=s")
        assert variant.status_code == 200 and decode(variant.content).width <= 32
        # Everything metered or rate-limited answers 503 with Retry-After.
        refused(await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                      json={"purpose": "a lantern"}), "AI call")
        refused(await upload(api, key), "upload with a key")
        refused(await upload(api), "anonymous upload")
        refused(await api.client.post("/api/generate", headers=auth(key), json={
            "templateId": template["id"], "format": "png", "modifications": {"title": "new"}}),
            "generate")
        refused(await api.client.get("/api/templates", headers=auth(key)), "an authenticated list")
        refused(await api.client.post("/api/templates", headers=auth(key), json={
            "name": "Card", "jsonData": CARD}), "a new template")
        refused(await api.client.get("/v1/usage", headers=auth(key)), "hosting usage")
        refused(await api.client.post("/v1/keys", json={"email": "new@example.com"}), "a new key")

        plug.mend()  # back: the pool reconnects by itself, and nothing ran unmetered meanwhile
        assert spent(api, AI_CREDITS) == credits and spent(api, RENDERS) == 1
        again = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                      json={"purpose": "a lantern"})
        assert again.status_code == 200, again.text
        assert spent(api, AI_CREDITS) == 2 * credits


async def test_ai_call_is_503_when_redis_was_never_there(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(counters=closed_port_url(), plans=PLANS, default_plan="pro",
                                      sweep_interval=3600)) as api:
        key = api.key("down@example.com", plan="pro")
        r = await api.client.post("/api/images/ai/suggest-concepts", headers=auth(key),
                                  json={"purpose": "x"})
        refused(r, "AI call")
        assert "unreachable" in r.json()["error"]
        refused(await upload(api, key), "upload")
        refused(await upload(api), "anonymous upload")
