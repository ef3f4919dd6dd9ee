"""`/api/images` CRUD through the real app: fields, defaults, clamps, statuses and messages."""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import httpx
import pytest

import pinrender
from pinrender_server.settings import Settings
from tests.conftest import decode
from tests.server.conftest import auth, open_api

from .conftest import Images, b64, png_bytes

pytestmark = pytest.mark.anyio
STAMP = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")


async def test_create_returns_the_seed_record(images: Images) -> None:
    spots = [{"x": 25.5, "y": 30.2, "title": "Feature 1", "description": "Click to learn more",
              "color": "#2a9d8f", "link": "https://example.com", "link_label": "Learn More"}]
    rec = await images.create(hotspots=spots, description="desc")
    assert set(rec) == {"id", "unique_id", "title", "description", "category", "image_url",
                        "share_url", "embed_url", "hotspots", "created_at", "updated_at"}
    uid = rec["unique_id"]
    assert rec["title"] == "API Image" and rec["description"] == "desc" and rec["category"] == ""
    assert re.fullmatch(r"[a-z0-9]{8}", uid)
    assert rec["image_url"] == f"http://testserver/files/{uid}_2000.webp"
    assert rec["share_url"] == f"http://testserver/share/images/{uid}"
    assert rec["embed_url"] == f"http://testserver/images/{uid}/embed"
    assert rec["hotspots"] == spots
    assert STAMP.match(rec["created_at"]) and STAMP.match(rec["updated_at"])
    stored = images.ctx.meta.images.get(rec["id"])
    assert stored.blob_key and images.ctx.blobs.exists(stored.blob_key)
    assert (stored.width, stored.height, stored.media_type) == (640, 320, "image/png")


async def test_create_accepts_data_urls_and_titles(images: Images) -> None:
    rec = await images.create(image_data="data:image/png;base64," + b64(png_bytes()),
                              title="Mine")
    assert rec["title"] == "Mine"


@pytest.mark.parametrize("body, status, needle", [
    ({}, 400, "exactly one of image_url or image_data"),
    ({"image_url": "https://a.example/x.png", "image_data": "AAAA"}, 400, "exactly one"),
    ({"image_data": "!!!not base64!!!"}, 400, "image_data: not valid base64"),
    ({"image_data": b64(b"hello, not an image")}, 400, "image_data: not a supported image"),
    ({"image_data": "", "title": "x"}, 400, "image_data"),
    ({"image_url": "ftp://example.com/a.png"}, 400, "image_url: must be an http(s) URL"),
    ({"image_url": "http://127.0.0.1/a.png"}, 400, "image_url"),
    ({"image_url": "http://169.254.169.254/latest"}, 400, "image_url"),
    ({"image_data": "AAAA", "bogus": 1}, 400, "bogus"),
])
async def test_create_rejects(images: Images, body: dict[str, object], status: int,
                              needle: str) -> None:
    r = await images.client.post("/api/images", json=body, headers=images.h)
    assert r.status_code == status, r.text
    payload = r.json()
    assert payload["success"] is False and payload["code"] == status and needle in payload["error"]


async def test_create_by_url_through_the_safe_loader(images: Images) -> None:
    data = png_bytes(300, 200)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=data, headers={"content-type": "image/png"})

    images.api.app.state.images_loader = pinrender.SafeLoader(
        pinrender.Limits(max_source_bytes=1_000_000), allow_local=False,
        transport=httpx.MockTransport(handler), resolver=lambda host, port: ["93.184.216.34"])
    rec = await images.create(image_data=None, image_url="https://cdn.example.com/a.png")
    assert images.ctx.meta.images.get(rec["id"]).width == 300


async def test_oversize_image_data_is_413(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(storage="memory://", max_source_bytes=2048)) as api:
        key = api.key("o@example.com", plan="pro")
        r = await api.client.post("/api/images", json={"image_data": b64(b"x" * 4096)},
                                  headers=auth(key))
        assert r.status_code == 413 and "image_data: too large" in r.json()["error"]


