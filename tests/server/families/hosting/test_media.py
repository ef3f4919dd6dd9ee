"""`/v1/media` list/get/patch/delete, batch, usage, namespaces, expiry and the sweeper."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender_server.families.hosting.sweeper import sweep
from tests.server.conftest import Api, auth

from .conftest import new_key, upload

pytestmark = pytest.mark.anyio


async def walk(api: Api, key: str, limit: int, between: object = None) -> list[str]:
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        r = await api.client.get("/v1/media", params=params, headers=auth(key))
        assert r.status_code == 200, r.text
        body = r.json()
        seen += [i["id"] for i in body["items"]]
        if callable(between):
            await between()
        if not body["has_more"]:
            assert body["cursor"] is None
            return seen
        cursor = body["cursor"]


async def test_pagination_filters_and_get(v1: Api) -> None:
    key = await new_key(v1)
    ids = [(await upload(v1, key, namespace="ns-a" if i % 2 else "ns-b",
                         tags="x,y" if i % 3 == 0 else "x")).json()["id"] for i in range(7)]
    assert await walk(v1, key, 3) == ids[::-1]
    r = await v1.client.get("/v1/media", params={"namespace": "ns-a"}, headers=auth(key))
    assert [i["id"] for i in r.json()["items"]] == [ids[i] for i in (5, 3, 1)]
    r = await v1.client.get("/v1/media", params={"tags": "x,y"}, headers=auth(key))
    assert [i["id"] for i in r.json()["items"]] == [ids[i] for i in (6, 3, 0)]
    r = await v1.client.get("/v1/media", params={"tags": "y,zz", "tag_mode": "any"}, headers=auth(key))
    assert len(r.json()["items"]) == 3
    for bad in ({"limit": "0"}, {"limit": "101"}, {"cursor": "bogus!"}, {"tag_mode": "none"}):
        r = await v1.client.get("/v1/media", params=bad, headers=auth(key))
        assert r.status_code == 422 and r.json()["error"] == "validation_error", bad
    assert (await v1.client.get("/v1/media")).status_code == 401


@given(n=st.integers(1, 12), limit=st.integers(1, 5), inserts=st.integers(0, 3))
@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
def test_walking_pages_sees_every_item_once(v1_sync: object, n: int, limit: int, inserts: int) -> None:
    import anyio

    api, key = v1_sync  # type: ignore[misc]

    async def run() -> None:
        existing = await walk(api, key, 100)
        for _ in range(n):
            await upload(api, key)
        live = await walk(api, key, 100)

        async def insert() -> None:
            for _ in range(inserts):
                await upload(api, key)

        seen = await walk(api, key, limit, insert)
        assert len(seen) == len(set(seen))
        assert seen == live  # new items land before the cursor, never inside a walk
        assert set(existing) <= set(seen)

    anyio.run(run)


@pytest.fixture
def v1_sync(tmp_path_factory: pytest.TempPathFactory) -> object:
    import anyio
    import httpx

    from pinrender_server.app import create_app
    from pinrender_server.settings import Settings
    from tests.server.conftest import Api as ApiClass

    settings_ = Settings(data_dir=tmp_path_factory.mktemp("walk"), load_examples=False,
                         allowed_hosts=["testserver"],
                         render_workers=1, anonymous_hourly_uploads=10_000,
                         plans={"free": {"monthly_uploads": 10_000, "hourly_requests": 10**6}})
    app = create_app(settings_)
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")
    api = ApiClass(app, client)

    async def make_key() -> str:
        return await new_key(api)

    return api, anyio.run(make_key)


async def test_public_get_patch_delete(v1: Api) -> None:
    key = await new_key(v1)
    other = await new_key(v1, "other@example.com")
    pub = (await upload(v1, key, author="Jane", old_field="x")).json()
    priv = (await upload(v1, key, public="false")).json()
    r = await v1.client.get(f"/v1/media/{pub['id']}")
    assert r.status_code == 200 and r.json()["editable"] is False and r.json()["author"] == "Jane"
    assert (await v1.client.get(f"/v1/media/{priv['id']}")).status_code == 404
    assert (await v1.client.get(f"/v1/media/{priv['id']}", headers=auth(other))).status_code == 404
    assert (await v1.client.get(f"/v1/media/{priv['id']}", headers=auth(key))).status_code == 200
    r = await v1.client.patch(f"/v1/media/{pub['id']}", headers=auth(key), json={
        "name": "Updated Name", "tags": "new-tag,another", "namespace": "new-project",
        "public": False, "date": "2025-06-15", "external_id": "ext-456",
        "metadata": {"author": "Updated Author", "old_field": None}})
    assert r.status_code == 200, r.text
    m = r.json()
    assert m["name"] == "Updated Name" and m["tags"] == ["new-tag", "another"]
    assert m["author"] == "Updated Author" and "old_field" not in m and m["public"] is False
    r = await v1.client.patch(f"/v1/media/{priv['id']}", headers=auth(key), json={"external_id": "ext-456"})
    assert r.status_code == 409 and r.json()["error"] == "duplicate"
    r = await v1.client.patch(f"/v1/media/{pub['id']}", headers=auth(key), json={"namespace": "NO"})
    assert r.status_code == 422
    assert (await v1.client.patch(f"/v1/media/{pub['id']}", headers=auth(other), json={"name": "x"})).status_code == 404
    r = await v1.client.delete(f"/v1/media/{pub['id']}", headers=auth(key))
    assert r.status_code == 200 and r.json() == {"deleted": True}
    assert (await v1.client.get(f"/v1/media/{pub['id']}", headers=auth(key))).status_code == 404
    assert (await v1.client.delete(f"/v1/media/{pub['id']}", headers=auth(key))).status_code == 404


async def test_batch_usage_namespaces(v1: Api) -> None:
    key = await new_key(v1)
    ids = [(await upload(v1, key, tags="a", namespace="old-project")).json()["id"] for _ in range(3)]
    r = await v1.client.patch("/v1/media/batch", headers=auth(key), json={
        "ids": ids[:2], "update": {"tags": "b", "tag_mode": "add", "namespace": "my-project",
                                   "public": False}})
    assert r.json() == {"updated": 2}
    m = (await v1.client.get(f"/v1/media/{ids[0]}", headers=auth(key))).json()
    assert m["tags"] == ["a", "b"] and m["namespace"] == "my-project" and m["public"] is False
    r = await v1.client.patch("/v1/media/batch", headers=auth(key), json={
        "ids": ids, "update": {"tags": "a", "tag_mode": "remove"}})
    assert r.json() == {"updated": 3}
    r = await v1.client.patch("/v1/media/batch", headers=auth(key), json={
        "ids": ["x"] * 101, "update": {"public": True}})
    assert r.status_code == 422
    ns = (await v1.client.get("/v1/namespaces", headers=auth(key))).json()["namespaces"]
    assert [(n["namespace"], n["count"]) for n in ns] == [("my-project", 2), ("old-project", 1)]
    assert ns[0]["storage_bytes"] > 0
    r = await v1.client.request("DELETE", "/v1/media/batch", headers=auth(key),
                                json={"namespace": "my-project"})
    assert r.json() == {"deleted": 2}
    r = await v1.client.request("DELETE", "/v1/media/batch", headers=auth(key), json={"ids": ids})
    assert r.json() == {"deleted": 1}
    r = await v1.client.request("DELETE", "/v1/media/batch", headers=auth(key), json={})
    assert r.status_code == 422
    usage = (await v1.client.get("/v1/usage", headers=auth(key))).json()
    assert usage["uploads_used"] == 3 and usage["storage_used_bytes"] == 0
    assert usage["resets_at"] > time.time() and usage["plan"] == "free"


async def test_expiry_is_404_everywhere_and_the_sweeper_removes_blobs(v1: Api) -> None:
    key = await new_key(v1)
    m = (await upload(v1, key, ttl=3600)).json()
    image = v1.ctx.meta.images.get(m["id"])
    src = m["src"].replace("http://testserver", "")
    assert (await v1.client.get(src)).status_code == 200
    small = src.rsplit(".", 1)[0] + ".webp?size=s"
    assert (await v1.client.get(small)).status_code == 200  # a stored transform
    later = image.expires_at + 1
    v1.ctx.meta.images.update(image.id, {"expires_at": time.time() - 1}, now=time.time())
    for path in (f"/v1/media/{m['id']}", src, f"/i/{m['id']}"):
        r = await v1.client.get(path, headers=auth(key))
        assert r.status_code == 404 and r.json()["error"] == "not_found", path
    transforms = v1.ctx.meta.results.derived_from(f"image:{image.id}")
    assert transforms and all(v1.ctx.blobs.exists(t.blob_key) for t in transforms)
    assert sweep(v1.ctx, now=later) == 1
    assert not v1.ctx.blobs.exists(image.blob_key)
    assert not any(v1.ctx.blobs.exists(t.blob_key) for t in transforms)
    assert v1.ctx.meta.results.derived_from(f"image:{image.id}") == []
    assert v1.ctx.meta.images.get(image.id, include_deleted=True) is None
