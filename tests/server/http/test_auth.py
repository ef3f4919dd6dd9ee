"""API keys: three places to send them, 401 vs 403, roles, abilities, the hourly ceiling."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pinrender_server.settings import Plan, Settings
from tests.server.conftest import Api, auth, open_api

pytestmark = pytest.mark.anyio


async def test_key_accepted_in_all_three_places(api: Api) -> None:
    key = api.key()
    for kwargs in ({"headers": {"Authorization": f"Bearer {key}"}},
                   {"headers": {"X-API-Key": key}},
                   {"params": {"api_key": key}}):
        r = await api.client.get("/api/templates", **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 200, (kwargs, r.text)
        assert r.json()["success"] is True


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer "}, {"X-API-Key": ""}])
async def test_missing_key_is_401(api: Api, headers: dict[str, str]) -> None:
    r = await api.client.get("/api/templates", headers=headers)
    assert r.status_code == 401
    assert r.json() == {"success": False, "error": r.json()["error"], "code": 401}


@pytest.mark.parametrize("key", ["pk_" + "0" * 48, "pk_short", "sk_live_nothing", "x" * 5000])
async def test_unknown_key_is_401(api: Api, key: str) -> None:
    r = await api.client.get("/api/templates", headers={"X-API-Key": key})
    assert r.status_code == 401 and r.json()["error"] == "Invalid API key"


async def test_inactive_key_is_401_saying_so(api: Api) -> None:
    key = api.key()
    record = api.ctx.meta.keys.list()[0]
    api.ctx.meta.keys.set_active(record.id, False)
    r = await api.client.get("/api/templates", headers=auth(key))
    assert r.status_code == 401 and "inactive" in r.json()["error"]


async def test_keys_are_stored_hashed(api: Api) -> None:
    key = api.key()
    rows = api.ctx.meta.keys.list()
    assert key not in repr(rows)
    assert key.startswith("pk_") and len(key) == 51 and rows[0].prefix == key[:11]


async def test_read_only_key_cannot_write(api: Api) -> None:
    key = api.key(abilities=("read",))
    assert (await api.client.get("/api/templates", headers=auth(key))).status_code == 200
    r = await api.client.post("/api/templates", json={}, headers=auth(key))
    assert r.status_code == 403 and "write" in r.json()["error"]


async def test_contributor_cannot_delete(api: Api) -> None:
    owner = api.key()
    contributor = api.key(role="contributor")  # same email: same account
    t = await api.create(contributor)
    r = await api.client.delete(f"/api/templates/{t['id']}", headers=auth(contributor))
    assert r.status_code == 403
    r = await api.client.delete(f"/api/templates/{t['id']}", headers=auth(owner))
    assert r.status_code == 200 and r.json()["data"]["deleted"] is True


async def test_hourly_ceiling_counts_every_request(make_settings: Callable[..., Settings]) -> None:
    plans = {"free": Plan(monthly_credits=10, monthly_renders=5, hourly_requests=3)}
    async with open_api(make_settings(plans=plans)) as api:
        key = api.key()
        codes = [(await api.client.get("/api/templates/nope", headers=auth(key))).status_code
                 for _ in range(4)]
        assert codes == [404, 404, 404, 429]
        r = await api.client.get("/api/templates", headers=auth(key))
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert r.json()["code"] == 429


async def test_account_endpoint(api: Api) -> None:
    owner = api.key(plan="pro")
    contributor = api.key(role="contributor")
    data = (await api.client.get("/api/account", headers=auth(owner))).json()["data"]
    assert data["plan"] == "pro" and data["credits"] == 100 and data["hourlyRequests"] == 1000
    assert data["renders"]["limit"] == 10_000 and data["renders"]["used"] == 0
    assert data["renderSecret"]
    data = (await api.client.get("/api/account", headers=auth(contributor))).json()["data"]
    assert data["renderSecret"] is None and data["role"] == "contributor"
