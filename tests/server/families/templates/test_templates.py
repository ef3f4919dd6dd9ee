"""Template CRUD: validation naming the field, ownership, pagination, version bumps."""

from __future__ import annotations

import copy
import uuid

import pytest

from tests.server.conftest import CARD, Api, auth

pytestmark = pytest.mark.anyio


async def test_create_get_list_update_delete(api: Api) -> None:
    key = api.key()
    t = await api.create(key, description="d", previewUrl="https://x.io/p.png")
    uuid.UUID(t["id"])
    assert (t["version"], t["public"], t["previewUrl"]) == (1, True, "https://x.io/p.png")
    r = await api.client.get(f"/api/templates/{t['id']}", headers=auth(key))
    assert r.json()["data"] == t
    r = await api.client.put(f"/api/templates/{t['id']}", headers=auth(key),
                             json={"name": "New", "public": False, "previewUrl": None})
    data = r.json()["data"]
    assert r.status_code == 200 and data["name"] == "New" and data["version"] == 2
    assert data["public"] is False and data["previewUrl"] is None
    assert data["jsonData"] == CARD
    r = await api.client.delete(f"/api/templates/{t['id']}", headers=auth(key))
    assert r.status_code == 200
    r = await api.client.get(f"/api/templates/{t['id']}", headers=auth(key))
    assert r.status_code == 404 and r.json() == {"success": False, "error": "Template not found",
                                                 "code": 404}


async def test_list_is_paginated_and_own_only(api: Api) -> None:
    mine, other = api.key("me@example.com"), api.key("other@example.com")
    ids = [(await api.create(mine, name=f"t{i}"))["id"] for i in range(5)]
    await api.create(other)
    r = await api.client.get("/api/templates", params={"page": 2, "limit": 2}, headers=auth(mine))
    data = r.json()["data"]
    assert [t["id"] for t in data["items"]] == ids[2:4]
    assert (data["total"], data["page"], data["limit"], data["hasMore"]) == (5, 2, 2, True)
    r = await api.client.get("/api/templates", params={"limit": 500}, headers=auth(mine))
    assert r.status_code == 400 and r.json()["field"] == "limit"


async def test_other_accounts_templates_are_not_found(api: Api) -> None:
    t = await api.create(api.key("a@example.com"))
    b = api.key("b@example.com")
    for method in ("GET", "PUT", "DELETE"):
        r = await api.client.request(method, f"/api/templates/{t['id']}", headers=auth(b),
                                     json={"name": "x"})
        assert r.status_code == 404, method


@pytest.mark.parametrize("json_data, field", [
    ({"canvas": {"width": 0, "height": 10}}, "jsonData.canvas.width"),
    ({"canvas": {"width": 10, "height": 10}, "layers": [{"name": "t", "type": "text", "width": 5,
      "height": 5, "fontSize": -1}]}, "jsonData.layers"),
    ({"layers": []}, "jsonData.canvas"),
    ({"canvas": {"width": 10, "height": 10, "background": "not-a-colour"}},
     "jsonData.canvas.background"),
])
async def test_bad_json_data_is_422_naming_the_field_and_not_stored(
    api: Api, json_data: dict[str, object], field: str
) -> None:
    key = api.key()
    r = await api.client.post("/api/templates", headers=auth(key),
                              json={"name": "bad", "jsonData": json_data})
    body = r.json()
    assert r.status_code == 422, body
    assert body["success"] is False and body["field"].startswith(field), body
    assert body["error"].startswith(field)
    assert api.ctx.meta.templates.count(api.ctx.meta.keys.list()[0].account_id) == 0


async def test_bad_update_is_rejected_and_version_unchanged(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    bad = copy.deepcopy(CARD)
    bad["layers"][0]["fill"] = "not-a-colour"
    r = await api.client.put(f"/api/templates/{t['id']}", headers=auth(key), json={"jsonData": bad})
    assert r.status_code == 422 and r.json()["field"] == "jsonData.layers.band.fill"
    r = await api.client.get(f"/api/templates/{t['id']}", headers=auth(key))
    assert r.json()["data"]["version"] == 1


@pytest.mark.parametrize("body, status", [
    ({}, 400), ({"name": "x"}, 400), ({"name": "", "jsonData": CARD}, 400),
    ({"name": "x", "jsonData": CARD, "extra": 1}, 400), ({"name": "x", "jsonData": []}, 400),
])
async def test_malformed_create_bodies(api: Api, body: dict[str, object], status: int) -> None:
    r = await api.client.post("/api/templates", headers=auth(api.key()), json=body)
    assert r.status_code == status and r.json()["code"] == status


@pytest.mark.parametrize("raw", [b"", b"{", b"[1]", b'{"name": NaN}', b"[" * 5000 + b"]" * 5000])
async def test_unparseable_bodies_are_400(api: Api, raw: bytes) -> None:
    r = await api.client.post("/api/templates", headers={**auth(api.key()),
                              "Content-Type": "application/json"}, content=raw)
    assert r.status_code == 400 and r.json()["field"] == "body"


async def test_huge_body_is_413(api: Api) -> None:
    big = b'{"name": "' + b"x" * (5 * 2**20) + b'"}'
    r = await api.client.post("/api/templates", headers=auth(api.key()), content=big)
    assert r.status_code == 413 and r.json()["code"] == 413


async def test_empty_update_and_null_name_are_400(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    for body in ({}, {"name": None}):
        r = await api.client.put(f"/api/templates/{t['id']}", headers=auth(key), json=body)
        assert r.status_code == 400, body


async def test_non_uuid_id_is_404(api: Api) -> None:
    r = await api.client.get("/api/templates/not-a-uuid", headers=auth(api.key()))
    assert r.status_code == 404