async def test_get_by_id_and_unique_id_and_404s(images: Images) -> None:
    rec = await images.create()
    for ref in (str(rec["id"]), rec["unique_id"]):
        r = await images.client.get(f"/api/images/{ref}", headers=images.h)
        assert r.status_code == 200 and r.json()["data"] == rec
    other = images.api.key("other@example.com", plan="pro")
    r = await images.client.get(f"/api/images/{rec['id']}", headers=auth(other))
    assert r.status_code == 404 and r.json()["error"] == "Image not found"
    for ref in ("999999", "zzzzzzzz", "../etc"):
        r = await images.client.get(f"/api/images/{ref}", headers=images.h)
        assert r.status_code == 404


async def test_update_fields_and_replace_hotspots(images: Images) -> None:
    rec = await images.create(hotspots=[{"x": 1, "y": 1}, {"x": 2, "y": 2}])
    r = await images.client.put(f"/api/images/{rec['unique_id']}", headers=images.h,
                                json={"hotspots": [{"x": 50, "y": 60, "title": "Only"}]})
    assert r.status_code == 200
    data = r.json()["data"]
    assert data["title"] == "API Image"
    assert data["hotspots"] == [{"x": 50, "y": 60, "title": "Only", "description": "",
                                 "color": "#2a9d8f"}]
    r = await images.client.put(f"/api/images/{rec['id']}", headers=images.h,
                                json={"title": "T", "description": "D"})
    assert r.json()["data"]["title"] == "T" and r.json()["data"]["description"] == "D"
    assert images.ctx.meta.images.get(rec["id"]).version == 3


@pytest.mark.parametrize("body, needle", [
    ({}, "at least one of title, description or hotspots"),
    ({"title": None}, "at least one"),
    ({"unknown": 1}, "unknown"),
])
async def test_update_needs_a_field(images: Images, body: dict[str, object], needle: str) -> None:
    rec = await images.create()
    r = await images.client.put(f"/api/images/{rec['id']}", headers=images.h, json=body)
    assert r.status_code == 400 and needle in r.json()["error"]


async def test_delete_removes_record_and_files_owner_only(images: Images) -> None:
    rec = await images.create(hotspots=[{"x": 10, "y": 10, "title": "a"}])
    stored = images.ctx.meta.images.get(rec["id"])
    r = await images.client.get(f"/files/{rec['unique_id']}_256.webp")
    assert r.status_code == 200
    # a share card, then another after the hotspots change: both are files of this image
    assert (await images.client.get(f"/share/images/{rec['unique_id']}/card.png")).status_code == 200
    r = await images.client.put(f"/api/images/{rec['id']}", headers=images.h,
                                json={"hotspots": [{"x": 50, "y": 50, "title": "b"}]})
    assert r.status_code == 200
    assert (await images.client.get(f"/share/images/{rec['unique_id']}/card.png")).status_code == 200
    assert len(images.ctx.meta.results.derived_from(f"image:{rec['id']}")) == 3
    contributor = images.api.key("owner@example.com", role="contributor")
    r = await images.client.delete(f"/api/images/{rec['id']}", headers=auth(contributor))
    assert r.status_code == 403 and "owner" in r.json()["error"]
    r = await images.client.delete(f"/api/images/{rec['unique_id']}", headers=images.h)
    assert r.status_code == 200 and r.json()["data"]["deleted"] is True
    assert images.ctx.meta.images.get(rec["id"], include_deleted=True) is None
    assert not images.ctx.blobs.exists(stored.blob_key)
    variant = images.ctx.render.prepare_transform(stored, width=256, format="webp")
    assert not images.ctx.blobs.exists(variant.blob_key)
    assert images.ctx.meta.results.derived_from(f"image:{rec['id']}") == []
    assert (await images.client.get(f"/files/{rec['unique_id']}_256.webp")).status_code == 404
    r = await images.client.delete(f"/api/images/{rec['id']}", headers=images.h)
    assert r.status_code == 404


