"""Renders with stored images as layers: the event render, `/api/render` and `/api/generate`."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from PIL import Image

from pinrender_server.services.ledger import RENDERS, month
from tests.images import solid
from tests.server.conftest import Api, auth

from .conftest import Org, make_org, tok
from .test_photos import upload

pytestmark = pytest.mark.anyio

FRAME = (42, 157, 143)
RED = (220, 30, 30)
BLUE = (20, 40, 220)


def framed(image_url: str | None = None) -> dict[str, Any]:
    """A branded frame: the brand colour around a 80x80 photo slot."""
    photo: dict[str, Any] = {"name": "photo", "type": "image", "x": 20, "y": 20, "width": 80,
                             "height": 80}
    if image_url:
        photo["image_url"] = image_url
    return {"canvas": {"width": 120, "height": 120, "background": "#2a9d8f"}, "layers": [photo]}


def pixels(data: bytes) -> tuple[Any, Any]:
    image = Image.open(io.BytesIO(data)).convert("RGB")
    assert image.size == (120, 120)
    return image.getpixel((5, 5)), image.getpixel((60, 60))


def render_url(template_id: str, layers: dict[str, Any] | None = None) -> str:
    url = f"/api/render?templateId={template_id}"
    return url + (f"&layers={json.dumps(layers)}" if layers else "")


async def test_event_render_frames_a_stored_photo(api: Api, org: Org) -> None:
    photo = await upload(api, org, solid(300, 200, RED, fmt="PNG"))
    template = await api.create(org.key, framed(), public=False)
    body = {"templateId": template["id"], "layers": {"photo": {"image_url": f"media:{photo['id']}"}},
            "format": "png"}
    path = f"/api/v1/ext/{org.id}/event/{org.event}/render"
    r = await api.client.post(path, json=body, headers=tok(org.token))
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["cached"] is False and out["format"] == "png"
    image = await api.client.get(out["imageUrl"])
    assert image.status_code == 200
    edge, middle = pixels(image.content)
    assert edge == pytest.approx(FRAME, abs=3)
    assert middle == pytest.approx(RED, abs=6)
    # Metered as /api/generate: one render of the month; the same render again costs nothing.
    assert api.ctx.counters.usage.get(org.id, RENDERS, month()) == 1
    again = await api.client.post(path, json=body, headers=tok(org.token))
    assert again.json()["cached"] is True and again.json()["key"] == out["key"]
    # The photo's src URL works as well as media:{id}, whatever host it names.
    src = str(photo["src"]).replace("http://testserver", "https://cdn.elsewhere.example")
    body["layers"] = {"photo": {"image_url": src}}
    r = await api.client.post(path, json=body, headers=tok(org.token))
    assert r.status_code == 200 and r.json()["key"] == out["key"]


async def test_event_render_refuses_other_orgs_templates_and_photos(api: Api, org: Org) -> None:
    other = await make_org(api, "other@example.com")
    theirs = await upload(api, other, solid(64, 64, BLUE, fmt="PNG"))
    their_template = await api.create(other.key, framed(), public=True)
    path = f"/api/v1/ext/{org.id}/event/{org.event}/render"
    r = await api.client.post(path, json={"templateId": their_template["id"]},
                              headers=tok(org.token))
    assert r.status_code == 404 and r.json()["error"]["code"] == "template_not_found"
    mine = await api.create(org.key, framed(), public=False)
    missing = await api.client.post(path, headers=tok(org.token), json={
        "templateId": mine["id"], "layers": {"photo": {"image_url": "media:zzzzzzzz"}}})
    foreign = await api.client.post(path, headers=tok(org.token), json={
        "templateId": mine["id"], "layers": {"photo": {"image_url": f"media:{theirs['id']}"}}})
    assert missing.status_code == foreign.status_code == 422
    assert foreign.json()["error"]["field"] == "layers.photo.image_url"
    assert foreign.json()["error"]["message"].replace(str(theirs["id"]), "ID") == \
        missing.json()["error"]["message"].replace("zzzzzzzz", "ID")


async def test_stored_images_as_layers_in_api_render(api: Api, org: Org) -> None:
    photo = await upload(api, org, solid(100, 100, RED, fmt="PNG"))
    # The template names the photo by its CDN URL (any host: this server's own URL scheme).
    template = await api.create(org.key, framed(f"https://img.example.net/src/x/{photo['id']}.png"))
    r = await api.client.get(render_url(template["id"]))
    assert r.status_code == 200, r.text
    assert pixels(r.content)[1] == pytest.approx(RED, abs=6)
    etag = r.headers["etag"]
    # Overrides may name the owner's public images too; the key follows the stored digest.
    blue = await upload(api, org, solid(100, 100, BLUE, fmt="PNG"))
    r = await api.client.get(render_url(template["id"], {"photo": {"image_url": f"media:{blue['id']}"}}))
    assert r.status_code == 200 and r.headers["etag"] != etag
    assert pixels(r.content)[1] == pytest.approx(BLUE, abs=6)
    # A private image of the owner is not for anonymous renders; another account's never.
    api.ctx.meta.images.update(api.ctx.meta.images.get(str(blue["id"])).id,  # type: ignore[union-attr]
                               {"public": False}, now=0)
    r = await api.client.get(render_url(template["id"], {"photo": {"image_url": f"media:{blue['id']}"}}))
    assert r.status_code == 422 and "layers.photo.image_url" in r.json()["error"]
    other = await make_org(api, "other@example.com")
    theirs = await upload(api, other, solid(64, 64, BLUE, fmt="PNG"))
    r = await api.client.get(render_url(template["id"], {"photo": {"image_url": f"media:{theirs['id']}"}}))
    assert r.status_code == 422


async def test_stored_images_as_layers_in_generate(api: Api, org: Org) -> None:
    # An image uploaded through /v1 (seed 001) by the same account, named by /files/ or media:.
    r = await api.client.post("/v1/upload", headers=auth(org.key),
                              files={"file": ("p.png", solid(90, 90, RED, fmt="PNG"), "image/png")})
    assert r.status_code == 201, r.text
    uid = r.json()["id"]
    template = await api.create(org.key, framed(), public=False)
    for url in (f"media:{uid}", f"http://testserver/files/{uid}_640.webp"):
        r = await api.client.post("/api/generate", headers=auth(org.key), json={
            "templateId": template["id"], "layers": {"photo": {"image_url": url}}})
        assert r.status_code == 200, r.text
        image = await api.client.get(r.json()["imageUrl"])
        assert pixels(image.content)[1] == pytest.approx(RED, abs=6)
    # The same image by another account's key: refused like a missing one.
    other = api.key("stranger@example.com")
    theirs = await api.create(other, framed(), public=False)
    r = await api.client.post("/api/generate", headers=auth(other), json={
        "templateId": theirs["id"], "layers": {"photo": {"image_url": f"media:{uid}"}}})
    assert r.status_code == 422 and r.json()["field"] == "layers.photo.image_url"


async def test_ordinary_urls_are_untouched(api: Api, org: Org) -> None:
    # Not this server's scheme: still an ordinary (SSRF-guarded) URL, refused for loopback.
    template = await api.create(org.key, framed("http://127.0.0.1/other/x.png"))
    r = await api.client.get(render_url(template["id"]))
    assert r.status_code in (422, 502), r.text


async def test_a_deleted_photo_stops_rendering_at_once(api: Api, org: Org) -> None:
    photo = await upload(api, org, solid(64, 64, RED, fmt="PNG"))
    template = await api.create(org.key, framed(), public=False)
    path = f"/api/v1/ext/{org.id}/event/{org.event}/render"
    body = {"templateId": template["id"], "layers": {"photo": {"image_url": f"media:{photo['id']}"}}}
    assert (await api.client.post(path, json=body, headers=tok(org.token))).status_code == 200
    r = await api.client.delete(f"/api/v1/ext/{org.id}/event/{org.event}/photos/{photo['id']}",
                                headers=tok(org.token))
    assert r.status_code == 200
    r = await api.client.post(path, json=body, headers=tok(org.token))
    assert r.status_code == 422 and r.json()["error"]["field"] == "layers.photo.image_url"
