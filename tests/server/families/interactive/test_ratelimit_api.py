"""The rolling-hour limit on `/api/images`: headers on every answer, a true sliding hour, exact
under concurrency."""

from __future__ import annotations

from collections.abc import Callable

import anyio
import pytest

from pinrender_server.services.ratelimit import RateLimiter
from pinrender_server.settings import Settings
from tests.server.conftest import auth, open_api

pytestmark = pytest.mark.anyio
T0 = 1_800_000_000.0


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> float:
        return self.now


async def test_sliding_hour_with_a_controllable_clock(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(storage="memory://", plans={"pro": {"hourly_requests": 3}})
                        ) as api:
        clock = Clock()
        api.app.state.ratelimiter = RateLimiter(api.ctx.counters, clock=clock)
        h = auth(api.key("o@example.com", plan="pro"))
        seen = []
        for path in ("/api/images", "/api/images/nope", "/api/images"):  # a 404 counts too
            clock.now += 600
            r = await api.client.get(path, headers=h)
            seen.append((r.status_code, r.headers["X-RateLimit-Remaining"]))
        assert seen == [(200, "2"), (404, "1"), (200, "0")]
        r = await api.client.get("/api/images", headers=h)
        assert r.status_code == 429 and r.json() == {"success": False, "error":
                                                     "Rate limit exceeded", "code": 429}
        assert r.headers["X-RateLimit-Limit"] == "3" and r.headers["X-RateLimit-Remaining"] == "0"
        assert r.headers["X-RateLimit-Reset"] == str(int(T0 + 600 + 3600))
        assert int(r.headers["Retry-After"]) == 3600 - 1200
        # Not a clock hour: at T0+3600+600 exactly the first hit leaves the window, one slot frees.
        clock.now = T0 + 600 + 3600
        assert (await api.client.get("/api/images", headers=h)).status_code == 200
        assert (await api.client.get("/api/images", headers=h)).status_code == 429
        clock.now += 600
        assert (await api.client.get("/api/images", headers=h)).status_code == 200


async def test_per_key_limit_overrides_the_plan(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(storage="memory://")) as api:
        issued = __import__("pinrender_server.services.accounts", fromlist=["issue_key"]).issue_key(
            api.ctx.meta, "o@example.com", plan="pro")
        api.app.state.ctx.settings = api.ctx.settings.model_copy(
            update={"key_hourly_requests": {issued.record.id: 1}})
        h = auth(issued.secret)
        r1 = await api.client.get("/api/images", headers=h)
        r2 = await api.client.get("/api/images", headers=h)
        assert (r1.status_code, r2.status_code) == (200, 429)
        assert r1.headers["X-RateLimit-Limit"] == "1"
        other = api.key("o@example.com")  # same account, another key: its own bucket
        assert (await api.client.get("/api/images", headers=auth(other))).status_code == 200


async def test_hundred_concurrent_with_ten_left_get_exactly_ten(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(storage="memory://", plans={"pro": {"hourly_requests": 50}})
                        ) as api:
        h = auth(api.key("o@example.com", plan="pro"))
        for _ in range(40):
            assert (await api.client.get("/api/images/1", headers=h)).status_code == 404
        statuses: list[int] = []

        async def one(i: int) -> None:
            path = "/api/images" if i % 2 else "/api/images/123"
            statuses.append((await api.client.get(path, headers=h)).status_code)

        async with anyio.create_task_group() as tg:
            for i in range(100):
                tg.start_soon(one, i)
        assert len(statuses) == 100
        assert sum(s != 429 for s in statuses) == 10
        assert statuses.count(429) == 90
