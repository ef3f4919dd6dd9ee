"""Who can fetch what: every route that serves an image's bytes or pages, for a public and a
private image, with no key, the owner's key, another account's key, and signed links (valid,
expired, tampered). Images are decoded; caching headers are checked."""

from __future__ import annotations

import base64
import io
import json
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from html import unescape
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from PIL import Image

from pinrender.urls import sign_path
from pinrender_server.settings import Settings
from tests.images import solid, two_tone
from tests.server.conftest import Api, auth, open_api

pytestmark = pytest.mark.anyio

SECRET = "test-link-secret"
TTL = 600
STEP = 300  # links' deadlines are rounded up to this (README, "Who can fetch what")


photo = two_tone


@dataclass
class Item:
    uid: str
    team: str
    src: str  # as the owner was handed it


@dataclass
class World:
    api: Api
    owner: str
    other: str
    embed_key: str
    public: Item
    private: Item


async def upload(api: Api, key: str, data: bytes, filename: str = "photo.jpg",
                 media_type: str = "image/jpeg", **fields: str) -> dict[str, Any]:
    r = await api.client.post("/v1/upload", files={"file": (filename, data, media_type)},
                              data=fields, headers=auth(key))
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def item(media: dict[str, Any]) -> Item:
    path = urlsplit(media["src"]).path
    team = path.split("/")[2]
    return Item(media["id"], team, media["src"])


@pytest.fixture
async def world(make_settings: Callable[..., Settings]) -> AsyncIterator[World]:
    settings = make_settings(link_secret=SECRET, signed_url_ttl=TTL, sweep_interval=3600)
    async with open_api(settings) as api:
        owner = api.key("owner@example.com", plan="pro")
        other = api.key("other@example.com", plan="pro")
        public = item(await upload(api, owner, photo()))
        private = item(await upload(api, owner, photo(), public="false"))
        r = await api.client.get(f"/api/images/{public.uid}/embed", headers=auth(owner))
        assert r.status_code == 200, r.text
        yield World(api, owner, other, r.json()["data"]["embed_key"], public, private)


# Every route that answers an image's bytes, a page showing it, or data with its URLs.
ROUTES = {
    "original": ("/src/{team}/{uid}.jpeg", ("JPEG", (640, 480))),
    "transform": ("/src/{team}/{uid}.webp?size=s", ("WEBP", (427, 320))),
    "variant": ("/files/{uid}_512.webp", ("WEBP", (512, 384))),
    "share card": ("/share/images/{uid}/card.png", ("PNG", (640, 480))),
    "og card": ("/share/images/{uid}/og.png", ("PNG", (1200, 630))),
    "share page": ("/share/images/{uid}", "html"),
    "embed page": ("/images/{uid}/embed", "html"),
    "viewer page": ("/i/{uid}", "html"),
    "embed-data": ("/api/images/{uid}/embed-data?user={embed}", "json"),
}
CASES = ("no key", "owner's key", "other key", "signed", "expired", "tampered")
PRIVATE_STATUS = {"no key": 404, "owner's key": 200, "other key": 404, "signed": 200,
                  "expired": 403, "tampered": 404}


def request_for(w: World, path: str, case: str) -> tuple[str, dict[str, str]]:
    if case == "owner's key":
        return path, auth(w.owner)
    if case == "other key":
        return path, auth(w.other)
    if case == "signed":
        return sign_path(path, SECRET, int(time.time()) + 120), {}
    if case == "expired":
        return sign_path(path, SECRET, int(time.time()) - 1), {}
    if case == "tampered":
        signed = sign_path(path, SECRET, int(time.time()) + 120)
        return signed[:-1] + ("A" if signed[-1] != "A" else "B"), {}
    return path, {}


def check_body(r: Any, kind: Any, label: str) -> None:
    if kind == "html":
        assert r.headers["content-type"].startswith("text/html"), label
    elif kind == "json":
        assert r.json()["success"] is True, label
    else:
        fmt, size = kind
        with Image.open(io.BytesIO(r.content)) as im:
            assert (im.format, im.size) == (fmt, size), label


