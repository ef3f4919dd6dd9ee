"""An app whose ext family answers the test client's host, and an organisation with an event and
a token."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import Api, auth, open_api


@dataclass
class Org:
    key: str  # the owner's account key
    id: int
    event: int
    token: str  # an org token of this organisation


def ext_settings(make_settings: Callable[..., Settings], **overrides: Any) -> Settings:
    values: dict[str, Any] = {"ext": {"allowed_hosts": ["testserver"]}, "plans": {"free": {
        "hourly_requests": 100_000}}}
    values.update(overrides)
    return make_settings(**values)


@pytest.fixture
async def api(make_settings: Callable[..., Settings]) -> AsyncIterator[Api]:
    async with open_api(ext_settings(make_settings)) as a:
        yield a


async def make_org(api: Api, email: str = "owner@example.com") -> Org:
    key = api.key(email)
    r = await api.client.get("/api/v1/orgs", headers=auth(key))
    assert r.status_code == 200, r.text
    org_id = r.json()[0]["id"]
    r = await api.client.post(f"/api/v1/orgs/{org_id}/events", json={"name": "Wedding"},
                              headers=auth(key))
    assert r.status_code == 201, r.text
    event = r.json()["id"]
    r = await api.client.post(f"/api/v1/orgs/{org_id}/tokens", json={"name": "CI"},
                              headers=auth(key))
    assert r.status_code == 201, r.text
    return Org(key=key, id=org_id, event=event, token=r.json()["token"])


@pytest.fixture
async def org(api: Api) -> Org:
    return await make_org(api)


def tok(token: str) -> dict[str, str]:
    return {"X-API-Key": token}
