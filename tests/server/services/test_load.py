"""Under load: bounded queue -> 503 + Retry-After, single-flight, per-render timeout."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

import anyio
import pytest

import pinrender
from pinrender_server.settings import Settings
from tests.server.conftest import open_api

pytestmark = pytest.mark.anyio


class GatedRenderer(pinrender.Renderer):
    """Renders only once the test opens the gate, so the pool can be filled on purpose."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.started = 0
        self.lock = threading.Lock()

    def render_result(self, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            self.started += 1
        self.gate.wait(10)
        return super().render_result(*args, **kwargs)


def params(tid: str, text: str) -> dict[str, str]:
    return {"templateId": tid, "layers": json.dumps({"title": {"text": text}})}


async def _until(predicate: Callable[[], bool]) -> None:
    with anyio.fail_after(5):
        while not predicate():
            await anyio.sleep(0.01)


async def test_full_queue_answers_503_with_retry_after(
    make_settings: Callable[..., Settings]
) -> None:
    renderer = GatedRenderer()
    settings = make_settings(render_workers=1, render_queue=1, retry_after=7)
    async with open_api(settings, renderer=renderer) as api:
        tid = (await api.create(api.key()))["id"]
        results: dict[str, Any] = {}

        async def get(text: str) -> None:
            results[text] = await api.client.get("/api/render", params=params(tid, text))

        async with anyio.create_task_group() as tg:
            tg.start_soon(get, "running")
            await _until(lambda: renderer.started == 1)
            tg.start_soon(get, "queued")
            await _until(lambda: api.ctx.render.pool.pending == 2)
            rejected = await api.client.get("/api/render", params=params(tid, "rejected"))
            assert rejected.status_code == 503
            assert rejected.headers["retry-after"] == "7"
            assert rejected.json() == {"success": False, "code": 503,
                                       "error": rejected.json()["error"]}
            renderer.gate.set()
        assert results["running"].status_code == results["queued"].status_code == 200
        again = await api.client.get("/api/render", params=params(tid, "rejected"))
        assert again.status_code == 200


async def test_identical_concurrent_renders_run_once(
    make_settings: Callable[..., Settings]
) -> None:
    renderer = GatedRenderer()
    async with open_api(make_settings(render_workers=2, render_queue=0), renderer=renderer) as api:
        tid = (await api.create(api.key()))["id"]
        responses: list[Any] = []

        async def get() -> None:
            responses.append(await api.client.get("/api/render", params=params(tid, "same")))

        async with anyio.create_task_group() as tg:
            for _ in range(10):
                tg.start_soon(get)
            await _until(lambda: renderer.started == 1 and api.ctx.render.pool.shared == 9)
            renderer.gate.set()
        assert [r.status_code for r in responses] == [200] * 10
        assert len({r.content for r in responses}) == 1
        assert renderer.started == 1 and await api.renders() == 1


async def test_render_timeout_is_503(make_settings: Callable[..., Settings]) -> None:
    renderer = GatedRenderer()
    async with open_api(make_settings(render_timeout=0.2), renderer=renderer) as api:
        tid = (await api.create(api.key()))["id"]
        r = await api.client.get("/api/render", params=params(tid, "slow"))
        assert r.status_code == 503 and "timed out" in r.json()["error"]
        assert "retry-after" in r.headers
        renderer.gate.set()
