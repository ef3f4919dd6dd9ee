"""Fixtures: a real app on a tmp_path data dir, driven through ASGI with httpx."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import pinrender
from pinrender_server.app import create_app
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.server.backends import pg
from tests.server.backends.stores import blobs, counters, meta, moto_s3  # noqa: F401 (fixtures: every storage backend)

CARD: dict[str, Any] = {
    "canvas": {"width": 240, "height": 120, "background": "#ffffff"},
    "layers": [
        {"name": "band", "type": "rect", "x": 0, "y": 0, "width": 240, "height": 24,
         "fill": "#2a9d8f"},
        {"name": "title", "type": "text", "x": 10, "y": 30, "width": 220, "height": 80,
         "text": "{{title}}", "fontSize": 24, "color": "#111111"},
    ],
    "variables": [{"name": "title", "default": "Hello"}],
}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_settings(tmp_path: Path) -> Iterator[Callable[..., Settings]]:
    # PINRENDER_TEST_META=postgres runs these app tests on a fresh PostgreSQL database each
    # (tests/server/backends/pg.py) instead of the data dir's SQLite file.
    with contextlib.ExitStack() as undo:
        database: list[str] = []

        def make(**overrides: Any) -> Settings:
            values: dict[str, Any] = {"data_dir": tmp_path / "data", "load_examples": False,
                                      "allowed_hosts": ["testserver"],
                                      "debug_stats": True, "render_workers": 2}
            if os.environ.get("PINRENDER_TEST_META") == "postgres":
                if not database:
                    database.append(undo.enter_context(pg.fresh_database()))
                values["database"] = database[0]
            values.update(overrides)
            return Settings(**values)

        yield make


class Api:
    """The app, an httpx client on it, and shortcuts the tests share."""

    def __init__(self, app: Any, client: httpx.AsyncClient) -> None:
        self.app = app
        self.client = client
        self.ctx = app.state.ctx

    def key(self, email: str = "owner@example.com", **kwargs: Any) -> str:
        return issue_key(self.ctx.meta, email, **kwargs).secret

    async def create(self, key: str, json_data: dict[str, Any] | None = None, *,
                     public: bool = True, **fields: Any) -> dict[str, Any]:
        body = {"name": "Card", "jsonData": json_data or CARD, "public": public, **fields}
        r = await self.client.post("/api/templates", json=body, headers=auth(key))
        assert r.status_code == 201, r.text
        data: dict[str, Any] = r.json()["data"]
        return data

    async def renders(self) -> int:
        r = await self.client.get("/api/_stats")
        return int(r.json()["data"]["renders"])


def auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


@contextlib.asynccontextmanager
async def open_api(settings: Settings, renderer: pinrender.Renderer | None = None
                   ) -> AsyncIterator[Api]:
    app = create_app(settings, renderer=renderer)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield Api(app, client)


@pytest.fixture
async def api(make_settings: Callable[..., Settings]) -> AsyncIterator[Api]:
    async with open_api(make_settings()) as a:
        yield a
