"""Background jobs that survive a crash: the job row is the source of truth, a worker runs a job
only while it holds its lease, and each phase records its result and its charge.

    runner = JobRunner(meta, counters, holder, {"image": run_image}, settings.jobs)
    async with anyio.create_task_group() as tg:
        tg.start_soon(runner.run)          # `workers` loops claiming jobs until cancelled

A handler is `async (job: Job) -> results`; it does its work in phases:

    prompt = await job.phase("expand", expand, cost=credits_claim)

A phase whose result is in the job's state is not run again (the job resumed after its worker
died); a phase's cost is charged once per job whatever happens (`JobRepo.charge`), and given back
when the phase fails. Raise `JobFailed` with a message for the user to end the job as failed.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio
import anyio.to_thread

from ..backends import Claim, ClaimRefused, CounterStore, JobRecord, MetaStore, StoreUnavailable
from ..settings import JobSettings
from . import ledger, metrics

log = logging.getLogger("pinrender.jobs")
T = TypeVar("T")
Results = list[dict[str, Any]]
Handler = Callable[["Job"], Awaitable[Results]]


class JobFailed(Exception):
    """End the job as failed; the message is what its owner reads."""


class LeaseLost(Exception):
    """Another worker has the job now (this one stalled past its lease): stop, write nothing."""


@dataclass
class Job:
    """A leased job as its handler sees it."""

    record: JobRecord
    meta: MetaStore
    counters: CounterStore
    holder: str
    phase_timeout: float
    state: dict[str, Any] = field(default_factory=dict)
    # Store calls on a worker thread (networked stores: see AppContext.io), else in place.
    offload: bool = False

    async def call(self, fn: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(fn) if self.offload else fn()

    @property
    def id(self) -> int:
        return self.record.id

    @property
    def input(self) -> dict[str, Any]:
        return self.record.input

    async def phase(self, name: str, work: Callable[[], Awaitable[T]], *,
                    cost: Claim | None = None) -> T:
        """`work`'s result, run at most once per job to completion: JSON-serialisable, stored in
        the job's state before the next phase starts."""
        if name in self.state:
            done: T = self.state[name]
            return done
        if cost is not None and cost.amount > 0:
            await self.call(functools.partial(self._charge, name, cost))
        try:
            with anyio.fail_after(self.phase_timeout):
                result = await work()
        except TimeoutError:
            await self.call(functools.partial(self._uncharge, name, cost))
            raise JobFailed(f"{name} took longer than {self.phase_timeout:g} s") from None
        except BaseException:
            # Failed or cancelled work gives its credits back; a resumed job charges again.
            with anyio.CancelScope(shield=True):
                await self.call(functools.partial(self._uncharge, name, cost))
            raise
        self.state[name] = result
        saved = await self.call(functools.partial(self.meta.jobs.save_state, self.id, self.holder,
                                                  self.state, now=time.time()))
        if not saved:
            raise LeaseLost()
        return result

    def _charge(self, name: str, cost: Claim) -> None:
        account = self.record.account_id
        here = self.counters is self.meta.counters
        try:
            recorded = self.meta.jobs.charge(self.id, name, account, cost, spend=here)
        except ClaimRefused:
            raise self.refused(cost) from None
        if recorded and not here:
            assert cost.limit is not None
            if not self.counters.usage.claim(account, cost.metric, cost.period, cost.amount,
                                             cost.limit):
                self.meta.jobs.uncharge(self.id, name, release=False)
                raise self.refused(cost)
        if recorded and cost.metric == ledger.AI_CREDITS:
            metrics.CREDITS_CLAIMED.inc(cost.amount)

    def _uncharge(self, name: str, cost: Claim | None) -> None:
        if cost is None or cost.amount <= 0:
            return
        here = self.counters is self.meta.counters
        removed = self.meta.jobs.uncharge(self.id, name, release=here)
        if removed is not None and removed.metric == ledger.AI_CREDITS:
            metrics.CREDITS_REFUNDED.inc(removed.amount)
        if removed is not None and not here:
            self.counters.usage.release(self.record.account_id, removed.metric, removed.period,
                                        removed.amount)

    def refused(self, cost: Claim) -> JobFailed:
        used = self.counters.usage.get(self.record.account_id, cost.metric, cost.period)
        left = max(0, (cost.limit or 0) - used)
        return JobFailed(f"Not enough monthly AI credits: the next step costs {cost.amount}, "
                         f"{left} left this month")


