"""The whole app on PostgreSQL: each API family's main path through the real app, once on the
embedded SQLite file and once on a fresh PostgreSQL database, with the same answers; and a
restarted app on the same database finds everything. (`PINRENDER_TEST_META=postgres` runs every
app test this way.)"""

from __future__ import annotations

import asyncio
import base64
import io
import socket
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PIL import Image

from pinrender_server.cli import main
from pinrender_server.settings import Plan, Settings
from tests.images import solid
from tests.server.backends import pg
from tests.server.conftest import CARD, Api, auth, open_api

pytestmark = pytest.mark.anyio


@pytest.fixture(params=["sqlite", "postgres"])
def settings(request: pytest.FixtureRequest, make_settings: Callable[..., Settings]) -> Iterator[Settings]:
    values: dict[str, Any] = {
        "plans": {"pro": Plan(monthly_credits=1000, monthly_renders=100)}, "default_plan": "pro",
        "ext": {"allowed_hosts": ["testserver"]}}
    if request.param == "sqlite":
        yield make_settings(database="", **values)
        return
    with pg.fresh_database() as url:
        yield make_settings(database=url, **values)


def png(width: int, height: int) -> bytes:
    return solid(width, height, (30, 120, 200))


async def job_done(api: Api, key: str, path: str) -> dict[str, Any]:
    for _ in range(300):
        r = await api.client.get(path, headers=auth(key))
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()["data"]
        if data["status"] in ("completed", "failed"):
            return data
        await asyncio.sleep(0.1)
    raise AssertionError(f"{path} did not finish")


async def test_every_family_works_and_survives_a_restart(settings: Settings) -> None:
    async with open_api(settings) as api:
        key = api.key("owner@example.com", plan="pro")
        h = auth(key)
        # Templates: create, update (the version moves), list, render through /api/generate.
        template = await api.create(key, CARD, public=False)
        r = await api.client.put(f"/api/templates/{template['id']}", headers=h, json={"name": "Renamed"})
        assert r.status_code == 200 and r.json()["data"]["version"] == 2, r.text
        listed = await api.client.get("/api/templates", headers=h)
        assert [t["name"] for t in listed.json()["data"]["items"]] == ["Renamed"]
        made = await api.client.post("/api/generate", headers=h, json={
            "templateId": template["id"], "layers": {"title": {"text": "On a database"}}, "format": "png"})
        assert made.status_code == 200, made.text
        image_path = "/" + made.json()["imageUrl"].split("/", 3)[3]
        card = Image.open(io.BytesIO((await api.client.get(image_path)).content))
        assert card.size == (240, 120)

        # Interactive images: create three, list a page of two, then the rest by cursor.
        for title in ("a", "b", "c"):
            r = await api.client.post("/api/images", headers=h, json={
                "image_data": base64.b64encode(png(64, 32)).decode(), "title": title})
            assert r.status_code == 201, r.text
        page = (await api.client.get("/api/images", params={"limit": 2}, headers=h)).json()["data"]
        assert [i["title"] for i in page["images"]] == ["c", "b"]
        rest = await api.client.get("/api/images", params={"limit": 2, "cursor": page["next_cursor"]},
                                    headers=h)
        assert [i["title"] for i in rest.json()["data"]["images"]] == ["a"]

        # Hosting: an upload with tags and its quota headers, served by the CDN.
        r = await api.client.post("/v1/upload", headers=h, files={"file": ("p.png", png(300, 200), "image/png")},
                                  data={"tags": "x,y", "namespace": "site"})
        assert r.status_code == 201, r.text
        upload = r.json()
        assert upload["tags"] == ["x", "y"] and r.headers["X-Monthly-Uploads-Used"] == "1"
        served = await api.client.get(upload["src"].replace("http://testserver", ""))
        assert served.status_code == 200 and Image.open(io.BytesIO(served.content)).size == (300, 200)

        # AI: ai/process runs to completion in the background, charged once per phase.
        r = await api.client.post("/api/images/ai/process", headers=h,
                                  json={"prompt": "a kite over a beach", "aspect_ratio": "4:3"})
        assert r.status_code == 202, r.text
        job = r.json()["data"]
        done = await job_done(api, key, f"/api/articles/process/{job['job_id']}")
        assert done["status"] == "completed", done
        pixels = await api.client.get(done["results"][0]["image_url"])
        im = Image.open(io.BytesIO(pixels.content))
        assert abs(im.width / im.height - 4 / 3) < 0.01

        # Org tokens: an organisation token that uploads an event photo.
        org_id = (await api.client.get("/api/v1/orgs", headers=h)).json()[0]["id"]
        event = (await api.client.post(f"/api/v1/orgs/{org_id}/events", json={"name": "Party"},
                                       headers=h)).json()["id"]
        token = (await api.client.post(f"/api/v1/orgs/{org_id}/tokens", json={"name": "CI"},
                                       headers=h)).json()["token"]
        r = await api.client.post(f"/api/v1/ext/{org_id}/event/{event}/photos", headers={"X-API-Key": token},
                                  files={"file": ("e.png", png(80, 60), "image/png")})
        assert r.status_code == 201, r.text

    # A new app on the same database and data dir finds every row.
    async with open_api(settings) as api:
        assert (await api.client.get("/api/templates", headers=h)).json()["data"]["items"][0]["name"] == "Renamed"
        listed = await api.client.get("/api/images", params={"limit": 50}, headers=h)
        titles = [i["title"] for i in listed.json()["data"]["images"]]
        assert {"a", "b", "c"} <= set(titles)
        r = await api.client.get(f"/api/articles/process/{job['job_id']}", headers=h)
        assert r.json()["data"]["status"] == "completed"
        tokens = await api.client.get(f"/api/v1/orgs/{org_id}/tokens", headers=h)
        assert tokens.status_code == 200 and len(tokens.json()) == 1


