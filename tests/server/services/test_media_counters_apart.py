"""Uploads with counters kept apart from the records (`PINRENDER_COUNTERS`): the claims are spent
first and given back when the row is not written, so a refused upload costs nothing."""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image

from pinrender_server.backends import MemoryCounterStore, SqliteCounterStore
from pinrender_server.services.ledger import FOREVER, STORAGE
from pinrender_server.settings import Plan, Settings
from tests.server.conftest import auth, open_api

pytestmark = pytest.mark.anyio


def png() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 10, 10)).save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


@pytest.mark.parametrize("where", ["memory", "sqlite-apart"])
async def test_uploads_claim_on_separate_counters(make_settings: Callable[..., Settings],
                                                  tmp_path: Path, where: str) -> None:
    url = f"sqlite:///{tmp_path}/counters.db" if where == "sqlite-apart" else "memory://"
    plans = {"pro": Plan(monthly_credits=100, monthly_renders=10, max_images=2)}
    async with open_api(make_settings(counters=url, plans=plans, default_plan="pro")) as api:
        assert isinstance(api.ctx.counters, (MemoryCounterStore, SqliteCounterStore))
        assert api.ctx.counters is not api.ctx.meta.counters
        key = api.key("apart@example.com", plan="pro")
        account = api.ctx.meta.keys.list()[0].account_id
        sizes = []
        for _ in range(2):
            answer = await api.client.post("/api/images", json={"image_data": png()}, headers=auth(key))
            assert answer.status_code in (200, 201), answer.text
            uid = answer.json()["data"]["unique_id"]
            sizes.append(api.ctx.meta.images.get(uid).size)
        refused = await api.client.post("/api/images", json={"image_data": png()}, headers=auth(key))
        assert refused.status_code == 403 and "limit" in refused.text.lower()
        # The bytes of exactly the two rows: the refused upload gave its claim back.
        assert api.ctx.counters.usage.get(account, STORAGE, FOREVER) == sum(sizes) > 0
        assert api.ctx.meta.counters.usage.get(account, STORAGE, FOREVER) == 0