class JobRunner:
    def __init__(self, meta: MetaStore, counters: CounterStore, holder: str,
                 handlers: Mapping[str, Handler], settings: JobSettings, *,
                 offload: bool = False) -> None:
        self.offload = offload
        self.meta = meta
        self.counters = counters
        self.holder = holder
        self.handlers = dict(handlers)
        self.settings = settings
        self._wake = anyio.Event()

    async def _call(self, fn: Callable[[], T]) -> T:
        return await anyio.to_thread.run_sync(fn) if self.offload else fn()

    def wake(self) -> None:
        """A job was queued in this process: idle workers look now, not at their next poll."""
        self._wake.set()

    async def run(self) -> None:
        """Run `settings.workers` worker loops until cancelled."""
        async with anyio.create_task_group() as tg:
            if self.meta.jobs.notifies:
                tg.start_soon(self._listen)
            for _ in range(self.settings.workers):
                tg.start_soon(self._worker)

    async def _listen(self) -> None:
        """Wake the workers when another process queues a job (PostgreSQL's LISTEN/NOTIFY), so a
        job starts at once wherever it was queued; the poll stays as the fallback."""
        while True:
            heard = await anyio.to_thread.run_sync(self.meta.jobs.wait_for_work, 1.0,
                                                   abandon_on_cancel=True)
            if heard:
                self.wake()

    async def _worker(self) -> None:
        while True:
            try:
                record = await self._call(functools.partial(
                    self.meta.jobs.claim, self.holder, now=time.time(),
                    lease_seconds=self.settings.lease_seconds,
                    max_attempts=self.settings.max_attempts))
            except StoreUnavailable as exc:
                # The database is away: keep polling; the jobs wait in it, leased or not.
                log.warning("job workers: %s", exc)
                await anyio.sleep(self.settings.poll_seconds)
                continue
            if record is None:
                await self._idle()
                continue
            await self.run_one(record)

    async def _idle(self) -> None:
        with anyio.move_on_after(self.settings.poll_seconds):
            await self._wake.wait()
        if self._wake.is_set():
            self._wake = anyio.Event()

    async def run_one(self, record: JobRecord) -> None:
        """Run one leased job to its end (or until the lease is lost), renewing the lease."""
        job = Job(record, self.meta, self.counters, self.holder, self.settings.phase_timeout,
                  dict(record.state), self.offload)
        handler = self.handlers.get(record.kind)
        status: str = "failed"
        results: Results | None = None
        error: str | None = f"unknown job kind {record.kind!r}"
        lost = False
        if handler is not None:
            with anyio.CancelScope() as lease:  # cancelled by the heartbeat if the lease is lost
                async with anyio.create_task_group() as tg:
                    tg.start_soon(self._heartbeat, job, lease)
                    try:
                        results = await handler(job)
                        status, error = "completed", None
                    except JobFailed as exc:
                        error = str(exc)
                    except (LeaseLost, StoreUnavailable):
                        # Another worker has it, or the database went away mid-job: either way
                        # the job stays leased, and whoever claims it after the lease resumes it.
                        lost = True
                    except Exception as exc:
                        log.error("job %d (%s) failed", record.id, record.kind, exc_info=exc)
                        error = "internal error while running the job"
                    finally:
                        tg.cancel_scope.cancel()
            lost = lost or lease.cancelled_caught
        if lost:
            log.warning("job %d: stopped before its end; it resumes after its lease", record.id)
            return
        try:
            finished = await self._call(functools.partial(
                self.meta.jobs.finish, record.id, self.holder, status=status, now=time.time(),
                results=results, error=error))
        except StoreUnavailable as exc:
            log.warning("job %d: not recorded as %s (%s); it resumes after its lease",
                        record.id, status, exc)
            return
        if finished:
            metrics.JOBS_FINISHED.labels(record.kind, status).inc()
        else:
            log.warning("job %d: lease lost to another worker, which finishes it", record.id)

    async def _heartbeat(self, job: Job, scope: anyio.CancelScope) -> None:
        interval = max(0.2, self.settings.lease_seconds / 3)
        while True:
            await anyio.sleep(interval)
            until = time.time() + self.settings.lease_seconds
            try:
                held = await self._call(functools.partial(self.meta.jobs.renew, job.id,
                                                          self.holder, until=until))
            except StoreUnavailable:
                continue  # the next beat tries again; past the lease, another worker may take over
            if not held:
                scope.cancel()  # another worker has it: stop without writing anything
                return

