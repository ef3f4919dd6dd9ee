"""`GET /og/{templateId}.{ext}`: variables from the query, the same bytes as `/api/render`,
400 naming the template's variables, format by extension, signatures; and the light default of
`/api/render` (format by content, WebP when Accept takes it, a template's own default)."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from PIL import Image

from pinrender.urls import meta_tags, og_url
from tests.server.conftest import CARD, Api, auth

pytestmark = pytest.mark.anyio

TWO_VARS: dict[str, Any] = {
    **CARD,
    "layers": [*CARD["layers"],
               {"name": "author", "type": "text", "x": 10, "y": 90, "width": 220, "height": 28,
                "text": "by {{author}}", "fontSize": 14, "color": "#555555"}],
    "variables": [{"name": "title", "default": "Hello"}, {"name": "author", "default": "Ada"}],
}


def path_of(url: str) -> str:
    return url.removeprefix("http://testserver")


@pytest.mark.parametrize("ext, fmt, media", [("png", "png", "image/png"), ("jpg", "jpeg", "image/jpeg"),
                                             ("webp", "webp", "image/webp"),
                                             ("avif", "avif", "image/avif")])
async def test_og_equals_api_render(api: Api, ext: str, fmt: str, media: str) -> None:
    t = await api.create(api.key(), TWO_VARS)
    variables = {"title": "Short URLs", "author": "Grace"}
    og = await api.client.get(f"/og/{t['id']}.{ext}", params=variables)
    render = await api.client.get("/api/render", params={
        "templateId": t["id"], "variables": json.dumps(variables), "format": fmt})
    assert og.status_code == 200, og.text
    assert og.headers["content-type"] == media == render.headers["content-type"]
    assert og.content == render.content and og.headers["etag"] == render.headers["etag"]
    assert Image.open(io.BytesIO(og.content)).size == (240, 120)
    again = await api.client.get(f"/og/{t['id']}.{ext}", params=variables,
                                 headers={"If-None-Match": og.headers["etag"]})
    assert again.status_code == 304 and not again.content


async def test_variables_change_the_pixels_and_layers_still_work(api: Api) -> None:
    t = await api.create(api.key(), TWO_VARS)
    a = await api.client.get(f"/og/{t['id']}.png", params={"title": "One"})
    b = await api.client.get(f"/og/{t['id']}.png", params={"title": "Two"})
    assert a.content != b.content
    layers = {"band": {"fill": "#ff0000"}}
    c = await api.client.get(f"/og/{t['id']}.png", params={"title": "One", "layers": json.dumps(layers)})
    d = await api.client.get("/api/render", params={
        "templateId": t["id"], "variables": json.dumps({"title": "One"}),
        "layers": json.dumps(layers), "format": "png"})
    assert c.content == d.content
    assert Image.open(io.BytesIO(c.content)).convert("RGB").getpixel((5, 5)) == (255, 0, 0)


async def test_unknown_parameter_names_the_variables(api: Api) -> None:
    t = await api.create(api.key(), TWO_VARS)
    r = await api.client.get(f"/og/{t['id']}.png", params={"titel": "typo"})
    assert r.status_code == 400
    body = r.json()
    assert body["success"] is False and "titel" in body["error"]
    assert "title, author" in body["error"]
    twice = await api.client.get(f"/og/{t['id']}.png?title=a&title=b")
    assert twice.status_code == 400 and "twice" in twice.json()["error"]


@pytest.mark.parametrize("name", ["not-a-uuid.png", "{id}.gif", "{id}", "{id}.png.png"])
async def test_bad_names_are_404(api: Api, name: str) -> None:
    t = await api.create(api.key(), TWO_VARS)
    r = await api.client.get("/og/" + name.replace("{id}", t["id"]))
    assert r.status_code == 404


async def test_private_templates_are_404(api: Api) -> None:
    t = await api.create(api.key(), TWO_VARS, public=False)
    assert (await api.client.get(f"/og/{t['id']}.png")).status_code == 404


async def test_signed_og_urls(api: Api) -> None:
    key = api.key()
    t = await api.create(key, TWO_VARS, requireSignature=True)
    secret = (await api.client.get("/api/account", headers=auth(key))).json()["data"]["renderSecret"]
    url = path_of(og_url("http://testserver", t["id"], {"title": "Signed"}, secret=secret))
    assert (await api.client.get(url)).status_code == 200
    assert (await api.client.get(url.replace("Signed", "Forged"))).status_code == 403
    unsigned = path_of(og_url("http://testserver", t["id"], {"title": "Signed"}))
    assert (await api.client.get(unsigned)).status_code == 403


async def test_og_url_and_meta_tags(api: Api) -> None:
    t = await api.create(api.key(), TWO_VARS)
    url = og_url("http://testserver", t["id"], {"title": "Tom & Jerry", "author": "Ada"},
                 format="jpeg")
    assert url.startswith(f"http://testserver/og/{t['id']}.jpg?")
    r = await api.client.get(path_of(url))
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    tags = meta_tags(url, width=240, height=120, alt="A card")
    assert 'property="og:image" content="http://testserver/og/' in tags and "&amp;" in tags


async def test_render_is_light_by_default(api: Api) -> None:
    t = await api.create(api.key(), TWO_VARS)
    lossless = await api.client.get("/api/render", params={"templateId": t["id"], "format": "png"})
    light = await api.client.get("/api/render", params={"templateId": t["id"]})
    assert light.status_code == 200 and "Accept" in light.headers["vary"]
    assert light.headers["content-type"] in ("image/png", "image/jpeg")
    assert len(light.content) < len(lossless.content)
    webp = await api.client.get("/api/render", params={"templateId": t["id"]},
                                headers={"Accept": "image/webp,*/*"})
    assert webp.headers["content-type"] in ("image/png", "image/webp")
    assert webp.headers["etag"] != light.headers["etag"]


async def test_a_template_names_its_default_format(api: Api) -> None:
    t = await api.create(api.key(), {**TWO_VARS, "format": "jpeg"})
    r = await api.client.get("/api/render", params={"templateId": t["id"]})
    assert r.headers["content-type"] == "image/jpeg" and "Accept" not in r.headers.get("vary", "")
    asked = await api.client.get("/api/render", params={"templateId": t["id"], "format": "webp"})
    assert asked.headers["content-type"] == "image/webp"
