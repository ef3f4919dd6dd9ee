"""Cross-cutting HTTP behaviour: envelopes, CORS, OpenAPI, pages, example templates."""

from __future__ import annotations

import json
import shutil
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from pinrender_server.families.templates.examples import example_id
from pinrender_server.settings import Settings
from tests.conftest import REPO
from tests.server.conftest import CARD, Api, auth, open_api

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("method, path, status", [
    ("GET", "/api/nothing", 404), ("GET", "/nothing", 404), ("DELETE", "/api/generate", 405),
    ("POST", "/api/render", 405), ("PATCH", "/api/templates", 405),
])
async def test_routing_errors_use_the_envelope(api: Api, method: str, path: str,
                                               status: int) -> None:
    r = await api.client.request(method, path)
    assert r.status_code == status
    assert r.json() == {"success": False, "error": r.json()["error"], "code": status}


async def test_cors_preflight_and_simple_requests(api: Api) -> None:
    r = await api.client.options("/api/generate", headers={
        "Origin": "https://site.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-api-key"})
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "*"
    assert "POST" in r.headers["access-control-allow-methods"]
    assert "x-api-key" in r.headers["access-control-allow-headers"].lower()
    for path in ("/api/templates", "/api/render?templateId=x", "/api/nothing", "/"):
        r = await api.client.get(path, headers={"Origin": "https://site.example"})
        assert r.headers["access-control-allow-origin"] == "*", path
    t = await api.create(api.key())
    r = await api.client.get(f"/api/render?templateId={t['id']}",
                             headers={"Origin": "https://site.example"})
    assert "etag" in r.headers["access-control-expose-headers"].lower()


async def test_openapi_comes_from_the_request_models(api: Api) -> None:
    doc = (await api.client.get("/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    assert set(paths["/api/templates"]) == {"get", "post"}
    assert set(paths["/api/templates/{id}"]) == {"get", "put", "delete"}
    assert "post" in paths["/api/generate"] and "get" in paths["/api/render"]
    schemas = doc["components"]["schemas"]
    from pinrender_server.families.templates.schemas import GenerateRequest, TemplateCreate

    # jsonData is the core's template model, whose parts are components of their own
    own = TemplateCreate.model_json_schema(ref_template="#/components/schemas/{model}")
    parts = own.pop("$defs")
    assert schemas["TemplateCreate"] == own
    assert all(schemas[name] == part for name, part in parts.items())
    assert schemas["GenerateRequest"]["properties"] == \
        GenerateRequest.model_json_schema()["properties"]
    names = {p["name"] for p in paths["/api/render"]["get"]["parameters"]}
    assert {"templateId", "layers", "variables", "format", "signature"} <= names
    assert "security" not in paths["/api/render"]["get"]
    assert "security" in paths["/api/generate"]["post"]


async def test_docs_page_is_self_contained(api: Api) -> None:
    # The script-free reference; /docs (Swagger UI) loads only this origin's own assets
    # (tests/server/http/test_docs_browser.py).
    r = await api.client.get("/docs/plain")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "/api/generate" in r.text and "TemplateCreate" in r.text
    assert "<script src" not in r.text and "cdn" not in r.text.lower()


async def test_home_lists_public_templates_escaped(api: Api) -> None:
    key = api.key()
    evil = '<script>alert("x")</script>'
    t = await api.create(key, name=evil, description="a & b")
    private = await api.create(key, name="secret-template", public=False)
    r = await api.client.get("/")
    assert r.status_code == 200
    assert evil not in r.text and "&lt;script&gt;" in r.text
    assert f"/api/render?templateId={t['id']}" in r.text
    assert "og:image" in r.text and "twitter:image" in r.text
    assert private["id"] not in r.text


async def test_examples_load_with_stable_ids_and_update(
    make_settings: Callable[..., Settings], tmp_path: Path
) -> None:
    examples = tmp_path / "examples"
    (examples / "photos").mkdir(parents=True)
    repo_examples = REPO / "examples"
    card = json.loads(json.dumps(CARD))
    card["layers"].append({"name": "pic", "type": "image", "x": 0, "y": 0, "width": 20,
                           "height": 20, "image_url": "photos/logo.png"})
    shutil.copy(repo_examples / "logo.png", examples / "photos" / "logo.png")
    (examples / "my-card.json").write_text(json.dumps(card))
    (examples / "broken.json").write_text("{not json")
    settings = make_settings(load_examples=True, examples_dir=examples)
    tid = example_id("my-card")
    assert tid == str(uuid.uuid5(uuid.UUID("6f1d3c2e-8a4b-5c9d-9e0f-1a2b3c4d5e6f"), "my-card"))
    async with open_api(settings) as api:
        record = api.ctx.meta.templates.get(tid)
        assert record is not None and record.public and record.version == 1
        assert record.json_data["layers"][-1]["image_url"].startswith("data:image/png;base64,")
        r = await api.client.get("/api/render", params={"templateId": tid})
        assert r.status_code == 200
    async with open_api(settings) as api:  # unchanged: same version
        assert api.ctx.meta.templates.get(tid).version == 1  # type: ignore[union-attr]
    card["canvas"]["background"] = "#000000"
    (examples / "my-card.json").write_text(json.dumps(card))
    async with open_api(settings) as api:
        assert api.ctx.meta.templates.get(tid).version == 2  # type: ignore[union-attr]


async def test_missing_examples_folder_is_fine(make_settings: Callable[..., Settings],
                                               tmp_path: Path) -> None:
    settings = make_settings(load_examples=True, examples_dir=tmp_path / "none")
    async with open_api(settings) as api:
        assert api.ctx.meta.templates.list_public() == []
        home = await api.client.get("/")
        assert "No public templates yet" in home.text and "PINRENDER_EXAMPLES_DIR" in home.text


async def test_empty_home_page_says_how_to_load_the_examples(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(load_examples=False)) as api:
        home = await api.client.get("/")
        assert home.status_code == 200 and "PINRENDER_LOAD_EXAMPLES=true" in home.text
    async with open_api(make_settings(load_examples=True)) as api:
        home = await api.client.get("/")
        assert "No public templates yet" not in home.text and "/api/render?templateId=" in home.text


async def test_repo_examples_all_load_and_render(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(load_examples=True)) as api:
        public = api.ctx.meta.templates.list_public()
        repo_examples = REPO / "examples"
        assert len(public) == len(list(repo_examples.glob("*.json")))
        for t in public:
            r = await api.client.get("/api/render", params={"templateId": t.id, "format": "jpeg"})
            assert r.status_code == 200, (t.name, r.text[:200])


async def test_stats_hidden_unless_enabled(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(debug_stats=False)) as api:
        assert (await api.client.get("/api/_stats")).status_code == 404


async def test_template_ids_in_generate_and_crud_accept_any_uuid_case(api: Api) -> None:
    key = api.key()
    t = await api.create(key)
    r = await api.client.get(f"/api/templates/{t['id'].upper()}", headers=auth(key))
    assert r.status_code == 200


async def test_every_openapi_reference_resolves(api: Api) -> None:
    import json
    import re

    doc = (await api.client.get("/openapi.json")).json()
    components = doc["components"]["schemas"]
    refs = set(re.findall(r"#/components/schemas/([A-Za-z0-9_]+)", json.dumps(doc)))
    assert refs and refs <= set(components), refs - set(components)
    # every family is documented
    for path in ("/api/render", "/api/images", "/v1/upload", "/src/{team_hash}/{name}"):
        assert any(p.startswith(path.split("{")[0]) for p in doc["paths"]), path
