"""`POST /api/generate/batch` through the real app: rows or CSV in, a job that renders each row
like /api/generate (metered, cached rows free), progress, per-row errors, and a streamed ZIP."""

from __future__ import annotations

import asyncio
import io
import zipfile
from collections.abc import Callable
from typing import Any

import pytest
from PIL import Image

from pinrender_server.services.ledger import RENDERS, month
from pinrender_server.settings import Plan, Settings
from tests.server.conftest import CARD, Api, auth, open_api

pytestmark = pytest.mark.anyio


async def wait(api: Api, key: str, job_id: int) -> dict[str, Any]:
    for _ in range(300):
        r = await api.client.get(f"/api/generate/batch/{job_id}", headers=auth(key))
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        assert 0 <= data["done"] <= data["total"]
        if data["status"] in ("completed", "failed"):
            return data
        await asyncio.sleep(0.05)
    raise AssertionError("batch did not finish")


def renders(api: Api, account: int) -> int:
    return int(api.ctx.counters.usage.get(account, RENDERS, month()))


async def test_rows_render_and_zip(api: Api) -> None:
    key = api.key()
    account = api.ctx.meta.keys.list()[0].account_id
    template = await api.create(key, CARD)
    rows = [{"title": "First"}, {"title": "Second", "band.fill": "#e63946"}, {"title": "First"}]
    r = await api.client.post("/api/generate/batch", headers=auth(key), json={
        "templateId": template["id"], "rows": rows, "format": "png"})
    assert r.status_code == 202, r.text
    assert r.json()["data"]["total"] == 3 and r.json()["data"]["status"] == "queued"
    done = await wait(api, key, r.json()["data"]["job_id"])
    assert done["status"] == "completed" and done["done"] == 3
    urls = [row["imageUrl"] for row in done["results"]]
    assert all(urls) and urls[0] == urls[2] != urls[1]  # the same row is the same image
    band = []
    for url in urls[:2]:
        image = Image.open(io.BytesIO((await api.client.get(url)).content)).convert("RGB")
        assert image.size == (240, 120)
        band.append(image.getpixel((120, 10)))
    assert band[0] == (0x2A, 0x9D, 0x8F) and band[1] == (0xE6, 0x39, 0x46)  # the override column
    assert renders(api, account) == 2  # the repeated row was cached, so free
    z = await api.client.get(done["zipUrl"], headers=auth(key))
    assert z.status_code == 200 and z.headers["content-type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(z.content))
    assert archive.namelist() == ["000001.png", "000002.png", "000003.png"]
    assert Image.open(io.BytesIO(archive.read("000002.png"))).size == (240, 120)


async def test_csv_upload_and_bad_rows(api: Api) -> None:
    key = api.key()
    template = await api.create(key, CARD)
    text = "title,title.fontSize\nHello,30\nBig,-5\nPlain,\n"
    r = await api.client.post(f"/api/generate/batch?templateId={template['id']}&format=webp",
                              headers={**auth(key), "Content-Type": "text/csv"}, content=text)
    assert r.status_code == 202, r.text
    done = await wait(api, key, r.json()["data"]["job_id"])
    results = done["results"]
    assert results[0]["imageUrl"].endswith(".webp") and results[2]["imageUrl"]
    assert "imageUrl" not in results[1]
    assert "fontSize" in results[1]["error"]  # the bad cell is named, the batch went on


async def test_refusals(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(batch_max_rows=3, jobs={"workers": 0})) as api:
        key = api.key()
        other = api.key("other@example.com")
        template = await api.create(key, CARD, public=False)
        base = {"templateId": template["id"]}
        cases = [
            ({**base}, 400), ({**base, "rows": []}, 400), ({**base, "rows": [{}], "csv": "a\n1"}, 400),
            ({**base, "rows": [{"title": "x"}] * 4}, 413), ({**base, "rows": [{"t": 1}], "format": "gif"}, 400),
            ({"templateId": "00000000-0000-0000-0000-000000000000", "rows": [{}]}, 404),
        ]
        for body, status in cases:
            r = await api.client.post("/api/generate/batch", headers=auth(key), json=body)
            assert r.status_code == status, (body, r.text)
        private = await api.client.post("/api/generate/batch", headers=auth(other),
                                        json={**base, "rows": [{}]})
        assert private.status_code == 404
        job = (await api.client.post("/api/generate/batch", headers=auth(key),
                                     json={**base, "rows": [{}]})).json()["data"]["job_id"]
        assert (await api.client.get(f"/api/generate/batch/{job}", headers=auth(other))).status_code == 404
        pending_zip = await api.client.get(f"/api/generate/batch/{job}.zip", headers=auth(key))
        assert pending_zip.status_code == 409 and pending_zip.headers["Retry-After"]
        assert (await api.client.post("/api/generate/batch", json={**base, "rows": [{}]})).status_code == 401


async def test_rows_past_the_allowance_fail_alone(make_settings: Callable[..., Settings]) -> None:
    plans = {"free": Plan(monthly_credits=1, monthly_renders=2)}
    async with open_api(make_settings(plans=plans)) as api:
        key = api.key()
        template = await api.create(key, CARD)
        rows = [{"title": f"Card {i}"} for i in range(4)]
        r = await api.client.post("/api/generate/batch", headers=auth(key),
                                  json={"templateId": template["id"], "rows": rows})
        done = await wait(api, key, r.json()["data"]["job_id"])
        assert [bool(row.get("imageUrl")) for row in done["results"]] == [True, True, False, False]
        assert "limit" in done["results"][3]["error"].lower()
