"""Two `pinrender serve` processes with separate local data dirs on one PostgreSQL, Redis and S3
(issue 17's end-to-end check): what one makes the other sees at once; the rolling-hour limit,
the upload quota and AI credits are exact across both under concurrency; a job survives the death
of the process running it; a full restart loses nothing; the local data dirs stay small."""

from __future__ import annotations

import concurrent.futures
import io
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
import redis
from PIL import Image

from tests.images import solid, two_tone
from tests.server.backends.ai.fake_openai import FakeOpenAI
from tests.server.backends.pg import fresh_database
from tests.server.process import Served, cli, serving
from tests.server.shared_backends import CREDENTIALS, REDIS_URL, MotoS3, redis_url

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[tuple[dict[str, str], FakeOpenAI]]:
    """The environment of a deployment (one database, one Redis prefix, one bucket) and its AI
    provider."""
    redis_url()  # skips with a reason without Redis (fails under CI)
    prefix = f"e2e:{time.time_ns()}:"
    with fresh_database() as database, FakeOpenAI() as fake:
        MotoS3.start()
        env = {
            "PINRENDER_DATABASE": database,
            "PINRENDER_COUNTERS": f"{REDIS_URL}?prefix={prefix}",
            "PINRENDER_STORAGE": f"s3://{MotoS3.new_bucket()}/blobs",
            "AWS_ENDPOINT_URL": MotoS3.endpoint, **CREDENTIALS,
            "PINRENDER_PLANS__AGENCY__HOURLY_REQUESTS": "40",
            "PINRENDER_PLANS__PRO__MONTHLY_UPLOADS": "5",
            "PINRENDER_PLANS__PRO__MONTHLY_CREDITS": "12",
            "PINRENDER_AI__BACKEND": "openai", "PINRENDER_AI__BASE_URL": fake.url,
            "PINRENDER_AI__API_KEY": "e2e", "PINRENDER_AI__RETRIES": "0",
            "PINRENDER_AI__IMAGE_SIZES": "exact",
            "PINRENDER_JOBS__LEASE_SECONDS": "2", "PINRENDER_JOBS__POLL_SECONDS": "0.2",
        }
        yield env, fake
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(match=f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def key_for(data: Path, env: dict[str, str], email: str, plan: str = "pro") -> str:
    return cli(data, "keys", "create", "--email", email, "--plan", plan,
               env=env).strip().splitlines()[-1]


def h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def race(calls: list[Callable[[], httpx.Response]]) -> list[int]:
    with concurrent.futures.ThreadPoolExecutor(len(calls)) as pool:
        return [f.result().status_code for f in [pool.submit(c) for c in calls]]


def size_of(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def test_two_servers_share_one_state(tmp_path: Path,
                                    shared: tuple[dict[str, str], FakeOpenAI]) -> None:
    env, fake = shared
    dir_a, dir_b = tmp_path / "a", tmp_path / "b"
    owner = key_for(dir_a, env, "owner@example.com")
    with serving(dir_a, env) as a, serving(dir_b, env) as b:
        # What one makes, the other sees at once.
        made = httpx.post(f"{a.base}/api/templates", headers=h(owner), timeout=30, json={
            "name": "Shared", "public": True, "jsonData": {
                "canvas": {"width": 200, "height": 100, "background": "#102030"}, "layers": []}})
        template = made.json()["data"]["id"]
        seen = httpx.get(f"{b.base}/api/templates/{template}", headers=h(owner), timeout=30)
        assert seen.status_code == 200 and seen.json()["data"]["version"] == 1
        httpx.put(f"{b.base}/api/templates/{template}", headers=h(owner), timeout=30, json={
            "jsonData": {"canvas": {"width": 300, "height": 100, "background": "#102030"}, "layers": []}})
        card = httpx.get(f"{a.base}/api/render?templateId={template}&format=png", timeout=30)
        assert Image.open(io.BytesIO(card.content)).size == (300, 100)  # B's edit, rendered by A
        upload = httpx.post(f"{a.base}/v1/upload", headers=h(owner), timeout=30,
                            files={"file": ("p.jpg", two_tone(320, 240), "image/jpeg")})
        assert upload.status_code in (200, 201), upload.text
        src = httpx.URL(upload.json().get("src") or upload.json()["data"]["src"])
        variant = httpx.get(f"{b.base}{src.path}?size=s", timeout=30)
        assert variant.status_code == 200 and Image.open(io.BytesIO(variant.content)).width > 0

        # The rolling hour of one key is exact across both processes (40 for agency here).
        hourly = key_for(dir_a, env, "hourly@example.com", plan="agency")
        codes = race([(lambda s=s: httpx.get(f"{s.base}/api/account", headers=h(hourly), timeout=30))
                      for s in [a, b] * 30])
        assert codes.count(200) == 40 and codes.count(429) == 20

        # The monthly upload quota (5) is exact across both.
        uploader = key_for(dir_a, env, "uploads@example.com")
        codes = race([(lambda s=s, i=i: httpx.post(
            f"{s.base}/v1/upload", headers=h(uploader), timeout=60,
            files={"file": (f"{i}.png", solid(40, 30, (i, 20, 30)), "image/png")}))
            for i, s in enumerate([a, b] * 6)])
        assert sum(c in (200, 201) for c in codes) == 5, codes

        # AI credits (12): sixteen 5-credit calls across both succeed exactly twice.
        spender = key_for(dir_a, env, "credits@example.com")
        codes = race([(lambda s=s: httpx.post(
            f"{s.base}/api/images/ai/generate-image", headers=h(spender), timeout=60,
            json={"prompt": "a kite", "model": "mini", "quality": "high"})) for s in [a, b] * 8])
        assert codes.count(200) == 2 and codes.count(429) == 14, codes

        # A job survives the death of the process running it, charged once. Either process may
        # take it (a NOTIFY wakes both): the one whose lease it is gets killed.
        fake.reset()
        fake.script, fake.delay = ["slow"], 120.0
        worker = key_for(dir_a, env, "jobs@example.com")
        job = httpx.post(f"{a.base}/api/images/ai/process", headers=h(worker), timeout=30, json={
            "prompt": "a red lighthouse", "model": "mini", "quality": "medium"}).json()["data"]
        deadline = time.monotonic() + 30
        while not any(p.endswith("/images/generations") for p, _, _ in fake.requests):
            assert time.monotonic() < deadline, "the job never reached the provider"
            time.sleep(0.1)
        with psycopg.connect(env["PINRENDER_DATABASE"]) as db:
            row = db.execute("SELECT lease_owner FROM jobs WHERE id = %s", (job["job_id"],)).fetchone()
        assert row is not None
        runner, survivor = (a, b) if f":{a.proc.pid}:" in row[0] else (b, a)
        assert f":{runner.proc.pid}:" in row[0]
        runner.kill()
        status = wait_job(survivor, worker, job["job_id"])
        assert status["status"] == "completed", status
        used = httpx.get(f"{survivor.base}/api/account", headers=h(worker), timeout=30).json()["data"]
        assert used["aiCredits"]["used"] == 4  # mini x medium 3 + hotspots 1, once
    # A full restart, even on fresh local data dirs, loses nothing.
    with serving(tmp_path / "c", env) as c:
        assert httpx.get(f"{c.base}/api/templates/{template}", headers=h(owner),
                         timeout=30).json()["data"]["version"] == 2
        assert httpx.get(f"{c.base}{src.path}?size=s", timeout=30).status_code == 200
        image = httpx.get(f"{c.base}/api/images/{job['unique_id']}", headers=h(worker), timeout=30)
        assert image.status_code == 200 and image.json()["data"]["hotspots"]
    # Nothing large lives on the local disks: originals, variants and renders are in S3.
    for folder in (dir_a, dir_b, tmp_path / "c"):
        assert size_of(folder) < 200_000, (folder, sorted(folder.rglob("*")))


def wait_job(server: Served, key: str, job_id: int, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        data: dict[str, Any] = httpx.get(f"{server.base}/api/articles/process/{job_id}",
                                         headers=h(key), timeout=30).json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        time.sleep(0.5)
    raise AssertionError(f"the job did not finish: {data}")
