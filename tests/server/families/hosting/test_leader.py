"""Several processes on one database: one leader runs the background loops (sweeper, start-up
recovery), and the link-signing secret comes from settings or the database, not a file."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from pinrender_server.app import create_app
from pinrender_server.families.hosting.sweeper import leading, lease_ttl
from pinrender_server.settings import Settings
from tests.server.conftest import open_api

pytestmark = pytest.mark.anyio


async def test_two_apps_on_one_data_dir_have_one_leader(
    make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings(sweep_interval=3600)
    # Without their lifespans: no loop of theirs takes the lease behind the test's back.
    a, b = create_app(settings).state.ctx, create_app(settings).state.ctx
    try:
        now = time.time()
        assert leading(a, now) and not leading(b, now)
        assert leading(a, now + 60) and not leading(b, now + 60)  # the holder renews
        # A leader that stopped renewing (crashed) is replaced once its lease runs out.
        later = now + 60 + lease_ttl(settings) + 1
        assert leading(b, later) and not leading(a, later)
    finally:
        a.meta.close()
        b.meta.close()


async def test_an_app_that_stops_hands_the_lease_on(make_settings: Callable[..., Settings]) -> None:
    settings = make_settings(sweep_interval=3600)
    async with open_api(settings) as first:
        assert leading(first.ctx)  # holds the lease (its start-up recovery may have taken it)
    second = create_app(settings).state.ctx
    try:
        assert leading(second)  # at once, not a lease-length later
    finally:
        second.meta.close()


async def test_the_link_secret_is_shared_through_the_database(
    make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    async with open_api(settings) as a, open_api(settings) as b:
        assert len(a.ctx.secret) == 64 and a.ctx.secret == b.ctx.secret
    assert not (Path(settings.data_dir) / "link.secret").exists()
    async with open_api(settings) as c:
        assert c.ctx.secret == a.ctx.secret  # survives a restart
    async with open_api(make_settings(link_secret="configured")) as d:
        assert d.ctx.secret == "configured"


async def test_a_secret_kept_in_the_data_dir_moves_into_the_database(
    make_settings: Callable[..., Settings]
) -> None:
    settings = make_settings()
    legacy = Path(settings.data_dir) / "link.secret"
    legacy.parent.mkdir(parents=True, exist_ok=True)
    legacy.write_text("ab" * 32 + "\n")
    async with open_api(settings) as a:
        assert a.ctx.secret == "ab" * 32  # links signed before the upgrade stay valid
    legacy.unlink()
    async with open_api(settings) as b:
        assert b.ctx.secret == "ab" * 32  # now from the database alone
