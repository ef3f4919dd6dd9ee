"""The background pipelines through the real app: ai/process answers at once with an embed that
lights up, articles/process makes N images, status polling, caps, ownership, per-phase charges;
and the job runner resuming a job its worker dropped without charging a phase twice."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from PIL import Image

from pinrender_server.backends import JobRecord, StoreUnavailable
from pinrender_server.services import credits
from pinrender_server.services.jobs import Job, JobFailed, JobRunner
from pinrender_server.services.ledger import AI_CREDITS, month
from pinrender_server.settings import JobSettings, Plan, Settings
from tests.server.conftest import Api, auth, open_api

from .test_ai_endpoints import ARTICLE

pytestmark = pytest.mark.anyio


def pro(credits: int = 1000) -> dict[str, Plan]:
    return {"pro": Plan(monthly_credits=credits, monthly_renders=100)}


def spent(api: Api, account: int) -> int:
    return int(api.ctx.counters.usage.get(account, AI_CREDITS, month()))


async def finished(api: Api, key: str, job_id: int, timeout: float = 30) -> dict[str, Any]:
    for _ in range(int(timeout / 0.1)):
        r = await api.client.get(f"/api/articles/process/{job_id}", headers=auth(key))
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        await asyncio.sleep(0.1)
    raise AssertionError(f"job {job_id} did not finish")


async def test_process_mints_the_record_and_the_embed_lights_up(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(), default_plan="pro")) as api:
        key = api.key("p@example.com", plan="pro")
        account = api.ctx.meta.keys.list()[0].account_id
        r = await api.client.post("/api/images/ai/process", headers=auth(key), json={
            "concept": {"id": "c", "title": "Lighthouse", "summary": "A lighthouse in a storm"},
            "model": "standard", "quality": "medium", "aspect_ratio": "16:9"})
        assert r.status_code == 202, r.text
        data = r.json()["data"]
        assert data["status"] == "queued" and data["unique_id"] in data["embed_url"]
        assert data["share_url"].endswith(f"/share/images/{data['unique_id']}")
        assert 'data-pinrender-id="' + data["unique_id"] in data["embed_code"]
        embed_key = api.ctx.meta.accounts.get(account).embed_key
        done = await finished(api, key, data["job_id"])
        assert done["status"] == "completed" and done["kind"] == "image"
        [result] = done["results"]
        assert result["unique_id"] == data["unique_id"] and result["hotspots"]
        served = await api.client.get(result["image_url"])
        im = Image.open(io.BytesIO(served.content))
        assert served.status_code == 200 and abs(im.width / im.height - 16 / 9) < 0.01
        ready = await api.client.get(f"/api/images/{data['unique_id']}/embed-data?user={embed_key}")
        body = ready.json()["data"]
        assert body["status"] == "ready" and body["image"]["src"] and body["hotspots"]
        # Charged per phase: expansion 1 (a concept), the image standard x medium 6, hotspots 1.
        assert spent(api, account) == 8
        record = await api.client.get(f"/api/images/{data['unique_id']}", headers=auth(key))
        assert record.json()["data"]["hotspots"] == result["hotspots"]


async def test_a_pending_image_says_so_everywhere(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(), default_plan="pro", jobs={"workers": 0})) as api:
        key = api.key("w@example.com", plan="pro")
        account = api.ctx.meta.keys.list()[0].account_id
        r = await api.client.post("/api/images/ai/process", headers=auth(key),
                                  json={"prompt": "a kite over a beach", "aspect_ratio": "4:3"})
        uid = r.json()["data"]["unique_id"]
        embed_key = api.ctx.meta.accounts.get(account).embed_key
        pending = await api.client.get(f"/api/images/{uid}/embed-data?user={embed_key}")
        body = pending.json()["data"]
        assert pending.status_code == 200 and body["status"] == "pending"
        assert body["image"]["src"] is None and body["retry_after_ms"] > 0
        assert pending.headers["Cache-Control"] == "no-store"
        assert body["image"]["width"] / body["image"]["height"] == pytest.approx(4 / 3, abs=0.01)
        variant = await api.client.get(f"/files/{uid}_512.webp")
        assert variant.status_code == 404 and variant.headers["Retry-After"]
        assert "still being generated" in variant.json()["error"]
        page = await api.client.get(f"/images/{uid}/embed")
        assert page.status_code == 200 and '"status":"pending"' in page.text
        status = await api.client.get(f"/api/articles/process/{r.json()['data']['job_id']}",
                                      headers=auth(key))
        assert status.json()["data"]["status"] == "queued" and spent(api, account) == 0


async def test_article_pipeline_makes_one_record_per_spot(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(), default_plan="pro")) as api:
        key = api.key("a@example.com", plan="pro")
        account = api.ctx.meta.keys.list()[0].account_id
        r = await api.client.post("/api/articles/process", headers=auth(key), json={
            "page_content": ARTICLE, "count": 2, "model": "mini", "quality": "low"})
        assert r.status_code == 202 and r.json()["data"]["status"] == "queued"
        done = await finished(api, key, r.json()["data"]["job_id"])
        assert done["status"] == "completed" and len(done["results"]) == 2
        for item in done["results"]:
            assert item["image_url"] and item["hotspots"] and item["after"]
            image = await api.client.get(f"/api/images/{item['unique_id']}", headers=auth(key))
            assert image.status_code == 200 and image.json()["data"]["hotspots"] == item["hotspots"]
        # locate 1 + per image (expand 1 + mini low 1 + hotspots 1)
        assert spent(api, account) == 1 + 2 * 3


async def test_jobs_are_the_owners_only(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(), default_plan="pro", jobs={"workers": 0})) as api:
        key = api.key("o@example.com", plan="pro")
        other = api.key("x@example.com", plan="pro")
        r = await api.client.post("/api/articles/process", headers=auth(key), json={"page_content": ARTICLE})
        job_id = r.json()["data"]["job_id"]
        assert (await api.client.get(f"/api/articles/process/{job_id}", headers=auth(other))).status_code == 404
        for ref in ("999999", "abc", "1e3"):
            assert (await api.client.get(f"/api/articles/process/{ref}", headers=auth(key))).status_code == 404


async def test_refusals_cost_nothing_and_queues_are_capped(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(plans=pro(30), default_plan="pro", jobs={"workers": 0, "max_open_per_account": 2})
    async with open_api(settings) as api:
        key = api.key("c@example.com", plan="pro")
        account = api.ctx.meta.keys.list()[0].account_id
        too_dear = await api.client.post("/api/articles/process", headers=auth(key), json={
            "page_content": ARTICLE, "count": 3, "model": "ultra", "quality": "high"})
        assert too_dear.status_code == 429 and "credits" in too_dear.json()["error"]
        for bad in ({}, {"prompt": "x", "model": "huge"}, {"prompt": "x", "aspect_ratio": "1:7"},
                    {"concept": "  "}):
            assert (await api.client.post("/api/images/ai/process", headers=auth(key), json=bad)).status_code == 422
        codes = [(await api.client.post("/api/images/ai/process", headers=auth(key),
                                        json={"prompt": "a boat", "model": "mini"})).status_code
                 for _ in range(3)]
        assert codes == [202, 202, 429]
        # The refused one left no pending record behind.
        listing = await api.client.get("/api/images", headers=auth(key))
        assert listing.json()["data"]["total"] == 2 and spent(api, account) == 0


async def test_a_job_whose_worker_died_resumes_and_charges_each_phase_once(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(50), default_plan="pro", jobs={"workers": 0})) as api:
        meta = api.ctx.meta
        account = meta.accounts.create("r@example.com", plan="pro")
        job = meta.jobs.enqueue(account.id, "test", {}, max_open=5, now=0)
        assert job is not None
        plan = api.ctx.settings.plan("pro")
        ran: list[str] = []

        async def step(name: str) -> str:
            ran.append(name)
            return name

        async def handler(job: Job) -> list[dict[str, Any]]:
            first = await job.phase("first", lambda: step("first"), cost=credits.claim(account, plan, 3))
            second = await job.phase("second", lambda: step("second"), cost=credits.claim(account, plan, 5))
            return [{"done": [first, second]}]

        # Worker w1 finishes "first", is charged for "second" as it starts it, and is killed -9
        # there: its lease, its state and its charges stay exactly as they were.
        claimed = meta.jobs.claim("w1", now=1.0, lease_seconds=1, max_attempts=3)
        assert claimed is not None
        dying = Job(claimed, meta, api.ctx.counters, "w1", 30.0, dict(claimed.state))
        await dying.phase("first", lambda: step("first"), cost=credits.claim(account, plan, 3))
        assert meta.jobs.charge(job.id, "second", account.id, credits.claim(account, plan, 5), spend=True)
        assert spent(api, account.id) == 8
        # Once the lease has run out, another worker takes the job over.
        assert meta.jobs.claim("w2", now=1.5, lease_seconds=30, max_attempts=3) is None
        again = meta.jobs.claim("w2", now=10.0, lease_seconds=30, max_attempts=3)
        assert isinstance(again, JobRecord) and again.attempts == 2 and again.state == {"first": "first"}
        runner = JobRunner(meta, api.ctx.counters, "w2", {"test": handler}, JobSettings(workers=1))
        await runner.run_one(again)
        final = meta.jobs.get(job.id)
        assert final is not None and final.status == "completed"
        assert final.results == [{"done": ["first", "second"]}]
        assert ran == ["first", "second"]  # "first" was kept, "second" ran once to completion
        assert spent(api, account.id) == 8  # and nothing was charged twice


async def test_a_failing_phase_gives_its_credits_back_and_fails_the_job(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(50), default_plan="pro", jobs={"workers": 0})) as api:
        account = api.ctx.meta.accounts.create("f@example.com", plan="pro")
        job = api.ctx.meta.jobs.enqueue(account.id, "test", {}, max_open=5, now=0)
        assert job is not None
        async def handler(job: Job) -> list[dict[str, Any]]:
            async def boom() -> None:
                raise JobFailed("the provider said no")
            await job.phase("only", boom, cost=credits.claim(account, api.ctx.settings.plan("pro"), 4))
            return []

        runner = JobRunner(api.ctx.meta, api.ctx.counters, "w", {"test": handler}, JobSettings(workers=1))
        claimed = api.ctx.meta.jobs.claim("w", now=1.0, lease_seconds=30, max_attempts=3)
        assert claimed is not None
        await runner.run_one(claimed)
        final = api.ctx.meta.jobs.get(job.id)
        assert final is not None and final.status == "failed" and final.error == "the provider said no"
        assert spent(api, account.id) == 0


async def test_workers_outlive_a_database_outage(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings(plans=pro(50), default_plan="pro", jobs={"workers": 0})) as api:
        meta = api.ctx.meta
        account = meta.accounts.create("outage@example.com", plan="pro")
        job = meta.jobs.enqueue(account.id, "test", {}, max_open=5, now=0)
        assert job is not None
        claim, calls = meta.jobs.claim, {"n": 0}

        def unreachable_at_first(*args: Any, **kwargs: Any) -> Any:
            calls["n"] += 1
            if calls["n"] <= 3:
                raise StoreUnavailable("PostgreSQL unavailable", backend="database")
            return claim(*args, **kwargs)

        meta.jobs.claim = unreachable_at_first  # type: ignore[method-assign]

        async def handler(job: Job) -> list[dict[str, Any]]:
            return [{"ran": True}]

        runner = JobRunner(meta, api.ctx.counters, "w", {"test": handler},
                           JobSettings(workers=1, poll_seconds=0.05))
        async with anyio.create_task_group() as tg:
            tg.start_soon(runner.run)
            for _ in range(200):
                done = meta.jobs.get(job.id)
                if done is not None and done.status == "completed":
                    break
                await anyio.sleep(0.02)
            tg.cancel_scope.cancel()
        assert calls["n"] > 3 and done is not None and done.results == [{"ran": True}]
