"""What schemathesis found, pinned: requests the document calls valid are accepted, and a
non-ASCII id is a 404, not a 500."""

from __future__ import annotations

import pytest

from tests.server.conftest import Api, auth
from tests.server.families.interactive.conftest import b64, png_bytes

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
async def test_a_non_ascii_digit_id_is_not_found(api: Api, method: str) -> None:
    key = api.key("owner@example.com", plan="pro")
    kwargs = {"json": {"title": "x"}} if method == "PUT" else {}
    for ref in ("³", "١٢", "²5"):  # str.isalnum() and isdigit() hold for these; int() fails
        r = await api.client.request(method, f"/api/images/{ref}", headers=auth(key), **kwargs)
        assert r.status_code == 404, (ref, r.text)
        assert r.json() == {"success": False, "error": "Image not found", "code": 404}


async def test_an_api_key_in_the_query_is_not_a_v1_filter(api: Api) -> None:
    r = await api.client.post("/v1/keys", json={"email": "q@example.com"})
    key = r.json()["key"]
    r = await api.client.get("/v1/media", params={"api_key": key, "limit": 5})
    assert r.status_code == 200, r.text
    assert r.json() == {"items": [], "cursor": None, "has_more": False}


async def test_images_lookup_by_ids_answers_found_and_missing(api: Api) -> None:
    key = api.key("owner@example.com", plan="pro")
    r = await api.client.post("/api/images", json={"image_data": b64(png_bytes(40, 20))},
                              headers=auth(key))
    uid = r.json()["data"]["unique_id"]
    r = await api.client.get("/api/images", params={"ids": f"{uid}, nothere1,,"},
                             headers=auth(key))
    assert r.status_code == 200
    data = r.json()["data"]
    assert [i["unique_id"] for i in data["images"]] == [uid] and data["missing"] == ["nothere1"]


@pytest.mark.parametrize("body", [
    {"image_url": None, "image_data": None},
    {},
    {"image_url": "https://a.example/x.png", "image_data": "AAAA"},
])
async def test_images_need_exactly_one_source_as_the_schema_says(api: Api,
                                                                 body: dict[str, object]) -> None:
    key = api.key("owner@example.com", plan="pro")
    r = await api.client.post("/api/images", json=body, headers=auth(key))
    assert r.status_code == 400 and "exactly one of image_url or image_data" in r.json()["error"]
    doc = (await api.client.get("/openapi.json")).json()
    one_of = doc["components"]["schemas"]["ImageCreate"]["oneOf"]
    assert sorted(o["required"] for o in one_of) == [["image_data"], ["image_url"]]
