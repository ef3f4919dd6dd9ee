"""The seam between the event loop and networked stores (`AppContext.io`): with a store that waits
on the network, a slow store call holds only its own request; other requests are answered
meanwhile. With the embedded stores the call is made in place."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

import pytest

from pinrender_server.settings import Settings
from tests.server.conftest import auth, open_api

pytestmark = pytest.mark.anyio


async def test_a_slow_store_call_does_not_hold_other_requests(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        key = api.key()
        assert api.ctx.blocking is False  # SQLite: called in place
        api.ctx.blocking = True  # as with PostgreSQL or Redis
        lookup = api.ctx.meta.keys.by_hash
        released = threading.Event()
        entered = threading.Event()

        def slow_lookup(key_hash: str) -> Any:
            entered.set()
            released.wait(10)  # a database that takes its time
            return lookup(key_hash)

        api.ctx.meta.keys.by_hash = slow_lookup  # type: ignore[method-assign]
        account = asyncio.create_task(api.client.get("/api/account", headers=auth(key)))
        while not entered.is_set():
            await asyncio.sleep(0.01)
        health = await api.client.get("/healthz")  # answered while the lookup still waits
        assert health.status_code == 200 and not account.done()
        released.set()
        assert (await account).status_code == 200


async def test_embedded_stores_are_called_in_place(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        caller: list[str] = []

        def where() -> str:
            caller.append(threading.current_thread().name)
            return "ok"

        assert await api.ctx.io(where) == "ok"
        api.ctx.blocking = True
        assert await api.ctx.io(where) == "ok"
        assert caller[0] == threading.current_thread().name != caller[1]
