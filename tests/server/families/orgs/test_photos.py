"""Event photos: the one media ingest, served by the CDN, isolated per event and organisation."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.images import solid
from tests.server.conftest import Api, auth

from .conftest import Org, make_org, tok

pytestmark = pytest.mark.anyio


def photos(org: Org, event: int | None = None) -> str:
    return f"/api/v1/ext/{org.id}/event/{org.event if event is None else event}/photos"


async def upload(api: Api, org: Org, data: bytes, event: int | None = None,
                 name: str = "guest.png") -> dict[str, object]:
    r = await api.client.post(photos(org, event), headers=tok(org.token),
                              files={"file": (name, data, "image/png")})
    assert r.status_code == 201, r.text
    body: dict[str, object] = r.json()
    return body


async def new_event(api: Api, org: Org, name: str = "Gala") -> int:
    r = await api.client.post(f"/api/v1/orgs/{org.id}/events", json={"name": name},
                              headers=auth(org.key))
    return int(r.json()["id"])


async def test_upload_then_serve_through_the_cdn(api: Api, org: Org) -> None:
    photo = await upload(api, org, solid(800, 600, (10, 200, 30), fmt="PNG"))
    assert (photo["width"], photo["height"], photo["event_id"]) == (800, 600, org.event)
    src = str(photo["src"])
    assert "/src/" in src and src.endswith(".png")
    assert set(photo["sizes"]) == {"s", "m", "l"}  # type: ignore[arg-type]
    r = await api.client.get(str(photo["sizes"]["s"]))  # type: ignore[index]
    assert r.status_code == 200
    image = Image.open(io.BytesIO(r.content))
    assert min(image.size) == 320
    assert image.convert("RGB").getpixel((5, 5)) == pytest.approx((10, 200, 30), abs=6)
    r = await api.client.get(src.replace(".png", ".webp"))
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"


async def test_bad_uploads(api: Api, org: Org) -> None:
    r = await api.client.post(photos(org), headers=tok(org.token),
                              files={"file": ("x.png", b"not an image", "image/png")})
    assert r.status_code == 400 and r.json()["error"]["code"] == "unsupported_format"
    r = await api.client.post(photos(org), headers=tok(org.token), data={"name": "x"})
    assert r.status_code == 400
    truncated = solid(300, 200, fmt="PNG")[:-200]
    r = await api.client.post(photos(org), headers=tok(org.token),
                              files={"file": ("x.png", truncated, "image/png")})
    assert r.status_code == 400
    # Nothing was stored by the refusals.
    listed = (await api.client.get(photos(org), headers=tok(org.token))).json()
    assert listed["data"] == []


async def test_file_cap(api: Api, org: Org) -> None:
    plan = api.ctx.settings.plan("free")
    big = b"\x89PNG\r\n\x1a\n" + b"\0" * (plan.max_file_bytes + 10)
    r = await api.client.post(photos(org), headers=tok(org.token),
                              files={"file": ("big.png", big, "image/png")})
    assert r.status_code == 413 and r.json()["error"]["code"] == "file_too_large"


async def test_photos_are_isolated_per_event_and_org(api: Api, org: Org) -> None:
    gala = await new_event(api, org)
    mine = await upload(api, org, solid(64, 48, fmt="PNG"))
    theirs_event = await upload(api, org, solid(64, 48, (1, 2, 3), fmt="PNG"), event=gala)
    listed = (await api.client.get(photos(org), headers=tok(org.token))).json()
    assert [p["id"] for p in listed["data"]] == [mine["id"]]
    r = await api.client.get(f"{photos(org)}/{theirs_event['id']}", headers=tok(org.token))
    assert r.status_code == 404 and r.json()["error"]["code"] == "photo_not_found"
    r = await api.client.delete(f"{photos(org)}/{theirs_event['id']}", headers=tok(org.token))
    assert r.status_code == 404
    r = await api.client.get(f"{photos(org, gala)}/{theirs_event['id']}", headers=tok(org.token))
    assert r.status_code == 200
    other = await make_org(api, "other@example.com")
    r = await api.client.get(f"{photos(other)}/{mine['id']}", headers=tok(other.token))
    assert r.status_code == 404
    # Another organisation's token cannot even reach this event.
    r = await api.client.get(photos(org), headers=tok(other.token))
    assert r.status_code == 403 and r.json()["error"]["code"] == "org_mismatch"


async def test_cursor_pages_and_delete(api: Api, org: Org) -> None:
    ids = [(await upload(api, org, solid(40 + n, 30, fmt="PNG")))["id"] for n in range(5)]
    seen: list[str] = []
    cursor = None
    while True:
        query = f"?limit=2&cursor={cursor}" if cursor else "?limit=2"
        page = (await api.client.get(photos(org) + query, headers=tok(org.token))).json()
        seen += [p["id"] for p in page["data"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(ids))
    r = await api.client.delete(f"{photos(org)}/{ids[0]}", headers=tok(org.token))
    assert r.status_code == 200 and r.json() == {"deleted": True, "id": ids[0]}
    r = await api.client.get(f"{photos(org)}/{ids[0]}", headers=tok(org.token))
    assert r.status_code == 404
    r = await api.client.get(photos(org) + "?cursor=abc", headers=tok(org.token))
    assert r.status_code == 400
