"""What only a shared PostgreSQL database has to show: two stores with pools of their own (as two
server processes would have) racing on the same rows stay exact, several processes opening a new
database migrate it once, and a server that cannot be reached is `StoreUnavailable`, never a
driver error."""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from pinrender_server.backends import (
    Claim,
    ClaimRefused,
    MetaStore,
    OrgToken,
    StoreUnavailable,
    open_counter_store,
    open_meta_store,
)
from pinrender_server.backends.testing.factories import NOW, concurrently, image_record
from tests.server.backends import pg

T = TypeVar("T")


@pytest.fixture
def url() -> Iterator[str]:
    with pg.fresh_database() as found:
        yield found


@pytest.fixture
def pair(url: str) -> Iterator[tuple[MetaStore, MetaStore]]:
    first, second = open_meta_store(url), open_meta_store(url)
    yield first, second
    first.close()
    second.close()


def alternating(stores: tuple[MetaStore, MetaStore], call: Callable[[MetaStore], T]) -> Callable[[], T]:
    """`call` on one store, then the other: racing calls come through both pools."""
    turns = itertools.cycle(stores)
    lock = threading.Lock()

    def run() -> T:
        with lock:
            store = next(turns)
        return call(store)

    return run


def test_claims_with_rows_and_the_image_cap_hold_across_two_stores(
        pair: tuple[MetaStore, MetaStore]) -> None:
    one, two = pair
    account = one.accounts.create("race@example.com")

    def create(store: MetaStore) -> bool:
        try:
            made = store.images.create(image_record(account.id), max_live=12, now=NOW,
                                       claims=(Claim("uploads", "m", 1, 10),))
        except ClaimRefused:
            return False
        return made is not None

    assert concurrently(alternating(pair, create), 40).count(True) == 10
    assert two.images.count(account.id, now=0) == 10 == one.counters.usage.get(account.id, "uploads", "m")

    def capped(store: MetaStore) -> bool:
        return store.images.create(image_record(account.id), max_live=15, now=NOW) is not None

    assert concurrently(alternating(pair, capped), 30).count(True) == 5
    assert one.images.count(account.id, now=NOW) == 15


def test_rolling_window_hits_are_exact_across_two_stores(pair: tuple[MetaStore, MetaStore]) -> None:
    hits = concurrently(alternating(pair, lambda s: s.counters.ratelimits.hit("key:k", 7, 3600, NOW)), 40)
    assert [h.allowed for h in hits].count(True) == 7
    assert pair[1].counters.ratelimits.usage("key:k", 3600, NOW) == 7
    wins = concurrently(alternating(pair, lambda s: s.counters.usage.claim(1, "renders", "p", 3, 20)), 30)
    assert wins.count(True) == 6 and pair[0].counters.usage.get(1, "renders", "p") == 18


def test_job_claims_never_share_a_job_and_the_open_cap_holds_across_two_stores(
        pair: tuple[MetaStore, MetaStore]) -> None:
    one, _ = pair
    account = one.accounts.create("jobs@example.com")
    made = concurrently(alternating(pair, lambda s: s.jobs.enqueue(account.id, "image", {}, max_open=6,
                                                                  now=NOW)), 20)
    assert len([job for job in made if job is not None]) == 6
    taken = concurrently(alternating(pair, lambda s: s.jobs.claim(f"w{threading.get_ident()}", now=NOW,
                                                                 lease_seconds=30, max_attempts=3)), 16)
    ids = [job.id for job in taken if job is not None]
    assert len(ids) == 6 == len(set(ids))


def test_the_token_cap_holds_across_two_stores(pair: tuple[MetaStore, MetaStore]) -> None:
    one, two = pair
    org = one.accounts.create("org@example.com")
    serial = itertools.count()

    def create(store: MetaStore) -> bool:
        n = next(serial)
        token = OrgToken(id=f"tok_{n}", org_id=org.id, name=f"t{n}", prefix="p", token_hash=f"h{n}",
                         created_at=time.time())
        return store.org_tokens.create(token, max_per_org=10) is not None

    assert concurrently(alternating(pair, create), 30).count(True) == 10
    assert len(two.org_tokens.list(org.id)) == 10


