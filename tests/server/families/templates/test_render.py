"""Public `GET /api/render`: ETag before rendering, 304s, bad input, signatures, formats."""

from __future__ import annotations

import json
from typing import Any

import pytest

from pinrender.urls import render_url
from tests.server.conftest import Api, auth

pytestmark = pytest.mark.anyio


def q(template_id: str, layers: Any = None, **extra: Any) -> dict[str, Any]:
    params: dict[str, Any] = {"templateId": template_id, **extra}
    if layers is not None:
        params["layers"] = layers if isinstance(layers, str) else json.dumps(layers)
    return params


async def test_render_png_with_etag_and_timing(api: Api) -> None:
    t = await api.create(api.key())
    r = await api.client.get("/api/render", params=q(t["id"], {"title": {"text": "Hi"}}))
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    assert r.content.startswith(b"\x89PNG")
    assert r.headers["etag"].startswith('"') and r.headers["cache-control"] == "public, max-age=3600"
    timing = r.headers["server-timing"]
    assert all(f"{part};dur=" in timing for part in ("fetch", "render", "encode"))
    again = await api.client.get("/api/render", params=q(t["id"], {"title": {"text": "Hi"}}))
    assert again.content == r.content and again.headers["etag"] == r.headers["etag"]
    assert again.headers["server-timing"] == "cache;desc=hit"
    assert await api.renders() == 1


async def test_if_none_match_is_304_without_rendering(api: Api) -> None:
    t = await api.create(api.key())
    params = q(t["id"], {"title": {"text": "conditional"}})
    # Never rendered yet: the ETag is known from the key alone.
    first = await api.client.get("/api/render", params=params)
    etag = first.headers["etag"]
    before = await api.renders()
    for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
        r = await api.client.get("/api/render", params=params, headers={"If-None-Match": header})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == etag
    assert await api.renders() == before
    r = await api.client.get("/api/render", params=params, headers={"If-None-Match": '"stale"'})
    assert r.status_code == 200


async def test_304_needs_no_prior_render(api: Api) -> None:
    t = await api.create(api.key())
    params = q(t["id"], {"title": {"text": "never rendered"}})
    # No format asked: the server's light default, `auto` (no Accept: JPEG or palette PNG).
    key = api.ctx.render.prepare(api.ctx.meta.templates.get(t["id"]),
                                 {"title": {"text": "never rendered"}}, format="auto").etag
    r = await api.client.get("/api/render", params=params, headers={"If-None-Match": key})
    assert r.status_code == 304 and await api.renders() == 0


@pytest.mark.parametrize("fmt, media, magic", [
    ("jpeg", "image/jpeg", b"\xff\xd8"), ("jpg", "image/jpeg", b"\xff\xd8"),
    ("webp", "image/webp", b"RIFF"),
])
async def test_formats(api: Api, fmt: str, media: str, magic: bytes) -> None:
    t = await api.create(api.key())
    r = await api.client.get("/api/render", params=q(t["id"], format=fmt))
    assert r.status_code == 200 and r.headers["content-type"] == media
    assert r.content.startswith(magic)


async def test_variables(api: Api) -> None:
    t = await api.create(api.key())
    a = await api.client.get("/api/render", params=q(t["id"], variables='{"title": "A"}'))
    b = await api.client.get("/api/render", params=q(t["id"], variables='{"title": "B"}'))
    assert a.status_code == b.status_code == 200 and a.headers["etag"] != b.headers["etag"]


