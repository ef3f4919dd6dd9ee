"""The ext family's checks, in the seed's order: 401, then each 403 cause with its own code."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import Api, auth, open_api

from .conftest import Org, ext_settings, make_org, tok

pytestmark = pytest.mark.anyio


def ping(org: Org, org_id: object = None, event: object = None) -> str:
    return f"/api/v1/ext/{org.id if org_id is None else org_id}/event/" \
           f"{org.event if event is None else event}/ping"


def refused(r: Any, status: int, code: str) -> None:
    assert r.status_code == status, r.text
    error = r.json()["error"]
    assert error["code"] == code and error["retryable"] is False and error["message"]


async def test_ping(api: Api, org: Org) -> None:
    r = await api.client.get(ping(org), headers=tok(org.token))
    assert r.status_code == 200
    assert r.json() == {"ok": True, "org_id": org.id, "event_id": org.event}
    assert "X-RateLimit-Remaining" in r.headers


async def test_missing_header_is_401(api: Api, org: Org) -> None:
    refused(await api.client.get(ping(org)), 401, "missing_api_key")
    # A bearer header is not the seed's header.
    refused(await api.client.get(ping(org), headers=auth(org.token)), 401, "missing_api_key")


async def test_each_403_cause_has_its_code(api: Api, org: Org) -> None:
    other = await make_org(api, "other@example.com")
    refused(await api.client.get(ping(org), headers=tok("ot_" + "0" * 48)), 403, "token_invalid")
    refused(await api.client.get(ping(org), headers=tok("garbage")), 403, "token_invalid")
    # An account key is not an org token.
    refused(await api.client.get(ping(org), headers=tok(org.key)), 403, "token_invalid")
    refused(await api.client.get(ping(org, org_id=other.id), headers=tok(org.token)), 403,
            "org_mismatch")
    refused(await api.client.get(ping(org, event=other.event), headers=tok(org.token)), 403,
            "event_not_found")
    # A missing event id answers exactly like another organisation's: ids cannot be probed.
    missing = await api.client.get(ping(org, event=999_999), headers=tok(org.token))
    theirs = await api.client.get(ping(org, event=other.event), headers=tok(org.token))
    assert missing.json() == theirs.json()
    refused(await api.client.get(ping(org, event="abc"), headers=tok(org.token)), 403,
            "event_not_found")
    tokens = (await api.client.get(f"/api/v1/orgs/{org.id}/tokens", headers=auth(org.key))).json()
    await api.client.patch(f"/api/v1/orgs/{org.id}/tokens/{tokens[0]['id']}",
                           json={"active": False}, headers=auth(org.key))
    refused(await api.client.get(ping(org), headers=tok(org.token)), 403, "token_inactive")


async def test_checks_run_in_order(api: Api, org: Org) -> None:
    other = await make_org(api, "other@example.com")
    # Wrong org and wrong event: the org is named, as it is checked first.
    r = await api.client.get(ping(org, org_id=other.id, event=999), headers=tok(org.token))
    refused(r, 403, "org_mismatch")


async def test_host_not_allowed(make_settings: Callable[..., Settings]) -> None:
    settings = ext_settings(make_settings, ext={"allowed_hosts": ["api.example.com"]},
                            trusted_proxies=["127.0.0.1"])
    async with open_api(settings) as api:
        org = await make_org(api)
        refused(await api.client.get(ping(org), headers=tok(org.token)), 403, "host_not_allowed")
        # A trusted proxy (the test client's peer is 127.0.0.1) names the host it was called on.
        r = await api.client.get(ping(org), headers={**tok(org.token),
                                                     "X-Forwarded-Host": "api.example.com"})
        assert r.status_code == 200
        # The other families do not know this allowlist.
        assert (await api.client.get("/api/v1/orgs", headers=auth(org.key))).status_code == 200


async def test_forwarded_host_from_untrusted_peer_is_ignored(
        make_settings: Callable[..., Settings]) -> None:
    settings = ext_settings(make_settings, ext={"allowed_hosts": ["api.example.com"]})
    async with open_api(settings) as api:
        org = await make_org(api)
        r = await api.client.get(ping(org), headers={**tok(org.token),
                                                     "X-Forwarded-Host": "api.example.com"})
        refused(r, 403, "host_not_allowed")


def test_default_allowlist(make_settings: Callable[..., Settings]) -> None:
    from pinrender_server.families.orgs.guard import allowed_hosts

    assert allowed_hosts(make_settings()) == ["localhost", "127.0.0.1"]
    assert allowed_hosts(make_settings(public_base_url="https://api.9pic.ai")) == ["api.9pic.ai"]


async def test_org_tokens_open_nothing_else(api: Api, org: Org) -> None:
    for path in ("/api/account", "/api/templates", "/v1/media", "/api/images", "/api/v1/orgs",
                 f"/api/v1/orgs/{org.id}/tokens"):
        for headers in (tok(org.token), auth(org.token)):
            r = await api.client.get(path, headers=headers)
            assert r.status_code == 401, (path, r.text)
    r = await api.client.get(f"/api/account?api_key={org.token}")
    assert r.status_code == 401


async def test_deactivate_and_delete_take_effect_in_every_process(
        make_settings: Callable[..., Settings]) -> None:
    settings = ext_settings(make_settings)
    # Two app instances on one SQLite file: two workers of one deployment.
    async with open_api(settings) as first, open_api(settings) as second:
        org = await make_org(first)
        assert (await second.client.get(ping(org), headers=tok(org.token))).status_code == 200
        token_id = first.ctx.meta.org_tokens.list(org.id)[0].id
        r = await first.client.patch(f"/api/v1/orgs/{org.id}/tokens/{token_id}",
                                     json={"active": False}, headers=auth(org.key))
        assert r.status_code == 200
        refused(await second.client.get(ping(org), headers=tok(org.token)), 403, "token_inactive")
        await first.client.patch(f"/api/v1/orgs/{org.id}/tokens/{token_id}",
                                 json={"active": True}, headers=auth(org.key))
        assert (await second.client.get(ping(org), headers=tok(org.token))).status_code == 200
        await first.client.delete(f"/api/v1/orgs/{org.id}/tokens/{token_id}",
                                  headers=auth(org.key))
        refused(await second.client.get(ping(org), headers=tok(org.token)), 403, "token_invalid")


async def test_last_used_is_recorded_at_most_once_a_minute(api: Api, org: Org) -> None:
    writes: list[str] = []
    repo = api.ctx.meta.org_tokens
    touch = repo.touch

    def counting(token_id: str, when: float) -> None:
        writes.append(token_id)
        touch(token_id, when)

    repo.touch = counting  # type: ignore[method-assign]
    for _ in range(5):
        assert (await api.client.get(ping(org), headers=tok(org.token))).status_code == 200
    assert len(writes) == 1
    listed = (await api.client.get(f"/api/v1/orgs/{org.id}/tokens", headers=auth(org.key))).json()
    assert listed[0]["last_used_at"] is not None


async def test_uses_count_against_the_org_hourly_limit(make_settings: Callable[..., Settings]
                                                       ) -> None:
    settings = ext_settings(make_settings, plans={"free": {"hourly_requests": 3}})
    async with open_api(settings) as api:
        org = await make_org(api)
        # The owner's own management calls count on its key's bucket, not the organisation's.
        codes = [(await api.client.get(ping(org), headers=tok(org.token))).status_code
                 for _ in range(4)]
        assert codes == [200, 200, 200, 429]
