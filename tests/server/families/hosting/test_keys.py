"""`POST /v1/keys`, verification and the seed-001 error object."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import Api, auth, open_api

from .conftest import new_key, upload

pytestmark = pytest.mark.anyio


async def test_key_is_active_at_once_and_works_on_every_family(v1: Api) -> None:
    r = await v1.client.post("/v1/keys", json={"email": "Dev@Example.com", "name": "agent"})
    assert r.status_code == 201
    body = r.json()
    assert re.fullmatch(r"img_live_[0-9a-f]{48}", body["key"])
    assert body["key_id"].startswith("key_") and body["status"] == "active"
    assert body["verified"] is False
    assert body["limits"] == {"uploads": 100, "storage_mb": 5120, "retention_days": 30}
    assert "verify" in body["message"]
    r = await v1.client.get("/api/account", headers=auth(body["key"]))
    assert r.status_code == 200 and r.json()["data"]["email"] == "dev@example.com"


@pytest.mark.parametrize("email", ["", "nope", "a@b", "a b@c.de", "x@-y.com"])
async def test_invalid_email_is_422_with_field_errors(v1: Api, email: str) -> None:
    r = await v1.client.post("/v1/keys", json={"email": email})
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "validation_error" and "email" in body["errors"] and body["message"]


async def test_unverified_account_holds_three_keys(v1: Api) -> None:
    for _ in range(3):
        await new_key(v1)
    r = await v1.client.post("/v1/keys", json={"email": "dev@example.com"})
    assert r.status_code == 403
    assert r.json()["error"] == "key_limit_reached"
    assert r.json()["action"]["type"] == "verify"


async def test_rate_limits_per_email_and_ip(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(max_unverified_keys=100, keys_per_ip_hour=7)) as api:
        for _ in range(5):
            await new_key(api, "a@example.com")
        r = await api.client.post("/v1/keys", json={"email": "a@example.com"})
        assert r.status_code == 429
        body = r.json()
        assert body["error"] == "rate_limited" and body["action"]["type"] == "wait"
        assert int(r.headers["Retry-After"]) == body["action"]["seconds"] > 0
        await new_key(api, "b@example.com")
        r = await api.client.post("/v1/keys", json={"email": "c@example.com"})
        assert r.status_code == 429  # the IP's 7th request this hour (the refused one counted)


async def test_registration_closed(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(registration_open=False,
                                      dashboard_url="https://dash.example")) as api:
        r = await api.client.post("/v1/keys", json={"email": "a@example.com"})
        assert r.status_code == 403
        assert r.json()["error"] == "registration_closed"
        assert r.json()["action"] == {"type": "redirect", "url": "https://dash.example",
                                      "label": "Go to dashboard"}


async def test_verification_link_from_outbox_makes_storage_permanent(v1: Api) -> None:
    key = await new_key(v1)
    media = (await upload(v1, key)).json()
    assert "expires_at" in media
    outbox = Path(v1.ctx.settings.data_dir) / "outbox"
    mails = sorted(outbox.glob("*.eml"))
    assert len(mails) == 1
    link = re.search(r"http://testserver(/v1/verify/\S+)", mails[0].read_text()).group(1)
    r = await v1.client.get(link)
    assert r.status_code == 200 and "verified" in r.text
    media = (await v1.client.get(f"/v1/media/{media['id']}", headers=auth(key))).json()
    assert "expires_at" not in media
    usage = (await v1.client.get("/v1/usage", headers=auth(key))).json()
    assert usage["verified"] is True
    r = await v1.client.get("/v1/verify/not-a-token")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


async def test_errors_keep_their_family_shape(v1: Api) -> None:
    r = await v1.client.get("/v1/usage")
    assert r.status_code == 401 and r.json()["error"] == "unauthorized" and r.json()["message"]
    r = await v1.client.get("/v1/usage", headers=auth("img_live_" + "0" * 48))
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"
    r = await v1.client.get("/api/account")
    assert r.json()["success"] is False and r.json()["code"] == 401
