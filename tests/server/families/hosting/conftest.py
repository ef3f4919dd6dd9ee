"""Fixtures for the `/v1` hosting family: a real app on a tmp data dir, images made with Pillow."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.images import solid
from tests.server.conftest import Api, open_api


def image_bytes(width: int = 64, height: int = 48, fmt: str = "JPEG") -> bytes:
    return solid(width, height, fmt=fmt)


JPEG = image_bytes()


@pytest.fixture
async def v1(make_settings: Callable[..., Settings]) -> AsyncIterator[Api]:
    async with open_api(make_settings(sweep_interval=3600)) as a:
        yield a


async def new_key(api: Api, email: str = "dev@example.com") -> str:
    r = await api.client.post("/v1/keys", json={"email": email})
    assert r.status_code == 201, r.text
    key: str = r.json()["key"]
    return key


async def upload(api: Api, key: str | None = None, data: bytes = JPEG, filename: str = "photo.jpg",
                 **fields: Any) -> Any:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return await api.client.post("/v1/upload", files={"file": (filename, data, "image/jpeg")},
                                 data={k: str(v) for k, v in fields.items()}, headers=headers)
