"""Absolute URLs never follow a forged Host: allowed_hosts refuses it on every family's URL-producing
route and the home page, public_base_url wins when set, X-Forwarded-* are not read by the app."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from pinrender_server.app import create_app
from pinrender_server.settings import Settings
from tests.images import solid
from tests.server.conftest import CARD, Api, auth, open_api

pytestmark = pytest.mark.anyio

EVIL = "evil.example"


def png() -> bytes:
    return solid(64, 48, (1, 2, 3))


async def calls(api: Api, host: str | None) -> dict[str, httpx.Response]:
    """One request to every route that writes absolute URLs, with `host` as the Host header."""
    key = api.key("hosts@example.com", plan="pro")
    template = await api.create(key, CARD)
    media = await api.client.post("/v1/upload", files={"file": ("a.png", png(), "image/png")},
                                  headers=auth(key))
    uid = media.json()["id"]
    h = {"Host": host} if host else {}
    c = api.client
    return {
        "home": await c.get("/", headers=h),
        "v1 upload": await c.post("/v1/upload", files={"file": ("a.png", png(), "image/png")},
                                  headers={**h, **auth(key)}),
        "v1 keys": await c.post("/v1/keys", json={"email": "new@example.com"}, headers=h),
        "v1 media": await c.get(f"/v1/media/{uid}", headers={**h, **auth(key)}),
        "viewer": await c.get(f"/i/{uid}", headers=h),
        "generate": await c.post("/api/generate", json={"templateId": template["id"]},
                                 headers={**h, **auth(key)}),
        "images create": await c.post("/api/images", headers={**h, **auth(key)},
                                      json={"image_data": base64.b64encode(png()).decode()}),
        "images list": await c.get("/api/images", headers={**h, **auth(key)}),
        "embed": await c.get(f"/api/images/{uid}/embed", headers={**h, **auth(key)}),
        "share page": await c.get(f"/share/images/{uid}", headers=h),
    }


async def test_a_forged_host_is_refused_everywhere(api: Api) -> None:
    for name, r in (await calls(api, EVIL)).items():
        assert r.status_code == 400, (name, r.text[:200])
        assert EVIL not in r.text, name
        body = r.json()
        if name.startswith(("v1", "viewer")):
            assert body["error"] == "invalid_host", name  # seed 001's error object
        else:
            assert body["success"] is False and body["code"] == 400, name  # seed 000's envelope


async def test_the_test_client_host_keeps_working(api: Api) -> None:
    answers = await calls(api, None)
    for name, r in answers.items():
        assert r.status_code in (200, 201), (name, r.text[:200])
    assert answers["v1 upload"].json()["src"].startswith("http://testserver/src/")
    assert answers["generate"].json()["imageUrl"].startswith("http://testserver/renders/")


async def test_public_base_url_wins_over_any_host(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(public_base_url="https://img.example.com", allowed_hosts=["*"])
    async with open_api(settings) as api:
        answers = await calls(api, EVIL)
    for name, r in answers.items():
        assert r.status_code in (200, 201), (name, r.text[:200])
        assert EVIL not in r.text, name
    assert answers["v1 upload"].json()["src"].startswith("https://img.example.com/src/")
    assert answers["generate"].json()["imageUrl"].startswith("https://img.example.com/renders/")
    assert "https://img.example.com/api/render?templateId=" in answers["home"].text


async def test_forwarded_headers_are_not_read(api: Api) -> None:
    key = api.key("fwd@example.com", plan="pro")
    r = await api.client.post("/v1/upload", files={"file": ("a.png", png(), "image/png")},
                              headers={**auth(key), "X-Forwarded-Host": EVIL,
                                       "X-Forwarded-Proto": "https", "Forwarded": f"host={EVIL}"})
    assert r.status_code == 201 and r.json()["src"].startswith("http://testserver/src/")


async def _status(settings: Settings, base: str, host: str) -> int:
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base) as client:
            r = await client.get("/openapi.json", headers={"Host": host})
            return r.status_code


@pytest.mark.parametrize(("configured", "host", "status"), [
    ({}, "127.0.0.1:8000", 200), ({}, "localhost:8000", 200), ({}, "[::1]:8000", 200),
    ({}, "localhost:8001", 400), ({}, "localhost", 400), ({}, "testserver", 400),
    ({}, "evil.example:8000", 400), ({}, "", 400), ({}, "localhost:8000@evil.example", 400),
    ({"public_base_url": "https://img.example.com"}, "img.example.com", 200),
    ({"public_base_url": "https://img.example.com"}, "127.0.0.1:8000", 400),
    ({"allowed_hosts": ["*.example.com"]}, "a.example.com:8443", 200),
    ({"allowed_hosts": ["*.example.com"]}, "example.com", 400),
    ({"allowed_hosts": ["*.example.com"]}, "a.example.com.evil.example", 400),
    ({"allowed_hosts": ["api.example.com:8443"]}, "api.example.com:8443", 200),
    ({"allowed_hosts": ["api.example.com:8443"]}, "api.example.com", 400),
    ({"allowed_hosts": ["API.Example.com"]}, "api.EXAMPLE.com", 200),
])
async def test_default_and_configured_allowlists(tmp_path: Any, configured: dict[str, Any],
                                                 host: str, status: int) -> None:
    # The default names the port this connection came in on: here the test client's 8000.
    settings = Settings(data_dir=tmp_path, load_examples=False, **configured)
    assert await _status(settings, "http://127.0.0.1:8000", host) == status


@pytest.mark.parametrize("entry", ["http://x.example", "x.example/path", "a b", "x:port", ""])
def test_bad_allowlist_entries_are_refused_at_start_up(tmp_path: Any, entry: str) -> None:
    with pytest.raises(ValidationError, match="allowed_hosts"):
        Settings(data_dir=tmp_path, allowed_hosts=[entry])
