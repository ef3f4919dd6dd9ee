"""Fixtures for the `/api/images` family: a pro key, a free key, and images to upload."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.images import solid
from tests.server.conftest import Api, auth, open_api


def png_bytes(width: int = 640, height: int = 320, color: tuple[int, int, int] = (200, 80, 40)
              ) -> bytes:
    return solid(width, height, color)


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


class Images:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.client = api.client
        self.ctx = api.ctx
        self.owner = api.key("owner@example.com", plan="pro")
        self.h = auth(self.owner)

    async def create(self, key: str | None = None, **fields: Any) -> dict[str, Any]:
        body = {"image_data": b64(png_bytes()), **fields}
        r = await self.client.post("/api/images", json=body, headers=auth(key or self.owner))
        assert r.status_code == 201, r.text
        data: dict[str, Any] = r.json()["data"]
        return data


@pytest.fixture
async def images(make_settings: Callable[..., Settings]) -> AsyncIterator[Images]:
    async with open_api(make_settings(storage="memory://")) as api:
        yield Images(api)
