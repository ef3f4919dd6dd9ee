"""kill -9 a real `pinrender serve` while its job waits on the AI provider, start it again: the
job completes, and every phase was charged once."""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

from pinrender_server.backends import SqliteMetaStore
from pinrender_server.services.accounts import issue_key
from pinrender_server.services.ledger import AI_CREDITS, month
from tests.server.backends.ai.fake_openai import FakeOpenAI
from tests.server.process import serving


def wait_for(check: Any, timeout: float = 30.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.1)
    raise AssertionError("timed out")


def test_a_job_survives_kill_9_and_is_charged_once(tmp_path: Path) -> None:
    data = tmp_path / "data"
    meta = SqliteMetaStore(str(data / "pinrender.db"))
    issued = issue_key(meta, "crash@example.com", plan="pro")
    meta.close()
    with FakeOpenAI() as fake:
        fake.script, fake.delay = ["slow"], 120.0  # the first provider call hangs: the kill lands there
        env = {"PINRENDER_AI__BACKEND": "openai", "PINRENDER_AI__BASE_URL": fake.url,
               "PINRENDER_AI__API_KEY": "test", "PINRENDER_AI__RETRIES": "0",
               "PINRENDER_AI__IMAGE_SIZES": "exact", "PINRENDER_AI__TIMEOUT": "300",
               "PINRENDER_JOBS__LEASE_SECONDS": "2", "PINRENDER_JOBS__POLL_SECONDS": "0.2"}
        headers = {"Authorization": f"Bearer {issued.secret}"}
        with serving(data, env) as first:
            r = httpx.post(f"{first.base}/api/images/ai/process", headers=headers, timeout=10, json={
                "prompt": "a red lighthouse on a cliff", "model": "mini", "quality": "medium",
                "aspect_ratio": "3:4"})
            assert r.status_code == 202, r.text
            job_id, uid = r.json()["data"]["job_id"], r.json()["data"]["unique_id"]
            wait_for(lambda: any(path.endswith("/images/generations") for path, _, _ in fake.requests))
            first.kill()
        with serving(data, env) as second:
            def done() -> dict[str, Any] | None:
                status = httpx.get(f"{second.base}/api/articles/process/{job_id}", headers=headers,
                                   timeout=10).json()["data"]
                return status if status["status"] in ("completed", "failed") else None

            status = wait_for(done, timeout=60)
            assert status["status"] == "completed", status
            [result] = status["results"]
            assert result["unique_id"] == uid and result["hotspots"]
            image = httpx.get(result["image_url"], timeout=10)
            im = Image.open(io.BytesIO(image.content))
            assert image.status_code == 200 and abs(im.width / im.height - 3 / 4) < 0.01
            account = httpx.get(f"{second.base}/api/account", headers=headers, timeout=10).json()["data"]
    # mini x medium = 3, hotspots 1: the image phase the kill interrupted was not charged again.
    assert account["aiCredits"]["used"] == 4
    generations = [path for path, _, _ in fake.requests if path.endswith("/images/generations")]
    assert len(generations) == 2  # asked again after the crash, as it must be
    meta = SqliteMetaStore(str(data / "pinrender.db"))
    try:
        assert meta.counters.usage.get(issued.account.id, AI_CREDITS, month()) == 4
        job = meta.jobs.get(job_id)
        assert job is not None and job.attempts == 2
    finally:
        meta.close()
