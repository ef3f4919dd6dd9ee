"""The documented schema and the answers agree: schemathesis drives the real app in-process with
requests generated from `/openapi.json` and checks every answer against the document.

Checks: no 5xx, only documented statuses and content types, bodies valid against the documented
schema (errors included, in their family's envelope), `Allow` on 405, and schema-valid requests
accepted — except for the refusals a schema cannot express (`content_refusal`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import (
    allow_header_conformance,
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from pinrender_server.app import create_app
from pinrender_server.settings import Settings
from tests.server.conftest import CARD, auth, open_api
from tests.server.families.interactive.conftest import b64, png_bytes

UNLIMITED = 10**6
EXAMPLES = 8  # per operation: ~300 requests in all
# A refusal of schema-valid input is a defect of the schema, unless it is about content the
# schema cannot describe: the bytes are not an image, a URL cannot be fetched, a cursor was not
# issued by us, a template's values do not render (the core's 422), an allowance is used up.
CONTENT_CODES = {"unsupported_format", "fetch_failed", "file_too_large", "quota_exceeded"}
CONTENT_FIELDS = {"image_data", "image_url", "cursor"}
TEMPLATE_PATHS = ("/api/templates", "/api/generate", "/api/render")


def content_refusal(path: str, status: int, body: Any) -> bool:
    if status == 413:
        return True
    if not isinstance(body, dict):
        return False
    if path.startswith("/v1/"):
        fields = set(body.get("errors") or {})
        return body.get("error") in CONTENT_CODES or (bool(fields) and fields <= {"cursor"})
    if status == 422 and path.startswith(TEMPLATE_PATHS):
        return True
    return status == 400 and str(body.get("field", "")).split(".")[0] in CONTENT_FIELDS


def schema_valid_is_accepted(ctx: Any, response: Any, case: Any) -> bool | None:
    """Seed 001 and 000 answer a malformed request with 400/422: a request the document calls
    valid must not get one, unless `content_refusal` says why."""
    meta = case.meta
    if meta is None or meta.generation.mode != GenerationMode.POSITIVE:
        return None
    if response.status_code not in (400, 422):
        return None
    try:
        body = response.json()
    except ValueError:
        body = None
    assert content_refusal(case.operation.path, response.status_code, body), (
        f"schema-valid request refused: {response.status_code} {response.text[:300]}")
    return None


# Not `negative_data_rejection`: the server is more lenient than the document in places no
# client is hurt by (an empty `cursor` beside `ids`, ISO dates beyond RFC 3339), and which of
# those the generator happens to hit changed with unrelated schema edits. Invalid requests are
# still generated, and must still get no 5xx and a documented answer.
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, allow_header_conformance, schema_valid_is_accepted]


async def _seed(settings: Settings) -> dict[str, str]:
    """A key, a public template, an interactive image and a hosted upload, so that generated
    requests can also reach existing resources (a random id only ever finds a 404)."""
    async with open_api(settings) as api:
        key = api.key("fuzz@example.com", plan="pro")
        template = await api.create(key, CARD)
        r = await api.client.post("/api/images", json={"image_data": b64(png_bytes(64, 48))},
                                  headers=auth(key))
        assert r.status_code == 201, r.text
        image = r.json()["data"]["unique_id"]
        r = await api.client.post("/v1/upload", headers=auth(key),
                                  files={"file": ("a.png", png_bytes(80, 60), "image/png")})
        assert r.status_code == 201, r.text
        media = r.json()
        team = media["src"].split("/src/")[1].split("/")[0]
        return {"key": key, "template": template["id"], "image": image, "media": media["id"],
                "team": team}


def existing(path: str, seeded: dict[str, str]) -> dict[str, str]:
    """Path parameters naming the seeded resources, for the operation at `path`."""
    if path.startswith("/api/templates/"):
        return {"id": seeded["template"]}
    if path.startswith(("/api/images/{id}", "/share/images/", "/images/")):
        return {"id": seeded["image"], "unique_id": seeded["image"]}
    if path == "/files/{name}":
        return {"name": f"{seeded['image']}_256.webp"}
    if path.startswith("/v1/media/{id}") or path == "/i/{uid}":
        return {"id": seeded["media"], "uid": seeded["media"]}
    if path.startswith("/src/"):
        return {"team_hash": seeded["team"], "name": f"{seeded['media']}.webp"}
    return {}


@pytest.fixture
def fuzzed(tmp_path: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    settings = Settings(
        data_dir=tmp_path / "data", load_examples=False, render_workers=1, sweep_interval=3600,
        allowed_hosts=["testserver", "localhost"],
        plans={"pro": {"hourly_requests": UNLIMITED, "monthly_uploads": UNLIMITED}},
        anonymous_hourly_uploads=UNLIMITED, anonymous_daily_uploads=UNLIMITED,
        keys_per_ip_hour=UNLIMITED, keys_per_email_hour=UNLIMITED, max_unverified_keys=UNLIMITED)
    seeded = anyio.run(_seed, settings)
    # A second app on the same data dir: schemathesis runs its lifespan in its own event loop.
    loaded = schemathesis.openapi.from_asgi("/openapi.json", create_app(settings))
    try:
        yield loaded, seeded
    finally:
        # schemathesis keeps an app's lifespan running for reuse; end this one with its test.
        asgi.shutdown_lifespans()


@pytest.mark.timeout(300)
def test_answers_match_the_document(fuzzed: tuple[Any, dict[str, str]]) -> None:
    loaded, seeded = fuzzed
    headers = auth(seeded["key"])
    failures: list[str] = []
    for result in loaded.get_all_operations():
        operation = result.ok()
        cases = [operation.as_strategy(GenerationMode.POSITIVE),
                 operation.as_strategy(GenerationMode.NEGATIVE)]
        fixed = existing(operation.path, seeded)
        # Deletes keep random ids, so that the seeded resources last the whole run.
        if fixed and operation.method.upper() != "DELETE":
            cases.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=fixed))

        @given(case=st.one_of(cases))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def answers(case: Any) -> None:
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            answers()
        except (Exception, BaseExceptionGroup) as exc:  # every operation's findings, then fail
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
