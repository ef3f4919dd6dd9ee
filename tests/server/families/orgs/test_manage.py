"""Managing organisations, events and tokens with the owner's key (seed 002)."""

from __future__ import annotations

import asyncio
import re
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from pinrender_server.backends import SqliteMetaStore
from pinrender_server.settings import Settings
from tests.server.conftest import Api, auth, open_api

from .conftest import Org, ext_settings, make_org

pytestmark = pytest.mark.anyio


async def test_orgs_is_the_account(api: Api) -> None:
    key = api.key("o@example.com")
    r = await api.client.get("/api/v1/orgs", headers=auth(key))
    assert r.status_code == 200
    account = api.ctx.meta.accounts.by_email("o@example.com")
    assert r.json() == [{"id": account.id, "name": account.name or account.email}]


async def test_create_shows_the_token_once_and_lists_never(api: Api, org: Org) -> None:
    r = await api.client.post(f"/api/v1/orgs/{org.id}/tokens", json={"name": "Prod"},
                              headers=auth(org.key))
    assert r.status_code == 201
    created = r.json()
    assert re.fullmatch(r"ot_[0-9a-f]{48}", created["token"])
    assert created["token"].startswith(created["prefix"]) and created["active"] is True
    assert r.headers["cache-control"] == "no-store"
    listed = (await api.client.get(f"/api/v1/orgs/{org.id}/tokens", headers=auth(org.key))).json()
    assert {t["name"] for t in listed} == {"CI", "Prod"}
    assert all("token" not in t and set(t) >= {"id", "name", "prefix", "active", "created_at",
                                               "last_used_at"} for t in listed)
    assert created["token"] not in str(listed)


async def test_events(api: Api, org: Org) -> None:
    r = await api.client.post(f"/api/v1/orgs/{org.id}/events", json={"name": "Gala"},
                              headers=auth(org.key))
    assert r.status_code == 201
    assert r.json()["org_id"] == org.id and r.json()["name"] == "Gala"
    listed = (await api.client.get(f"/api/v1/orgs/{org.id}/events", headers=auth(org.key))).json()
    assert [e["name"] for e in listed] == ["Wedding", "Gala"]
    r = await api.client.post(f"/api/v1/orgs/{org.id}/events", json={"name": ""},
                              headers=auth(org.key))
    assert r.status_code == 400 and r.json()["error"]["field"] == "name"


async def test_contributor_and_other_org_are_refused(api: Api, org: Org) -> None:
    contributor = api.key("owner@example.com", role="contributor", name="helper")
    r = await api.client.get(f"/api/v1/orgs/{org.id}/tokens", headers=auth(contributor))
    assert r.status_code == 403 and r.json()["error"]["code"] == "owner_key_required"
    other = await make_org(api, "other@example.com")
    for method, path in (("GET", "tokens"), ("POST", "tokens"), ("GET", "events")):
        r = await api.client.request(method, f"/api/v1/orgs/{org.id}/{path}",
                                     headers=auth(other.key), json={"name": "x"})
        assert r.status_code == 404, (method, path)
    tokens = (await api.client.get(f"/api/v1/orgs/{org.id}/tokens", headers=auth(org.key))).json()
    r = await api.client.patch(f"/api/v1/orgs/{other.id}/tokens/{tokens[0]['id']}",
                               json={"active": False}, headers=auth(other.key))
    assert r.status_code == 404  # their org, our token: not theirs to touch
    r = await api.client.get(f"/api/v1/orgs/{org.id}/tokens")
    assert r.status_code == 401


async def test_ten_tokens_exactly_when_thirty_creates_race(
        make_settings: Callable[..., Settings]) -> None:
    # Two app instances on one database (two workers), 30 creates from 30 threads at once, each
    # with its own event loop: the store, not one event loop, has to keep the count.
    settings = ext_settings(make_settings)
    async with open_api(settings) as first, open_api(settings) as second:
        key = first.key("race@example.com")
        org_id = (await first.client.get("/api/v1/orgs", headers=auth(key))).json()[0]["id"]
        start = threading.Barrier(30)

        async def create(app: Any, n: int) -> httpx.Response:
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
                start.wait()
                return await c.post(f"/api/v1/orgs/{org_id}/tokens", json={"name": f"t{n}"},
                                    headers=auth(key))

        with ThreadPoolExecutor(30) as pool:
            results = list(pool.map(
                lambda n: asyncio.run(create((first, second)[n % 2].app, n)), range(30)))
        codes = sorted(r.status_code for r in results)
        assert codes.count(201) == 10 and codes.count(409) == 20, codes
        refused = next(r for r in results if r.status_code == 409).json()["error"]
        assert refused["code"] == "token_limit" and "10" in refused["message"]
        listed = (await second.client.get(f"/api/v1/orgs/{org_id}/tokens",
                                          headers=auth(key))).json()
        assert len(listed) == 10


async def test_tokens_are_hashed_at_rest(api: Api, org: Org) -> None:
    data_dir = api.ctx.settings.data_dir
    # Make sure everything reached the files (WAL included) before looking.
    store = SqliteMetaStore(str(data_dir / "pinrender.db"))
    store.db.query("PRAGMA wal_checkpoint(FULL)")
    store.close()
    secret = org.token.encode()
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path
    found = api.ctx.meta.org_tokens.list(org.id)[0]
    assert found.prefix == org.token[:11] and found.token_hash != org.token


async def test_patch_and_delete(api: Api, org: Org) -> None:
    token_id = (await api.client.get(f"/api/v1/orgs/{org.id}/tokens",
                                     headers=auth(org.key))).json()[0]["id"]
    r = await api.client.patch(f"/api/v1/orgs/{org.id}/tokens/{token_id}",
                               json={"active": False}, headers=auth(org.key))
    assert r.status_code == 200 and r.json()["active"] is False
    r = await api.client.patch(f"/api/v1/orgs/{org.id}/tokens/{token_id}",
                               json={"active": "no"}, headers=auth(org.key))
    assert r.status_code == 400
    r = await api.client.delete(f"/api/v1/orgs/{org.id}/tokens/{token_id}", headers=auth(org.key))
    assert r.status_code == 200 and r.json() == {"deleted": True, "id": token_id}
    r = await api.client.delete(f"/api/v1/orgs/{org.id}/tokens/{token_id}", headers=auth(org.key))
    assert r.status_code == 404 and r.json()["error"]["code"] == "token_not_found"