@pytest.mark.parametrize("route", list(ROUTES))
async def test_every_route_public_and_private(world: World, route: str) -> None:
    template, kind = ROUTES[route]
    client = world.api.client
    for visibility, it in (("public", world.public), ("private", world.private)):
        path = template.format(team=it.team, uid=it.uid, embed=world.embed_key)
        for case in CASES:
            label = f"{route} · {visibility} · {case}"
            url, headers = request_for(world, path, case)
            r = await client.get(url, headers=headers)
            expected = 200 if visibility == "public" else PRIVATE_STATUS[case]
            assert r.status_code == expected, (label, r.text[:200])
            assert r.headers["x-content-type-options"] == "nosniff", label
            if expected != 200:
                assert "image" not in r.headers["content-type"], label
                continue
            check_body(r, kind, label)
            cache = r.headers.get("cache-control", "")
            if visibility == "private":
                assert cache.startswith("private") and "immutable" not in cache, label
                assert "public" not in cache, label
            else:
                assert not cache.startswith("private"), label


async def test_a_private_image_never_revalidates_for_a_stranger(world: World) -> None:
    """304 is an answer too: a stranger holding the ETag learns nothing more than 404."""
    client, it = world.api.client, world.private
    path = f"/src/{it.team}/{it.uid}.webp?size=s"
    r = await client.get(path, headers=auth(world.owner))
    assert r.status_code == 200
    again = await client.get(path, headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 404


async def test_owner_is_handed_signed_urls_that_work_without_a_key(world: World) -> None:
    client, it = world.api.client, world.private
    before = time.time()
    media = (await client.get(f"/v1/media/{it.uid}", headers=auth(world.owner))).json()
    listed = (await client.get("/v1/media", headers=auth(world.owner))).json()["items"]
    images = (await client.get("/api/images", headers=auth(world.owner))).json()["data"]["images"]
    embed = (await client.get(f"/api/images/{it.uid}/embed", headers=auth(world.owner))).json()
    mine = next(i for i in images if i["unique_id"] == it.uid)
    iframe = unescape(re.search(r'<iframe src="([^"]+)"', embed["data"]["iframe_snippet"])[1])
    urls = [media["src"], media["url"], next(m for m in listed if m["id"] == it.uid)["src"],
            mine["image_url"], mine["share_url"], mine["embed_url"], embed["data"]["share_url"],
            iframe]
    for url in urls:
        query = parse_qs(urlsplit(url).query)
        # The documented lifetime: at least signed_url_ttl, at most one step more.
        assert before + TTL <= int(query["expires"][0]) <= time.time() + TTL + STEP, url
        r = await client.get(url)
        assert r.status_code == 200, (url, r.text[:200])
    # The same calls hand out plain URLs for a public image.
    public = (await client.get(f"/v1/media/{world.public.uid}", headers=auth(world.owner))).json()
    assert "signature" not in public["src"] and "signature" not in public["url"]


async def test_a_signed_link_opens_exactly_one_file(world: World) -> None:
    client, it = world.api.client, world.private
    expires = int(time.time()) + 60
    signed = sign_path(f"/src/{it.team}/{it.uid}.webp?size=s", SECRET, expires)
    assert (await client.get(signed)).status_code == 200
    for changed in (signed.replace("size=s", "size=l"), signed.replace("size=s&", ""),
                    signed.replace(".webp", ".png"),
                    signed.replace(f"expires={expires}", f"expires={expires + 10**6}")):
        assert changed != signed
        assert (await client.get(changed)).status_code == 404, changed
    other = sign_path(f"/files/{it.uid}_512.webp", "not-the-server-secret", int(time.time()) + 60)
    assert (await client.get(other)).status_code == 404


async def test_pages_hand_on_links_that_expire_with_them(world: World) -> None:
    client, it = world.api.client, world.private
    deadline = int(time.time()) + 90
    for page in (f"/share/images/{it.uid}", f"/i/{it.uid}"):
        r = await client.get(sign_path(page, SECRET, deadline))
        assert r.status_code == 200
        og = unescape(re.search(r"property=.og:image. content=.([^'\"]+)", r.text)[1])
        assert parse_qs(urlsplit(og).query)["expires"] == [str(deadline)]
        image = await client.get(og)
        assert image.status_code == 200 and image.headers["content-type"].startswith("image/")
    data = await client.get(sign_path(f"/images/{it.uid}/embed", SECRET, deadline))
    payload = json.loads(re.search(r"data-pinrender-target=pinrender-root>(.*?)</script>",
                                   data.text)[1])
    assert all(f"expires={deadline}" in url for url in payload["image"]["variants"].values())


async def test_making_an_image_private_closes_its_plain_urls(world: World) -> None:
    client, it = world.api.client, world.public
    plain = [f"/src/{it.team}/{it.uid}.jpeg", f"/files/{it.uid}_256.webp", f"/i/{it.uid}",
             f"/share/images/{it.uid}/card.png", f"/share/images/{it.uid}/og.png"]
    for url in plain:
        assert (await client.get(url)).status_code == 200
    r = await client.patch(f"/v1/media/{it.uid}", json={"public": False}, headers=auth(world.owner))
    assert r.status_code == 200 and "signature=" in r.json()["src"]
    for url in plain:
        assert (await client.get(url)).status_code == 404, url
    assert (await client.get(r.json()["src"])).status_code == 200


async def test_interactive_images_are_public_unless_marked_otherwise(world: World) -> None:
    client = world.api.client
    body = {"image_data": base64.b64encode(solid(300, 200, (10, 200, 10))).decode()}
    r = await client.post("/api/images", json=body, headers=auth(world.owner))
    assert r.status_code == 201, r.text
    created = r.json()["data"]
    assert "signature" not in created["image_url"]
    media = (await client.get(f"/v1/media/{created['unique_id']}")).json()  # no key: public
    assert media["public"] is True
    variant = await client.get(urlsplit(created["image_url"]).path)
    assert variant.status_code == 200 and variant.headers["cache-control"].startswith("public")


async def test_stored_results_are_not_a_way_around(world: World) -> None:
    """A transform's key (its ETag) is not a secret: `/renders/{key}` must not serve it."""
    client, it = world.api.client, world.private
    r = await client.get(f"/src/{it.team}/{it.uid}.webp?size=s", headers=auth(world.owner))
    key = r.headers["etag"].strip('"')
    assert (await client.get(f"/renders/{key}.webp")).status_code == 404


def gif_js_polyglot() -> bytes:
    """A valid GIF whose bytes are also a script: the width bytes open a JS comment (`/*`) that
    closes after the image, followed by code."""
    buf = io.BytesIO()
    Image.new("P", (0x2A2F, 2), 1).save(buf, "GIF")  # width 10799 is b"/*" little-endian
    data = buf.getvalue()
    assert data[6:8] == b"/*" and b"*/" not in data
    return data + b"*/=alert(document.domain);//"


async def test_a_polyglot_original_is_never_served_as_uploaded(world: World) -> None:
    client = world.api.client
    data = gif_js_polyglot()
    media = await upload(world.api, world.owner, data, "x.gif", "image/gif")
    assert media["src"].endswith(".gif")
    r = await client.get(media["src"])
    assert r.status_code == 200 and r.headers["content-type"] == "image/gif"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.content != data and b"alert" not in r.content
    with Image.open(io.BytesIO(r.content)) as im:
        assert im.format == "GIF" and im.size == (0x2A2F, 2)


async def test_an_svg_original_is_a_download(world: World) -> None:
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
           b'<rect width="40" height="20" fill="red"/><script>alert(1)</script></svg>')
    media = await upload(world.api, world.owner, svg, "x.svg", "image/svg+xml")
    r = await world.api.client.get(media["src"])
    assert r.status_code == 200 and r.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    png = await world.api.client.get(media["src"].replace(".svg", ".png"))
    with Image.open(io.BytesIO(png.content)) as im:
        assert im.format == "PNG" and im.size == (40, 20)
