"""`POST /v1/upload` and `POST /v1/import`: every field and error of seed 001."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender_server.families.hosting import fields
from pinrender_server.families.hosting import upload as upload_module
from pinrender_server.settings import Settings
from tests.server.conftest import Api, auth, open_api

from .conftest import JPEG, image_bytes, new_key, upload

pytestmark = pytest.mark.anyio


async def test_upload_with_every_field(v1: Api) -> None:
    key = await new_key(v1)
    r = await upload(v1, key, data=image_bytes(300, 200, "PNG"), filename="a.png", name="My Photo",
                     tags="hero, homepage,hero", namespace="my-project", public="false",
                     external_id="ext-1", date="2025-06-15", ttl=7200,
                     metadata='{"source": "unsplash"}', author="Jane Doe", license="cc-by-4.0")
    assert r.status_code == 201, r.text
    m = r.json()
    assert (m["name"], m["width"], m["height"], m["extension"]) == ("My Photo", 300, 200, "png")
    assert m["tags"] == ["hero", "homepage"] and m["namespace"] == "my-project"
    assert m["public"] is False and m["external_id"] == "ext-1"
    assert m["date"] == "2025-06-15T00:00:00Z" and m["editable"] is True
    assert (m["author"], m["license"], m["source"]) == ("Jane Doe", "cc-by-4.0", "unsplash")
    assert m["expires_at"] - m["created_at"] in (7199, 7200, 7201)
    assert m["filesize"] == len(image_bytes(300, 200, "PNG"))
    assert r.headers["X-Monthly-Uploads-Used"] == "1"
    assert r.headers["X-Monthly-Uploads-Remaining"] == "99"
    assert int(r.headers["X-Storage-Used"]) == m["filesize"]
    assert "X-RateLimit-Limit" not in r.headers


async def test_anonymous_upload(v1: Api) -> None:
    r = await upload(v1)
    assert r.status_code == 201
    m = r.json()
    assert m["editable"] is False and m["expires_at"] > m["created_at"]
    assert set(m["upgrade"]) == {"type", "url", "message", "label"}
    assert r.headers["X-RateLimit-Limit"] == "20" and r.headers["X-RateLimit-Remaining"] == "19"
    assert r.headers["X-RateLimit-Limit-Daily"] == "100"
    assert r.headers["X-RateLimit-Remaining-Daily"] == "99"
    assert int(r.headers["X-RateLimit-Reset"]) > m["created_at"]


async def test_anonymous_hourly_limit(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(anonymous_hourly_uploads=2)) as api:
        assert (await upload(api)).status_code == 201
        assert (await upload(api)).status_code == 201
        r = await upload(api)
        assert r.status_code == 429 and r.json()["error"] == "rate_limited"
        assert r.json()["action"]["type"] == "wait" and int(r.headers["Retry-After"]) > 0


async def test_upload_errors(v1: Api) -> None:
    key = await new_key(v1)
    r = await v1.client.post("/v1/upload", data={"name": "x"}, headers=auth(key),
                             files={"other": ("", b"", "text/plain")})
    assert r.status_code == 400 and r.json()["error"] == "missing_file"
    r = await v1.client.post("/v1/upload", json={"file": "x"}, headers=auth(key))
    assert r.status_code == 400 and r.json()["error"] == "missing_file"
    r = await upload(v1, key, data=b"this is not an image at all")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_format"
    r = await upload(v1, None, ttl=7200)
    assert r.status_code == 422 and "ttl" in r.json()["errors"]
    r = await upload(v1, key, ttl=60)
    assert r.status_code == 422 and "ttl" in r.json()["errors"]
    r = await upload(v1, key, namespace="Bad_NS")
    assert r.status_code == 422 and "namespace" in r.json()["errors"]
    r = await upload(v1, key, tags=",".join(f"t{i}" for i in range(11)))
    assert r.status_code == 422 and "tags" in r.json()["errors"]
    r = await upload(v1, key, metadata="[1]")
    assert r.status_code == 422 and "metadata" in r.json()["errors"]


async def test_size_limits_stop_the_stream(make_settings: Callable[..., Settings]) -> None:
    big = image_bytes(600, 600, "PNG")
    async with open_api(make_settings(anonymous_max_file_bytes=2048,
                                      svg_max_file_bytes=1024)) as api:
        r = await upload(api, None, data=big)
        assert r.status_code == 400 and r.json()["error"] == "file_too_large"
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + b" " * 1500 + b"</svg>"
        r = await upload(api, None, data=svg, filename="a.svg")
        assert r.status_code == 400 and r.json()["error"] == "file_too_large"
        key = await new_key(api)
        assert (await upload(api, key, data=big)).status_code == 201  # 70 MB for keys
        staging = api.ctx.blobs.root / ".staging"
        assert not list(staging.glob("*"))


async def test_duplicate_external_id_returns_the_existing_media(v1: Api) -> None:
    key = await new_key(v1)
    first = (await upload(v1, key, external_id="ext-123")).json()
    r = await upload(v1, key, external_id="ext-123")
    assert r.status_code == 409
    assert r.json()["error"] == "duplicate" and r.json()["media"]["id"] == first["id"]
    other = await new_key(v1, "other@example.com")
    assert (await upload(v1, other, external_id="ext-123")).status_code == 201


async def test_quota_exceeded_with_signed_upgrade_link(make_settings: Callable[..., Settings]
                                                       ) -> None:
    async with open_api(make_settings(plans={"free": {"monthly_uploads": 2}})) as api:
        key = await new_key(api)
        for _ in range(2):
            assert (await upload(api, key)).status_code == 201
        r = await upload(api, key)
        assert r.status_code == 413
        body = r.json()
        assert body["error"] == "quota_exceeded" and body["action"]["type"] == "upgrade"
        link = body["action"]["url"].replace("http://testserver", "")
        assert (await api.client.get(link)).status_code == 200
        assert (await api.client.get(link.replace("plan=pro", "plan=max"))).status_code == 403
        usage = (await api.client.get("/v1/usage", headers=auth(key))).json()
        assert usage["uploads_used"] == 2 and usage["uploads_remaining"] == 0


async def test_import(v1: Api, monkeypatch: pytest.MonkeyPatch) -> None:
    key = await new_key(v1)
    fetched: list[str] = []

    def fake_fetch(ctx: object, url: str, limit: int) -> bytes:
        fetched.append(url)
        return JPEG

    monkeypatch.setattr(upload_module, "fetch_url", fake_fetch)
    r = await v1.client.post("/v1/import", headers=auth(key), json={
        "url": "https://example.com/photo.jpg", "tags": "landscape,nature",
        "namespace": "my-project", "external_id": "ext-9",
        "metadata": {"source": "unsplash", "author": "Jane Doe"}})
    assert r.status_code == 201, r.text
    m = r.json()
    assert m["name"] == "photo.jpg" and m["author"] == "Jane Doe" and m["width"] == 64
    assert r.headers["X-Monthly-Uploads-Used"] == "1"
    assert fetched == ["https://example.com/photo.jpg"]
    r = await v1.client.post("/v1/import", headers=auth(key), json={"name": "x"})
    assert r.status_code == 400 and r.json()["error"] == "missing_url"


async def test_import_refuses_private_addresses(v1: Api) -> None:
    key = await new_key(v1)
    for url in ("http://127.0.0.1/a.jpg", "http://169.254.169.254/latest", "file:///etc/passwd"):
        r = await v1.client.post("/v1/import", headers=auth(key), json={"url": url})
        assert r.status_code == 400 and r.json()["error"] == "fetch_failed", url


@given(st.text(max_size=70))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_namespace_rule(value: str) -> None:
    valid = 2 <= len(value) <= 64 and all(c in "abcdefghijklmnopqrstuvwxyz0123456789-" for c in value)
    try:
        fields.check_namespace(value)
        assert valid
    except ValueError:
        assert not valid


@given(st.lists(st.text(alphabet=st.characters(blacklist_characters=","), max_size=60), max_size=14))
@settings(max_examples=200)
def test_tag_rule(raw: list[str]) -> None:
    cleaned = list(dict.fromkeys(t.strip() for t in raw if t.strip()))
    valid = len(cleaned) <= 10 and all(len(t) <= 50 for t in cleaned)
    try:
        tags = fields.parse_tags(",".join(raw))
        assert valid and list(tags) == cleaned
    except ValueError:
        assert not valid