async def test_a_key_made_by_the_cli_works_in_the_app_on_the_same_database(
        make_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    with pg.fresh_database() as url:
        monkeypatch.setenv("PINRENDER_DATABASE", url)
        assert main(["keys", "create", "--email", "cli@example.com", "--plan", "pro"]) == 0
        key = capsys.readouterr().out.strip().splitlines()[-1]
        async with open_api(make_settings(database=url)) as api:
            r = await api.client.get("/api/templates", headers=auth(key))
            assert r.status_code == 200, r.text


def test_the_cli_says_in_one_line_when_the_database_cannot_be_reached(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    pg.require()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("PINRENDER_DATABASE", f"postgresql://postgres:secret@127.0.0.1:{port}/x")
    assert main(["keys", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("pinrender: error: PostgreSQL unavailable") and "Traceback" not in err
    assert "secret" not in err


async def test_requests_answer_503_while_the_database_is_gone_and_recover_after(
        make_settings: Callable[..., Settings]) -> None:
    import psycopg

    # A long pool wait: only the fail-fast after the first failure keeps these requests quick.
    with pg.fresh_database("pool_timeout=20") as url:
        name = url.split("?")[0].rsplit("/", 1)[1]

        def database(allow: bool) -> None:
            with psycopg.connect(pg.admin_url(), autocommit=True) as admin:
                admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
                if not allow:  # and drop the pooled connections, as a restart would
                    admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                                  " WHERE datname = %s", (name,))

        async with open_api(make_settings(database=url)) as api:
            key = api.key("gone@example.com", plan="pro")
            h = auth(key)
            template = await api.create(key, CARD)
            database(allow=False)
            try:
                for method, path, body in (("GET", "/api/templates", None),
                                           ("POST", "/api/generate", {"templateId": template["id"]}),
                                           ("GET", "/api/images", None),
                                           ("GET", f"/api/render?templateId={template['id']}", None)):
                    r = await api.client.request(method, path, headers=h, json=body)
                    assert r.status_code == 503, (path, r.status_code, r.text)
                    assert int(r.headers["Retry-After"]) > 0
            finally:
                database(allow=True)
            # The pool reconnects by itself, backing off between attempts (a second, then more).
            for _ in range(300):
                r = await api.client.get("/api/templates", headers=h)
                if r.status_code != 503:
                    break
            assert r.status_code == 200 and r.json()["data"]["total"] == 1