def test_migrations_run_once_when_four_processes_open_a_new_database(url: str) -> None:
    from pinrender_server.backends.postgres.schema import MIGRATIONS

    stores = concurrently(lambda: open_meta_store(url), 4)
    try:
        for n, store in enumerate(stores):
            store.accounts.create(f"{n}@example.com")
        import psycopg

        with psycopg.connect(url) as conn:
            versions = [row[0] for row in conn.execute("SELECT version FROM schema_version ORDER BY version")]
        assert versions == list(range(1, len(MIGRATIONS) + 1))
    finally:
        for store in stores:
            store.close()
    # Opened again, a migrated database is left as it is.
    open_meta_store(url).close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_server_that_cannot_be_reached_is_store_unavailable() -> None:
    pg.require()
    down = f"postgresql://postgres@127.0.0.1:{free_port()}/none?connect_timeout=1&pool_timeout=0.5"
    with pytest.raises(StoreUnavailable) as raised:
        open_meta_store(down)
    assert "PostgreSQL unavailable" in str(raised.value)
    with pytest.raises(StoreUnavailable):
        open_counter_store(down, open_meta_store("memory://"))


def test_a_dropped_connection_is_retried_for_reads_and_unavailable_for_writes(url: str) -> None:
    import psycopg

    store = open_meta_store(url + "?pool_min=1&pool_max=1")
    try:
        account = store.accounts.create("drop@example.com")

        def drop_connections() -> None:
            with psycopg.connect(pg.admin_url(), autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                              " WHERE datname = %s AND pid <> pg_backend_pid()", (url.rsplit("/", 1)[1],))

        drop_connections()
        assert store.accounts.get(account.id) == account  # read again on a new connection
        drop_connections()
        with pytest.raises(StoreUnavailable):
            store.counters.usage.add(account.id, "renders", "p")  # it may or may not have run
        assert store.counters.usage.add(account.id, "renders", "p") >= 1  # the pool recovered
    finally:
        store.close()


def test_both_url_schemes_and_the_pool_settings_in_the_query(url: str) -> None:
    short = url.replace("postgresql://", "postgres://", 1) + "?pool_max=2&pool_timeout=3&application_name=pr"
    store = open_meta_store(short)
    try:
        pool = store.db.pool  # type: ignore[attr-defined]
        assert (pool.max_size, pool.timeout) == (2, 3.0)
        with pool.connection() as conn:
            assert conn.execute("SHOW application_name").fetchone()["application_name"] == "pr"
    finally:
        store.close()
    with pytest.raises(ValueError, match="pool_max must be a number"):
        open_meta_store(url + "?pool_max=many")


def test_without_psycopg_a_postgresql_url_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    import pinrender_server.backends as backends

    monkeypatch.setitem(sys.modules, "psycopg", None)  # what an install without the extra has
    for name in [m for m in sys.modules if m.startswith("pinrender_server.backends.postgres")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.delattr(backends, "postgres", raising=False)
    with pytest.raises(RuntimeError, match=r"pip install 'pinrender\[postgres\]'"):
        open_meta_store("postgresql://postgres@127.0.0.1/x")


def test_while_the_database_refuses_connections_callers_stop_waiting_until_it_is_back(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]

    def database(allow: bool) -> None:
        with psycopg.connect(pg.admin_url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allow).lower()}')
            if not allow:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                              (name,))

    store = open_meta_store(url + "?pool_timeout=60")
    db = store.db  # type: ignore[attr-defined]
    try:
        account = store.accounts.create("down@example.com")
        database(allow=False)
        try:
            for _ in range(3):  # the first finds its connection dropped; then no new one is made
                with pytest.raises(StoreUnavailable):
                    store.accounts.get(account.id)
                assert db.failing  # so the next caller waits FAIL_FAST, not the pool's 60 s
        finally:
            database(allow=True)
        for _ in range(600):  # the pool reconnects by itself, backing off between attempts
            try:
                assert store.accounts.get(account.id) == account
                break
            except StoreUnavailable:
                continue
        assert not db.failing
    finally:
        store.close()