async def test_version_bump_changes_etag(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    before = (await api.client.get("/api/render", params=q(t["id"]))).headers["etag"]
    r = await api.client.put(f"/api/templates/{t['id']}", headers=auth(key),
                             json={"description": "design unchanged, version bumped"})
    assert r.json()["data"]["version"] == 2
    r = await api.client.get("/api/render", params=q(t["id"]), headers={"If-None-Match": before})
    assert r.status_code == 200 and r.headers["etag"] != before


async def test_private_and_missing_templates_are_404(api: Api) -> None:
    t = await api.create(api.key(), public=False)
    for tid in (t["id"], "00000000-0000-0000-0000-000000000000"):
        r = await api.client.get("/api/render", params=q(tid))
        assert r.status_code == 404 and r.json()["success"] is False
    r = await api.client.get("/api/render", params={"templateId": "nope"})
    assert r.status_code == 400 and r.json()["field"] == "templateId"
    r = await api.client.get("/api/render")
    assert r.status_code == 400


BAD_LAYERS = [
    ("{", 400, "layers"),                                      # malformed JSON
    ('{"title": {"text": NaN}}', 400, "layers"),                # NaN
    ('{"title": {"fontSize": Infinity}}', 400, "layers"),
    ("[" * 100 + "]" * 100, 400, "layers"),                     # deep nesting
    ('{"a":' * 50 + "1" + "}" * 50, 400, "layers"),
    ("[1, 2]", 400, "layers"),                                  # wrong type
    ('"title"', 400, "layers"),
    ('{"title": 5}', 422, "layers.title"),
    ('{"title": {"text": 5}}', 422, "layers.title.text"),
    ('{"title": {"fontSize": "big"}}', 422, "layers.title.fontSize"),
    ('{"title": {"fontSize": -3}}', 422, "layers.title.fontSize"),
    ('{"title": {"bogus": 1}}', 422, "layers.title.bogus"),     # unknown property
    ('{"nobody": {"text": "x"}}', 422, "layers.nobody"),        # unknown layer
    ('{"title": {"text": "' + "x" * 40_000 + '"}}', 400, "layers"),  # over max_param_bytes
]


@pytest.mark.parametrize("layers, status, field", BAD_LAYERS)
async def test_bad_layers_are_4xx_naming_the_field(
    api: Api, layers: str, status: int, field: str
) -> None:
    t = await api.create(api.key())
    r = await api.client.get("/api/render", params=q(t["id"], layers))
    body = r.json()
    assert r.status_code == status, body
    assert body == {"success": False, "error": body["error"], "code": status, "field": field}
    assert await api.renders() == 0


async def test_one_megabyte_of_layers_is_a_4xx(api: Api) -> None:
    """httpx refuses such URLs, so this one goes to the ASGI app directly."""
    t = await api.create(api.key())
    layers = json.dumps({"title": {"text": "x" * 2**20}})
    query = f"templateId={t['id']}&layers={layers}".encode()
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
             "scheme": "http", "path": "/api/render", "raw_path": b"/api/render",
             "query_string": query, "headers": [(b"host", b"testserver")], "client": ("t", 1),
             "server": ("testserver", 80), "root_path": ""}
    await api.app(scope, receive, send)
    assert sent[0]["status"] == 400
    assert json.loads(sent[1]["body"])["field"] == "layers"


async def test_local_file_image_urls_are_refused(api: Api) -> None:
    t = await api.create(api.key(), json_data={
        "canvas": {"width": 50, "height": 50},
        "layers": [{"name": "pic", "type": "image", "width": 50, "height": 50}],
    })
    for url in ("/etc/passwd", "file:///etc/passwd", "../pinrender.db", "http://127.0.0.1:1/x.png"):
        r = await api.client.get("/api/render", params=q(t["id"], {"pic": {"image_url": url}}))
        assert 400 <= r.status_code < 500, (url, r.text)


async def test_signed_templates(api: Api) -> None:
    key = api.key()
    t = await api.create(key, requireSignature=True)
    secret = (await api.client.get("/api/account", headers=auth(key))).json()["data"]["renderSecret"]
    layers = {"title": {"text": "signed"}}
    url = render_url("http://testserver", t["id"], layers, format="png", secret=secret)
    r = await api.client.get(url)
    assert r.status_code == 200, r.text
    # Same parameters, differently spaced JSON and order: still valid (canonical form is signed).
    sig = url.rsplit("signature=", 1)[1]
    r = await api.client.get("/api/render", params={
        "format": "png", "signature": sig, "layers": '{ "title" : {"text":"signed"} }',
        "templateId": t["id"]})
    assert r.status_code == 200
    for params in (q(t["id"], layers, format="png"), q(t["id"], {"title": {"text": "forged"}},
                   format="png", signature=sig)):
        r = await api.client.get("/api/render", params=params)
        assert r.status_code == 403 and r.json()["field"] == "signature"


async def test_head_render(api: Api) -> None:
    t = await api.create(api.key())
    r = await api.client.head("/api/render", params=q(t["id"]))
    assert r.status_code == 200 and r.headers["etag"]
