"""`/docs` in real headless Chromium: Swagger UI loads from this origin alone, shows every
operation of `/openapi.json`, and "Try it out" renders a card. Skips like every browser test
when Chromium or Playwright is missing (tests/server/browser.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pinrender_server.app import create_app
from pinrender_server.families.templates.examples import example_id
from pinrender_server.settings import Settings
from tests.server.browser import chromium, require_chromium, served

require_chromium()
pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("docs"), load_examples=True,
                              render_workers=1))
    with served(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


def test_docs_show_every_operation_offline(server: str, browser: Any) -> None:
    doc = httpx.get(f"{server}/openapi.json").json()
    operations = [(method, path) for path, item in doc["paths"].items() for method in item]
    page = browser.new_page()
    requested: list[str] = []
    problems: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.goto(f"{server}/docs")
    page.wait_for_selector(".opblock", timeout=30_000)
    blocks = page.locator(".opblock")
    assert blocks.count() == len(operations)
    text = page.locator("#swagger-ui").inner_text()
    for path in ("/og/{name}", "/src/{team_hash}/{name}", "/api/render", "/v1/upload"):
        assert path in text
    assert "getOgImage" in text and "getCdnImage" in text  # operation ids shown
    assert all(url.startswith(server) or url.startswith("data:") for url in requested), requested
    assert not problems, problems
    page.close()


def test_try_it_out_renders_a_card(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/docs#/render/renderTemplate")
    block = page.locator("#operations-render-renderTemplate")
    block.wait_for(timeout=30_000)
    if not block.locator(".try-out__btn").is_visible():
        block.locator(".opblock-summary").click()
    field = block.locator("input[placeholder^='templateId']")
    field.wait_for()
    if not field.is_enabled():  # "Try it out" is on by default (tryItOutEnabled)
        block.locator(".try-out__btn").click()
    # The documented example is the blog card, loaded at start-up under a fixed id.
    assert field.input_value() == example_id("blog-og")
    block.locator(".execute").click()
    status = block.locator(".live-responses-table tbody .response-col_status").first
    status.wait_for(timeout=60_000)
    assert status.inner_text().strip().startswith("200"), block.locator(".request-url").inner_text()
    # the rendered card is shown inline as an image
    assert block.locator(".live-responses-table img").count() == 1
    page.close()
