"""The conformance suite every `MetaStore` implementation must pass.

Subclass `MetaStoreContract` in a test module and give it a `meta` fixture that yields a fresh,
empty store (closed afterwards); pytest then runs every check against it:

    class TestMyStore(MetaStoreContract):
        @pytest.fixture
        def meta(self) -> Iterator[MetaStore]:
            store = MyStore(...)
            yield store
            store.close()

Needs pytest and hypothesis (the `test` extra).
"""

from __future__ import annotations

import hashlib
import random
import threading
import time
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..meta import MetaStore
from ..records import ApiKey, Claim, ClaimRefused, Conflict, ResultRecord
from .factories import NOW, concurrently, image_record, new_image, template_record


class MetaStoreContract:

    def test_accounts(self, meta: MetaStore) -> None:
        a = meta.accounts.create("a@example.com", name="A", plan="pro")
        assert meta.accounts.get(a.id) == a
        assert meta.accounts.by_email("a@example.com") == a
        assert a.plan == "pro" and len(a.team_hash) == 16 and a.embed_key and a.render_secret
        b = meta.accounts.create("b@example.com")
        assert b.team_hash != a.team_hash and b.embed_key != a.embed_key
        assert meta.accounts.set_plan(a.id, "agency").plan == "agency"  # type: ignore[union-attr]
        assert meta.accounts.set_host_allowlist(a.id, ["x.io"]).host_allowlist == ("x.io",)  # type: ignore[union-attr]
        assert meta.accounts.get(999) is None

    def test_keys_hashed_and_manageable(self, meta: MetaStore) -> None:
        a = meta.accounts.create("k@example.com")
        digest = hashlib.sha256(b"pk_test_secret").hexdigest()
        added = meta.keys.add(ApiKey(id="key_test", account_id=a.id, prefix="pk_test", key_hash=digest,
                                     name="ci", role="contributor", abilities=("read",),
                                     active=True, created_at=1.0))
        key = meta.keys.by_hash(digest)
        assert key is not None and key == added and key.role == "contributor"
        assert meta.keys.by_hash(hashlib.sha256(b"other").hexdigest()) is None
        assert meta.keys.count(a.id) == 1
        assert [k.id for k in meta.keys.list(a.id)] == [key.id]
        assert meta.keys.set_active(key.id, False)
        assert meta.keys.get(key.id).active is False  # type: ignore[union-attr]
        meta.keys.touch(key.id, 123.0)
        assert meta.keys.get(key.id).last_used_at == 123.0  # type: ignore[union-attr]
        assert meta.keys.delete(key.id) and not meta.keys.delete(key.id)
        assert meta.keys.set_active("key_missing", True) is False

    def test_templates_crud_and_version(self, meta: MetaStore) -> None:
        a = meta.accounts.create("t@example.com")
        t = meta.templates.create(template_record(a.id, public=True))
        assert t.version == 1 and t.public and t.created_at > 0
        assert meta.templates.get(t.id) == t
        u = meta.templates.update(t.id, {"name": "U", "json_data": {"x": [1, 2]}, "public": False})
        assert u is not None and (u.name, u.json_data, u.public, u.version) == ("U", {"x": [1, 2]}, False, 2)
        assert meta.templates.update(t.id, {"preview_url": None}).version == 3  # type: ignore[union-attr]
        assert meta.templates.update(str(uuid.uuid4()), {"name": "x"}) is None
        with pytest.raises(ValueError):
            meta.templates.update(t.id, {"version": 1})
        assert meta.templates.delete(t.id) and meta.templates.get(t.id) is None

    def test_templates_listing(self, meta: MetaStore) -> None:
        a = meta.accounts.create("l@example.com")
        b = meta.accounts.create("m@example.com")
        mine = [meta.templates.create(template_record(a.id)) for _ in range(5)]
        meta.templates.create(template_record(b.id, public=True))
        meta.templates.create(template_record(None, public=True))
        page = meta.templates.list(a.id, offset=2, limit=2)
        assert page.total == 5 and [t.id for t in page.items] == [t.id for t in mine[2:4]]
        assert meta.templates.count(a.id) == 5
        assert len(meta.templates.list_public()) == 2

    def test_results(self, meta: MetaStore) -> None:
        r = ResultRecord(key="abc", blob_key="renders/ab/abc.png", media_type="image/png", size=3,
                         created_at=time.time())
        meta.results.put(r)
        assert meta.results.get("abc") == r
        assert meta.results.get("nope") is None
        derived = [ResultRecord(key=f"v{i}", blob_key=f"renders/v{i}.webp", media_type="image/webp",
                                size=1, template_id="image:7", created_at=1.0) for i in range(3)]
        for record in derived:
            meta.results.put(record)
        assert sorted(meta.results.derived_from("image:7"), key=lambda x: x.key) == derived
        assert meta.results.derived_from("image:8") == []
        assert meta.results.delete("v0") and not meta.results.delete("v0")
        assert [x.key for x in meta.results.derived_from("image:7")] == ["v1", "v2"]

    def test_claims_commit_with_the_row_or_not_at_all(self, meta: MetaStore) -> None:
        a = meta.accounts.create("a@example.com")
        limits = (Claim("uploads", "2026-05", 1, 2), Claim("bytes", "all", 100, 250))
        assert meta.images.create(image_record(a.id), claims=limits) is not None
        assert meta.images.create(image_record(a.id), claims=limits) is not None
        with pytest.raises(ClaimRefused) as refused:
            meta.images.create(image_record(a.id), claims=(Claim("uploads", "2026-05", 1, 5),
                                                     Claim("bytes", "all", 100, 250)))
        assert refused.value.claim.metric == "bytes"
        # The refused insert spent nothing, not even on the claim that did fit.
        assert meta.images.count(a.id, now=0) == 2
        assert meta.counters.usage.get(a.id, "uploads", "2026-05") == 2
        assert meta.counters.usage.get(a.id, "bytes", "all") == 200
        # Without a limit a claim just counts.
        meta.images.create(image_record(a.id, size=7), claims=(Claim("bytes", "all", 7),))
        assert meta.counters.usage.get(a.id, "bytes", "all") == 207

    def test_claims_with_rows_hold_under_concurrency(self, meta: MetaStore) -> None:
        a = meta.accounts.create("c@example.com")

        def create() -> bool:
            try:
                meta.images.create(image_record(a.id), claims=(Claim("uploads", "m", 1, 10),))
            except ClaimRefused:
                return False
            return True

        outcomes = concurrently(create, 60)
        assert outcomes.count(True) == 10
        assert meta.images.count(a.id, now=0) == 10 == meta.counters.usage.get(a.id, "uploads", "m")

    def test_recount_bytes_sets_ledgers_to_the_rows(self, meta: MetaStore) -> None:
        a, b, c = (meta.accounts.create(f"{n}@example.com") for n in "abc")
        meta.images.create(image_record(a.id, size=300))
        gone = meta.images.create(image_record(a.id, size=50))
        assert gone is not None
        meta.images.soft_delete(gone.id, now=NOW)
        meta.images.create(image_record(b.id, size=40))
        meta.counters.usage.add(a.id, "bytes", "all", 999)  # ahead, as after a crash
        meta.counters.usage.add(c.id, "bytes", "all", 5)  # an account with no images at all
        meta.counters.usage.add(b.id, "bytes", "all", 40)  # already right
        assert meta.images.recount_bytes("bytes", "all") == 2
        assert [meta.counters.usage.get(x.id, "bytes", "all") for x in (a, b, c)] == [300, 40, 0]
        assert meta.images.recount_bytes("bytes", "all") == 0

    def test_has_blob_sees_every_row(self, meta: MetaStore) -> None:
        a = meta.accounts.create("h@example.com")
        image = meta.images.create(image_record(a.id, blob_key="images/t/x.png"))
        assert image is not None
        meta.images.soft_delete(image.id, now=NOW)
        assert meta.images.has_blob("images/t/x.png")  # deleted but not purged: still named
        assert not meta.images.has_blob("images/t/y.png")
        meta.images.purge(image.id)
        assert not meta.images.has_blob("images/t/x.png")

    def test_create_get_by_id_and_unique_id(self, meta: MetaStore) -> None:
        account = meta.accounts.create("a@example.com")
        image = new_image(meta, account.id, title="Hello", tags=("a", "b"),
                          hotspots=({"x": 1, "y": 2},), metadata={"k": "v"})
        assert image.id > 0 and len(image.unique_id) == 8 and image.unique_id.isalnum()
        assert meta.images.get(image.id) == image
        assert meta.images.get(str(image.id)) == image
        assert meta.images.get(image.unique_id) == image
        assert image.tags == ("a", "b") and image.hotspots == ({"x": 1, "y": 2},)
        assert image.metadata == {"k": "v"} and image.version == 1

    def test_update_bumps_version_and_replaces_tags(self, meta: MetaStore) -> None:
        account = meta.accounts.create("a@example.com")
        image = new_image(meta, account.id, tags=("a",))
        updated = meta.images.update(image.id, {"title": "New", "tags": ("b", "c")}, now=NOW + 5)
        assert updated is not None and updated.title == "New" and updated.version == 2
        assert updated.updated_at == NOW + 5
        page = meta.images.list(account.id, now=NOW, tags=("a",))
        assert page.items == []
        assert [i.id for i in meta.images.list(account.id, now=NOW, tags=("b",)).items] == [image.id]
        with pytest.raises(ValueError):
            meta.images.update(image.id, {"id": 5}, now=NOW)

    def test_tag_modes_namespaces_and_totals(self, meta: MetaStore) -> None:
        account = meta.accounts.create("a@example.com")
        both = new_image(meta, account.id, tags=("red", "big"), namespace="shop", size=10)
        red = new_image(meta, account.id, tags=("red",), namespace="shop", size=20)
        new_image(meta, account.id, tags=("blue",), namespace="blog", size=30)
        ids = lambda **kw: [i.id for i in meta.images.list(account.id, now=NOW, **kw).items]  # noqa: E731
        assert ids(tags=("red", "big")) == [both.id]
        assert ids(tags=("red", "big"), tag_mode="any") == [red.id, both.id]
        assert ids(namespace="shop") == [red.id, both.id]
        assert meta.images.namespaces(account.id, now=NOW) == [("blog", 1), ("shop", 2)]
        assert meta.images.count(account.id, now=NOW) == 3
        assert meta.images.total_bytes(account.id, now=NOW) == 60

    def test_deleted_and_expired_images_leave_lists_and_are_due_for_removal(self, meta: MetaStore) -> None:
        account = meta.accounts.create("a@example.com")
        gone = new_image(meta, account.id)
        expiring = new_image(meta, account.id, expires_at=NOW + 60)
        kept = new_image(meta, account.id)
        assert meta.images.soft_delete(gone.id, now=NOW)
        assert not meta.images.soft_delete(gone.id, now=NOW)
        assert meta.images.get(gone.id) is None
        assert meta.images.get(gone.id, include_deleted=True) is not None
        assert [i.id for i in meta.images.list(account.id, now=NOW).items] == [kept.id, expiring.id]
        assert [i.id for i in meta.images.list(account.id, now=NOW + 61).items] == [kept.id]
        assert not expiring.available(NOW + 61) and expiring.available(NOW)
        due = {i.id for i in meta.images.due_for_removal(now=NOW + 61)}
        assert due == {gone.id, expiring.id}
        assert meta.images.purge(gone.id) and meta.images.get(gone.id, include_deleted=True) is None

    def test_external_ids_are_unique_per_account_among_live_images(self, meta: MetaStore) -> None:
        account = meta.accounts.create("a@example.com")
        first = new_image(meta, account.id, external_id="sku-1")
        assert meta.images.by_external_id(account.id, "sku-1") == first
        with pytest.raises(Conflict):  # the backend's own exception: a PostgreSQL one raises it too
            new_image(meta, account.id, external_id="sku-1")
        meta.images.soft_delete(first.id, now=NOW)
        assert new_image(meta, account.id, external_id="sku-1").external_id == "sku-1"

    @settings(max_examples=15, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(seed=st.integers(0, 10_000), page=st.integers(1, 7))
    def test_cursor_walk_sees_every_live_image_once_despite_changes(self, meta: MetaStore, seed: int,
                                                                    page: int) -> None:
        rng = random.Random(seed)
        account = meta.accounts.create(f"walk{seed}-{page}-{rng.random()}@example.com")
        existing = [new_image(meta, account.id).id for _ in range(20)]
        seen: list[int] = []
        deleted: set[int] = set()
        cursor: int | None = None
        while True:
            result = meta.images.list(account.id, now=NOW, before_id=cursor, limit=page)
            seen.extend(i.id for i in result.items)
            if not result.has_more:
                break
            cursor = result.items[-1].id
            new_image(meta, account.id)  # inserted while walking: newer than the cursor, not seen
            victim = rng.choice(existing)
            if victim not in seen and meta.images.soft_delete(victim, now=NOW):
                deleted.add(victim)
        assert len(seen) == len(set(seen))
        assert set(seen) == set(existing) - deleted

    def test_a_given_unique_id_that_is_taken_is_a_conflict(self, meta: MetaStore) -> None:
        """Callers draw the id when the blob key needs it first; a clash is `Conflict`, never a
        driver's integrity error, and writes nothing."""
        account = meta.accounts.create("c@example.com")
        first = new_image(meta, account.id)
        with pytest.raises(Conflict):
            new_image(meta, account.id, unique_id=first.unique_id)
        assert meta.images.count(account.id, now=0) == 1

    def test_verify_lifts_only_retention_expiries(self, meta: MetaStore) -> None:
        now = time.time()
        account = meta.accounts.create("a@example.com")
        kept = new_image(meta, account.id, expires_at=now + 100)
        ttl = new_image(meta, account.id, expires_at=now + 50)
        meta.hosting.mark_retention(kept.id)
        assert not meta.hosting.is_verified(account.id)
        meta.hosting.add_verification("h1", account.id, now=now, expires_at=now + 10)
        assert meta.hosting.verify("nope", now=now) is None
        assert meta.hosting.verify("h1", now=now + 20) is None  # expired
        meta.hosting.add_verification("h2", account.id, now=now, expires_at=now + 10)
        assert meta.hosting.verify("h2", now=now) == account.id
        assert meta.hosting.is_verified(account.id)
        assert meta.images.get(kept.id).expires_at is None  # type: ignore[union-attr]
        assert meta.images.get(ttl.id).expires_at == now + 50  # type: ignore[union-attr]

    def test_namespace_usage(self, meta: MetaStore) -> None:
        now = time.time()
        account = meta.accounts.create("b@example.com")
        new_image(meta, account.id, namespace="a", size=5)
        new_image(meta, account.id, namespace="a", size=7)
        gone = new_image(meta, account.id, namespace="b", size=1)
        meta.images.soft_delete(gone.id, now=now)
        new_image(meta, account.id, namespace="c", size=1, expires_at=now - 1)
        assert meta.hosting.namespace_usage(account.id, now=now) == [("a", 2, 12)]

    # -- jobs ------------------------------------------------------------------------------------

    def test_jobs_queue_with_a_cap_per_account(self, meta: MetaStore) -> None:
        a, b = (meta.accounts.create(f"{n}@example.com") for n in "jk")
        first = meta.jobs.enqueue(a.id, "image", {"prompt": "x"}, max_open=2, now=NOW)
        assert first is not None and first.status == "queued" and first.input == {"prompt": "x"}
        assert meta.jobs.enqueue(a.id, "image", {}, max_open=2, now=NOW) is not None
        assert meta.jobs.enqueue(a.id, "image", {}, max_open=2, now=NOW) is None
        assert meta.jobs.enqueue(b.id, "article", {}, max_open=2, now=NOW) is not None
        assert meta.jobs.count_open(a.id) == 2 and meta.jobs.get(first.id) == first
        assert meta.jobs.get(10**9) is None

    def test_a_job_is_leased_to_one_worker_and_resumed_after_its_lease_expires(
            self, meta: MetaStore) -> None:
        a = meta.accounts.create("l@example.com")
        job = meta.jobs.enqueue(a.id, "image", {}, max_open=5, now=NOW)
        assert job is not None
        mine = meta.jobs.claim("w1", now=NOW, lease_seconds=30, max_attempts=3)
        assert mine is not None and mine.id == job.id and mine.status == "running"
        assert mine.lease_owner == "w1" and mine.attempts == 1
        assert meta.jobs.claim("w2", now=NOW + 10, lease_seconds=30, max_attempts=3) is None
        assert meta.jobs.save_state(job.id, "w1", {"expand": {"prompt": "p"}}, now=NOW + 1)
        assert not meta.jobs.save_state(job.id, "w2", {}, now=NOW + 1)
        assert meta.jobs.renew(job.id, "w1", until=NOW + 60) and not meta.jobs.renew(job.id, "w2", until=NOW + 90)
        # w1 dies: once its lease is over, w2 takes the job with its state.
        assert meta.jobs.claim("w2", now=NOW + 59, lease_seconds=30, max_attempts=3) is None
        taken = meta.jobs.claim("w2", now=NOW + 61, lease_seconds=30, max_attempts=3)
        assert taken is not None and taken.lease_owner == "w2" and taken.attempts == 2
        assert taken.state == {"expand": {"prompt": "p"}}
        assert not meta.jobs.finish(job.id, "w1", status="completed", now=NOW + 62)
        assert meta.jobs.finish(job.id, "w2", status="completed", now=NOW + 62, results=[{"a": 1}])
        done = meta.jobs.get(job.id)
        assert done is not None and done.status == "completed" and done.results == [{"a": 1}]
        assert done.lease_owner is None and meta.jobs.count_open(a.id) == 0
        assert meta.jobs.claim("w3", now=NOW + 999, lease_seconds=30, max_attempts=3) is None
        with pytest.raises(ValueError):
            meta.jobs.finish(job.id, "w2", status="running", now=NOW)

    def test_a_job_that_keeps_losing_its_worker_fails(self, meta: MetaStore) -> None:
        a = meta.accounts.create("m@example.com")
        job = meta.jobs.enqueue(a.id, "image", {}, max_open=5, now=NOW)
        assert job is not None
        for attempt in range(2):
            assert meta.jobs.claim(f"w{attempt}", now=NOW + attempt * 100, lease_seconds=30,
                                   max_attempts=2) is not None
        assert meta.jobs.claim("w9", now=NOW + 500, lease_seconds=30, max_attempts=2) is None
        failed = meta.jobs.get(job.id)
        assert failed is not None and failed.status == "failed" and "2 attempts" in (failed.error or "")

    def test_concurrent_workers_never_share_a_job(self, meta: MetaStore) -> None:
        a = meta.accounts.create("n@example.com")
        for _ in range(5):
            meta.jobs.enqueue(a.id, "image", {}, max_open=50, now=NOW)
        taken = concurrently(lambda: meta.jobs.claim(f"w{threading.get_ident()}", now=NOW,
                                                    lease_seconds=30, max_attempts=3), 20)
        ids = [job.id for job in taken if job is not None]
        assert len(ids) == 5 == len(set(ids))

    def test_a_phase_is_charged_once(self, meta: MetaStore) -> None:
        a = meta.accounts.create("o@example.com")
        job = meta.jobs.enqueue(a.id, "image", {}, max_open=5, now=NOW)
        assert job is not None
        credits = Claim("ai_credits", "2026-05", 10, 12)
        assert meta.jobs.charge(job.id, "generate", a.id, credits, spend=True)
        assert not meta.jobs.charge(job.id, "generate", a.id, credits, spend=True)  # a resumed job
        assert meta.counters.usage.get(a.id, "ai_credits", "2026-05") == 10
        with pytest.raises(ClaimRefused):
            meta.jobs.charge(job.id, "hotspots", a.id, Claim("ai_credits", "2026-05", 3, 12), spend=True)
        assert meta.jobs.charge(job.id, "hotspots", a.id, Claim("ai_credits", "2026-05", 2, 12), spend=True)
        assert meta.jobs.uncharge(job.id, "hotspots", release=True) == Claim("ai_credits", "2026-05", 2)
        assert meta.jobs.uncharge(job.id, "hotspots", release=True) is None
        assert meta.counters.usage.get(a.id, "ai_credits", "2026-05") == 10
        # Counters kept elsewhere: the charge is recorded here, spent by the caller there.
        assert meta.jobs.charge(job.id, "expand", a.id, Claim("ai_credits", "2026-05", 1), spend=False)
        assert meta.counters.usage.get(a.id, "ai_credits", "2026-05") == 10
        assert meta.jobs.uncharge(job.id, "expand", release=False) == Claim("ai_credits", "2026-05", 1)

    def test_wait_for_work_hears_a_job_queued_elsewhere(self, meta: MetaStore) -> None:
        a = meta.accounts.create("w@example.com")
        if not meta.jobs.notifies:
            assert meta.jobs.wait_for_work(30.0) is False  # at once: its workers poll
            return
        assert meta.jobs.wait_for_work(0.01) is False  # listening from now on
        heard: list[bool] = []
        waiter = threading.Thread(target=lambda: heard.append(meta.jobs.wait_for_work(20.0)))
        waiter.start()
        meta.jobs.enqueue(a.id, "image", {}, max_open=5, now=NOW)
        waiter.join(25)
        assert heard == [True]
