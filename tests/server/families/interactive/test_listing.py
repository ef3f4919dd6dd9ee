"""`GET /api/images`: defaults, clamps, cursors (walked under churn, by hypothesis) and ids."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import anyio
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pinrender_server.backends import ImageRecord
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.server.conftest import open_api

from .conftest import Images

pytestmark = pytest.mark.anyio


def seed(meta: Any, account_id: int, n: int) -> list[ImageRecord]:
    now = time.time()
    return [meta.images.create(ImageRecord(
        id=0, unique_id="", account_id=account_id, blob_key=f"images/x/{i}.png",
        media_type="image/png", ext="png", width=100, height=50, size=10, title=f"img {i}",
        created_at=now, updated_at=now)) for i in range(n)]


async def test_defaults_and_clamps(images: Images) -> None:
    account = images.ctx.meta.accounts.by_email("owner@example.com")
    seed(images.ctx.meta, account.id, 130)
    r = await images.client.get("/api/images", headers=images.h)
    data = r.json()["data"]
    assert (data["page"], data["limit"], data["total"], len(data["images"])) == (1, 20, 130, 20)
    assert data["has_more"] is True and data["next_cursor"]
    ids = [i["id"] for i in data["images"]]
    assert ids == sorted(ids, reverse=True)  # newest first
    for given_limit, expected in (("0", 1), ("-5", 1), ("1000", 100), ("7", 7)):
        r = await images.client.get("/api/images", params={"limit": given_limit}, headers=images.h)
        assert r.json()["data"]["limit"] == expected and len(r.json()["data"]["images"]) == expected
    r = await images.client.get("/api/images", params={"page": 7, "limit": 20}, headers=images.h)
    assert [i["title"] for i in r.json()["data"]["images"]] == [f"img {i}" for i in range(9, -1, -1)]
    assert r.json()["data"]["has_more"] is False and r.json()["data"]["next_cursor"] is None
    r = await images.client.get("/api/images", params={"page": 99}, headers=images.h)
    assert r.json()["data"]["images"] == []
    for bad in ({"page": "0"}, {"page": "x"}, {"limit": "x"}, {"cursor": "bogus!"}, {"what": "1"}):
        r = await images.client.get("/api/images", params=bad, headers=images.h)
        assert r.status_code == 400, bad


async def test_cursor_pages_and_other_accounts(images: Images) -> None:
    account = images.ctx.meta.accounts.by_email("owner@example.com")
    mine = seed(images.ctx.meta, account.id, 25)
    other = images.ctx.meta.accounts.create("x@example.com", plan="pro")
    seed(images.ctx.meta, other.id, 5)
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 10}
        if cursor:
            params["cursor"] = cursor
        data = (await images.client.get("/api/images", params=params, headers=images.h)).json()["data"]
        seen += [i["id"] for i in data["images"]]
        cursor = data["next_cursor"]
        if cursor:
            assert data["total"] is None or data["page"] == 1
        if not cursor:
            break
    assert seen == [m.id for m in reversed(mine)]


async def test_ids_lookup_in_requested_order_with_missing(images: Images) -> None:
    account = images.ctx.meta.accounts.by_email("owner@example.com")
    a, b, c = seed(images.ctx.meta, account.id, 3)
    stranger = seed(images.ctx.meta, images.ctx.meta.accounts.create("s@example.com").id, 1)[0]
    ids = f"{c.unique_id},{a.id}, 999999 ,{stranger.id},{b.unique_id},bad id"
    r = await images.client.get("/api/images", params={"ids": ids}, headers=images.h)
    data = r.json()["data"]
    assert [i["id"] for i in data["images"]] == [c.id, a.id, b.id]
    assert data["missing"] == ["999999", str(stranger.id), "bad id"]
    many = ",".join(str(i) for i in range(101))
    r = await images.client.get("/api/images", params={"ids": many}, headers=images.h)
    assert r.status_code == 400 and "at most 100" in r.json()["error"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(initial=st.integers(0, 40), limit=st.integers(1, 12),
       churn=st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3), st.integers(0, 10**6)),
                      max_size=12))
def test_walking_pages_under_churn_sees_each_survivor_once(
        make_settings: Callable[..., Settings], initial: int, limit: int,
        churn: list[tuple[int, int, int]]) -> None:
    """Images added or deleted between pages: every image that existed at the start and was never
    deleted appears exactly once, and nothing appears twice."""
    anyio.run(_walk, make_settings, initial, limit, churn)


async def _walk(make_settings: Callable[..., Settings], initial: int, limit: int,
                churn: list[tuple[int, int, int]]) -> None:
    async with open_api(make_settings(storage="memory://", database="sqlite://:memory:")) as api:
        meta = api.ctx.meta
        issued = issue_key(meta, "walker@example.com", plan="pro")
        h = {"Authorization": f"Bearer {issued.secret}"}
        start = seed(meta, issued.account.id, initial)
        alive = {i.id for i in start}
        deleted: set[int] = set()
        seen: list[int] = []
        cursor = None
        step = 0
        while True:
            params: dict[str, Any] = {"limit": limit}
            if cursor:
                params["cursor"] = cursor
            r = await api.client.get("/api/images", params=params, headers=h)
            assert r.status_code == 200, r.text
            data = r.json()["data"]
            seen += [i["id"] for i in data["images"]]
            cursor = data["next_cursor"]
            if step < len(churn):
                adds, deletes, pick = churn[step]
                seed(meta, issued.account.id, adds)
                candidates = sorted(alive - deleted)
                for k in range(min(deletes, len(candidates))):
                    victim = candidates[(pick + k) % len(candidates)]
                    meta.images.soft_delete(victim, now=time.time())
                    deleted.add(victim)
            step += 1
            if not cursor:
                break
        assert len(seen) == len(set(seen))
        assert (alive - deleted) <= set(seen)
        # Images added during the walk are newer than the cursor, so they never appear.
        assert set(seen) <= alive
