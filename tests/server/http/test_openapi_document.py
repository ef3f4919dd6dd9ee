"""`/openapi.json` is a valid OpenAPI 3.1 document, and every error it documents is in the envelope of
its family: seed 001's `{error, message, action}` under `/v1`, `/src` and `/i`, seed 000's
`{success: false, error, code}` everywhere else, but seed 002's `{success: false, error: {code, …}}`
under `/api/v1/`."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from openapi_spec_validator import validate

from tests.server.conftest import Api, auth

pytestmark = pytest.mark.anyio

SEED_001 = ("/v1/", "/src/", "/i/")  # seed 001's API, its CDN host and its viewer pages
ENVELOPES = {"seed 001": {"error", "message"}, "seed 000": {"error", "code"},
             "seed 002": {"error"}}


def family(path: str) -> str:
    if path.startswith("/api/v1/"):
        return "seed 002"
    return "seed 001" if path.startswith(SEED_001) else "seed 000"


async def document(api: Api) -> dict[str, Any]:
    r = await api.client.get("/openapi.json")
    assert r.status_code == 200
    doc: dict[str, Any] = r.json()
    return doc


def resolve(doc: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = doc["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


async def test_the_document_is_valid_openapi(api: Api) -> None:
    doc = await document(api)
    validate(doc)  # raises on any structural error, dangling $ref included
    assert doc["openapi"].startswith("3.1")
    assert len(doc["paths"]) >= 25


async def test_every_error_response_uses_its_familys_envelope(api: Api) -> None:
    doc = await document(api)
    checked = {"seed 001": 0, "seed 000": 0, "seed 002": 0}
    for path, item in doc["paths"].items():
        for method, op in item.items():
            for status, response in op["responses"].items():
                if int(status) < 400:
                    continue
                schema = resolve(doc, response["content"]["application/json"]["schema"])
                expected = family(path)
                assert set(schema["required"]) == ENVELOPES[expected], (method, path, status)
                checked[expected] += 1
    assert checked["seed 001"] > 30 and checked["seed 000"] > 60


async def test_answered_errors_validate_against_the_documented_schema(api: Api) -> None:
    """The envelope documented for a path is the one its errors come in."""
    doc = await document(api)
    key = api.key("owner@example.com", plan="pro")
    requests = [
        ("get", "/v1/media/{id}", "/v1/media/nothere1", {}, 404),
        ("post", "/v1/keys", "/v1/keys", {"json": {"email": "not an email"}}, 422),
        ("get", "/src/{team_hash}/{name}", "/src/anon/nothere1.png", {}, 404),
        ("get", "/i/{uid}", "/i/nothere1", {}, 404),
        ("get", "/api/images/{id}", "/api/images/nothere1", {"headers": auth(key)}, 404),
        ("post", "/api/images", "/api/images", {"json": {}, "headers": auth(key)}, 400),
        ("get", "/files/{name}", "/files/nothere1_256.webp", {}, 404),
        ("get", "/api/templates", "/api/templates", {}, 401),
        ("get", "/api/v1/orgs", "/api/v1/orgs", {}, 401),
        ("get", "/api/v1/ext/{org_id}/event/{event_id}/ping", "/api/v1/ext/1/event/1/ping",
         {"headers": {"X-API-Key": "nope"}}, 403),
    ]
    components = {"components": doc["components"]}
    for method, template, url, kwargs, status in requests:
        r = await api.client.request(method.upper(), url, **kwargs)
        assert r.status_code == status, (url, r.text)
        schema = doc["paths"][template][method]["responses"][str(status)]
        schema = schema["content"]["application/json"]["schema"]
        jsonschema.validate(r.json(), {**schema, **components})
        assert set(r.json()) >= ENVELOPES[family(template)], (url, r.json())


async def test_405_names_every_method_of_the_path(api: Api) -> None:
    for url, methods in (("/api/images/abc", {"GET", "PUT", "DELETE"}),
                         ("/v1/media/batch", {"PATCH", "DELETE"}),
                         ("/v1/media/abc", {"GET", "PATCH", "DELETE"})):
        r = await api.client.request("OPTIONS", url)
        assert r.status_code == 405
        allowed = {m.strip() for m in r.headers["Allow"].split(",")}
        assert allowed - {"HEAD"} == methods, (url, allowed)
    r = await api.client.request("POST", "/v1/media/abc")
    assert r.status_code == 405 and r.json()["error"] == "method_not_allowed"
    r = await api.client.request("PATCH", "/api/images")
    assert r.status_code == 405 and r.json() == {"success": False, "error": "Method not allowed",
                                                "code": 405}


async def test_every_operation_has_an_id_a_summary_and_its_304(api: Api) -> None:
    doc = await document(api)
    ids = [op["operationId"] for item in doc["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids)) and all(ids)
    for path, item in doc["paths"].items():
        for method, op in item.items():
            assert op["summary"], (method, path)
    # Everything answered with an ETag documents its 304 (no body).
    for path in ("/api/render", "/og/{name}", "/src/{team_hash}/{name}", "/renders/{name}",
                 "/files/{name}"):
        response = doc["paths"][path]["get"]["responses"]["304"]
        assert "content" not in response, path
    assert doc["paths"]["/og/{name}"]["get"]["operationId"] == "getOgImage"
    assert doc["paths"]["/v1/media/{id}"]["get"]["operationId"] == "getV1MediaById"


async def test_the_main_calls_have_examples(api: Api) -> None:
    doc = await document(api)
    paths = doc["paths"]
    generate = paths["/api/generate"]["post"]["requestBody"]["content"]["application/json"]
    assert generate["example"]["variables"]["title"]
    create = paths["/api/templates"]["post"]["requestBody"]["content"]["application/json"]
    assert create["example"]["jsonData"]["layers"]
    render = {p["name"]: p for p in paths["/api/render"]["get"]["parameters"]}
    assert render["templateId"]["example"] and render["layers"]["content"]["application/json"]["example"]
    cdn = {p["name"]: p for p in paths["/src/{team_hash}/{name}"]["get"]["parameters"]}
    assert {"w", "h", "fit", "crop", "fp-x", "fp-y", "q", "fm", "auto", "dpr", "bg", "s",
            "size"} <= set(cdn)
    assert cdn["w"]["example"] == 300


async def test_the_template_body_shows_every_layer_type(api: Api) -> None:
    """jsonData is described by the core's own model, the one that validates it."""
    doc = await document(api)
    text = str(doc["components"]["schemas"])
    for kind in ("TextLayer", "ImageLayer", "RectLayer", "StackLayer", "Canvas", "Variable"):
        assert kind in text, kind
    for prop in ("fontSize", "objectFit", "borderRadius", "letterSpacing", "maxLines"):
        assert prop in text, prop
