"""`POST /api/generate`: stored results, immutable URLs, the monthly render allowance."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import pinrender
from pinrender_server.services.ledger import RENDERS, month
from pinrender_server.settings import Plan, Settings
from tests.server.conftest import Api, auth, open_api

pytestmark = pytest.mark.anyio


def used(api: Api) -> int:
    account_id = api.ctx.meta.keys.list()[0].account_id
    return api.ctx.counters.usage.get(account_id, RENDERS, month())


def blob_files(settings: Settings) -> list[Path]:
    root = settings.data_dir / "blobs"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


async def generate(api: Api, key: str, **body: Any) -> Any:
    return await api.client.post("/api/generate", headers=auth(key), json=body)


async def test_generate_stores_and_serves_immutably(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(public_base_url="https://img.example.com/")
    async with open_api(settings) as api:
        key = api.key()
        t = await api.create(key, public=False)
        r = await generate(api, key, templateId=t["id"], layers={"title": {"text": "Stored"}},
                           format="webp", quality=80)
        body = r.json()
        assert r.status_code == 200, body
        assert body["success"] is True and body["cached"] is False
        assert body["imageUrl"].startswith("https://img.example.com/renders/")
        assert body["imageUrl"].endswith(".webp") and body["data"]["imageUrl"] == body["imageUrl"]
        path = body["imageUrl"].removeprefix("https://img.example.com")
        img = await api.client.get(path)
        assert img.status_code == 200 and img.headers["content-type"] == "image/webp"
        assert img.headers["cache-control"] == "public, max-age=31536000, immutable"
        etag = img.headers["etag"]
        assert etag == f'"{body["data"]["key"]}"'
        r304 = await api.client.get(path, headers={"If-None-Match": etag})
        assert r304.status_code == 304
        assert len(blob_files(settings)) == 1
        # The stored bytes outlive the memory cache: a fresh app on the same data dir serves them.
    async with open_api(settings) as api:
        again = await api.client.get(path)
        assert again.status_code == 200 and again.content == img.content


async def test_image_url_defaults_to_request_host(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    r = await generate(api, key, templateId=t["id"])
    assert r.json()["imageUrl"].startswith("http://testserver/renders/")


async def test_only_new_renders_count(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    first = await generate(api, key, templateId=t["id"], layers={"title": {"text": "A"}})
    second = await generate(api, key, templateId=t["id"], layers={"title": {"text": "A"}})
    assert (first.json()["cached"], second.json()["cached"]) == (False, True)
    assert first.json()["imageUrl"] == second.json()["imageUrl"]
    assert used(api) == 1
    await generate(api, key, templateId=t["id"], layers={"title": {"text": "B"}})
    assert used(api) == 2
    # Public /api/render renders are never counted; generating one afterwards is a cache hit.
    await api.client.get("/api/render", params={"templateId": t["id"], "format": "jpeg"})
    r = await generate(api, key, templateId=t["id"], format="jpeg")
    assert r.json()["cached"] is True and used(api) == 2


async def test_over_allowance_is_429_but_cached_still_served(
    make_settings: Callable[..., Settings]
) -> None:
    plans = {"free": Plan(monthly_credits=10, monthly_renders=2)}
    async with open_api(make_settings(plans=plans)) as api:
        key = api.key()
        t = await api.create(key)
        for text in ("1", "2"):
            assert (await generate(api, key, templateId=t["id"],
                                   layers={"title": {"text": text}})).status_code == 200
        r = await generate(api, key, templateId=t["id"], layers={"title": {"text": "3"}})
        assert r.status_code == 429 and r.json()["code"] == 429
        assert int(r.headers["retry-after"]) > 0
        r = await generate(api, key, templateId=t["id"], layers={"title": {"text": "1"}})
        assert r.status_code == 200 and r.json()["cached"] is True
        assert used(api) == 2


async def test_version_bump_invalidates_generated_results(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    a = (await generate(api, key, templateId=t["id"])).json()
    await api.client.put(f"/api/templates/{t['id']}", headers=auth(key), json={"name": "v2"})
    b = (await generate(api, key, templateId=t["id"])).json()
    assert b["cached"] is False and b["imageUrl"] != a["imageUrl"] and used(api) == 2


class FailingRenderer(pinrender.Renderer):
    def render_result(self, *args: Any, **kwargs: Any) -> Any:
        raise pinrender.RenderError("encoder exploded")


async def test_failed_render_stores_and_counts_nothing(
    make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    async with open_api(settings, renderer=FailingRenderer()) as api:
        key = api.key()
        t = await api.create(key)
        r = await generate(api, key, templateId=t["id"])
        assert r.status_code == 500 and r.json() == {"success": False, "error": "render failed",
                                                     "code": 500}
        assert used(api) == 0 and blob_files(settings) == []


async def test_unfetchable_source_is_4xx_and_counts_nothing(api: Api) -> None:
    key = api.key()
    t = await api.create(key, json_data={
        "canvas": {"width": 50, "height": 50},
        "layers": [{"name": "pic", "type": "image", "width": 50, "height": 50}],
    })
    r = await generate(api, key, templateId=t["id"],
                       layers={"pic": {"image_url": "http://127.0.0.1:9/x.png"}})
    assert 400 <= r.status_code < 500, r.text
    assert used(api) == 0


@pytest.mark.parametrize("body, status, field", [
    ({}, 400, "templateId"),
    ({"templateId": "nope"}, 400, "templateId"),
    ({"templateId": "00000000-0000-0000-0000-000000000000"}, 404, "templateId"),
    ({"layers": {"title": "x"}}, 400, "layers.title"),
    ({"layers": [1]}, 400, "layers"),
    ({"format": "gif"}, 400, "format"),
    ({"quality": 0}, 400, "quality"),
    ({"layers": {"title": {"text": "x" * 2**20}}}, 422, "layers.title.text"),
    ({"layers": {"title": {"fontSize": "big"}}}, 422, "layers.title.fontSize"),
    ({"layers": {"ghost": {"text": "boo"}}}, 422, "layers.ghost"),
])
async def test_bad_generate_requests(
    api: Api, body: dict[str, Any], status: int, field: str
) -> None:
    key = api.key()
    t = await api.create(key)
    payload = {"templateId": t["id"], **body} if "templateId" not in body else body
    if body == {}:
        payload = {}
    r = await api.client.post("/api/generate", headers=auth(key), json=payload)
    assert r.status_code == status, r.text
    assert r.json()["field"] == field and used(api) == 0


async def test_generate_needs_a_key_and_someone_elses_private_template_is_404(api: Api) -> None:
    t = await api.create(api.key("a@example.com"), public=False)
    r = await api.client.post("/api/generate", json={"templateId": t["id"]})
    assert r.status_code == 401
    r = await generate(api, api.key("b@example.com"), templateId=t["id"])
    assert r.status_code == 404


async def test_stored_route_rejects_bad_names(api: Api) -> None:
    for name in ("nothex.png", "abcdefabcdefabcdefabcdef.gif", "abcdefabcdefabcdefabcdef.png",
                 "..%2Fpinrender.db"):
        r = await api.client.get(f"/renders/{name}")
        assert r.status_code == 404 and r.json()["code"] == 404
