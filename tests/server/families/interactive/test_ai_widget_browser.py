"""ai/process in real headless Chromium: the embed code a user pastes shows a placeholder while the
job runs and lights up on its own when the image exists, as does the iframe's embed page."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest

from pinrender_server.app import create_app, job_runner
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.server.browser import chromium, require_chromium, served

require_chromium()


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Any]]:
    # No job workers in the server: the test decides when the job runs.
    app = create_app(Settings(data_dir=tmp_path, load_examples=False, render_workers=2,
                              jobs={"workers": 0}))
    with served(app) as base:
        ctx = app.state.ctx
        key = issue_key(ctx.meta, "ai@example.com", plan="pro").secret
        yield {"base": base, "key": key, "ctx": ctx}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


def test_the_embed_lights_up_when_the_job_finishes(site: dict[str, Any], browser: Any) -> None:
    r = httpx.post(f"{site['base']}/api/images/ai/process", timeout=10,
                   headers={"Authorization": f"Bearer {site['key']}"},
                   json={"prompt": "a green tractor in a wheat field", "aspect_ratio": "16:9"})
    assert r.status_code == 202, r.text
    data = r.json()["data"]
    snippet = browser.new_page()
    snippet.set_content(f"<!doctype html><html><body style='width:800px'>{data['embed_code']}</body></html>")
    frame = browser.new_page()
    frame.goto(data["embed_url"])
    for page in (snippet, frame):
        status = page.wait_for_selector(".pinrender-pending", timeout=10_000)
        assert "Generating" in status.inner_text() and status.get_attribute("role") == "status"
        box = status.bounding_box()
        assert box and abs(box["width"] / box["height"] - 16 / 9) < 0.05  # holds the image's place
    assert snippet.locator(".pinrender-widget img").count() == 0
    # The job runs now; nobody touches the pages again.
    ctx = site["ctx"]
    claimed = ctx.meta.jobs.claim("test-worker", now=time.time(), lease_seconds=60, max_attempts=3)
    assert claimed is not None and claimed.id == data["job_id"]
    runner = job_runner(ctx)
    runner.holder = "test-worker"
    # In its own thread: Playwright's sync API keeps an event loop in this one.
    worker = threading.Thread(target=anyio.run, args=(runner.run_one, claimed))
    worker.start()
    worker.join(60)
    assert ctx.meta.jobs.get(data["job_id"]).status == "completed"
    for page in (snippet, frame):
        page.wait_for_selector(".pinrender-widget img", timeout=15_000)
        page.wait_for_function("document.querySelector('.pinrender-widget img').complete "
                               "&& document.querySelector('.pinrender-widget img').naturalWidth > 0",
                               timeout=15_000)
        assert page.locator(".pinrender-marker").count() >= 1
        assert page.locator(".pinrender-pending").count() == 0
        page.close()