async def test_free_plan_authenticates_but_is_403(images: Images) -> None:
    free = images.api.key("free@example.com")
    r = await images.client.get("/api/images", headers=auth(free))
    assert r.status_code == 403 and "upgrade" in r.json()["error"]
    assert r.headers["X-RateLimit-Limit"] == "1000"
    r = await images.client.get("/api/images", headers=auth("pk_" + "0" * 48))
    assert r.status_code == 401
    r = await images.client.get("/api/images")
    assert r.status_code == 401


async def test_key_in_any_of_three_places(images: Images) -> None:
    for kwargs in ({"headers": {"X-API-Key": images.owner}},
                   {"params": {"api_key": images.owner}}, {"headers": images.h}):
        r = await images.client.get("/api/images", **kwargs)  # type: ignore[arg-type]
        assert r.status_code == 200, r.text


async def test_image_limit_reached(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(storage="memory://", plans={"pro": {"max_images": 2}})
    async with open_api(settings) as api:
        key = api.key("o@example.com", plan="pro")
        for expected in (201, 201, 403):
            r = await api.client.post("/api/images", json={"image_data": b64(png_bytes(20, 20))},
                                      headers=auth(key))
            assert r.status_code == expected
        assert r.json()["error"] == "Image limit reached"


async def test_read_only_key_cannot_write(images: Images) -> None:
    reader = images.api.key("owner@example.com", abilities=("read",))
    r = await images.client.post("/api/images", json={"image_data": "AAAA"}, headers=auth(reader))
    assert r.status_code == 403


async def test_cors_and_openapi(images: Images) -> None:
    r = await images.client.options("/api/images", headers={
        "Origin": "https://site.example", "Access-Control-Request-Method": "POST"})
    assert r.status_code == 200 and r.headers["access-control-allow-origin"] == "*"
    doc = (await images.client.get("/openapi.json")).json()
    for path in ("/api/images", "/api/images/{id}", "/api/images/{id}/embed",
                 "/api/images/{id}/embed-data", "/files/{name}"):
        assert path in doc["paths"]
    assert "Hotspot" in doc["components"]["schemas"]


async def test_variants_widths_aliases_etag_and_no_upscale(images: Images) -> None:
    rec = await images.create()  # 640 x 320
    uid = rec["unique_id"]
    r = await images.client.get(f"/files/{uid}_512.webp")
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"
    assert decode(r.content).size == (512, 256)
    etag = r.headers["etag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    r2 = await images.client.get(f"/files/{uid}_512.webp", headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.headers["etag"] == etag
    alias = await images.client.get(f"/files/{uid}_small.webp")
    assert alias.headers["etag"] == etag
    big = await images.client.get(f"/files/{uid}_2000.webp")
    assert decode(big.content).size == (640, 320)  # never upscaled
    renders = await images.api.renders()
    await images.client.get(f"/files/{uid}_2000.webp")
    assert await images.api.renders() == renders  # stored: computed once
    for bad in (f"{uid}_300.webp", f"{uid}_huge.webp"):
        r = await images.client.get(f"/files/{bad}")
        assert r.status_code == 404 and "256, 512, 720, 1024, 1500, 2000" in r.json()["error"]
    assert (await images.client.get(f"/files/{uid}_512.png")).status_code == 404
    assert (await images.client.get("/files/zzzzzzzz_512.webp")).status_code == 404


async def test_concurrent_variant_requests_render_once(images: Images) -> None:
    import anyio

    rec = await images.create()
    before = await images.api.renders()
    statuses: list[int] = []

    async def one() -> None:
        statuses.append((await images.client.get(f"/files/{rec['unique_id']}_720.webp")).status_code)

    async with anyio.create_task_group() as tg:
        for _ in range(8):
            tg.start_soon(one)
    assert statuses == [200] * 8
    assert await images.api.renders() == before + 1


async def test_timestamps_are_utc(images: Images) -> None:
    rec = await images.create()
    stored = images.ctx.meta.images.get(rec["id"])
    assert rec["created_at"] == time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(stored.created_at))
