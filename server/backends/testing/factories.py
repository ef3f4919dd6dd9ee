"""Records for storage tests, and a way to race calls: one place, used by every conformance suite
and the server's tests."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from ..meta import MetaStore
from ..records import ImageRecord, TemplateRecord

NOW = 1_800_000_000.0
T = TypeVar("T")


def image_record(account_id: int | None, **fields: Any) -> ImageRecord:
    """An image row as an upload would write it (a 10x20 JPEG of 100 bytes), fields overridden."""
    base: dict[str, Any] = dict(id=0, unique_id="", account_id=account_id, blob_key="originals/t/a.jpg",
                                media_type="image/jpeg", ext="jpg", width=10, height=20, size=100,
                                created_at=NOW, updated_at=NOW)
    return ImageRecord(**{**base, **fields})


def new_image(meta: MetaStore, account_id: int, **fields: Any) -> ImageRecord:
    """`image_record` inserted; the store assigns `id` (and `unique_id` when empty)."""
    created = meta.images.create(image_record(account_id, **fields))
    assert created is not None
    return created


def template_record(account_id: int | None, **fields: Any) -> TemplateRecord:
    return TemplateRecord(id=str(uuid.uuid4()), account_id=account_id, name="T", description="",
                          json_data={"canvas": {"width": 1, "height": 1}}, **fields)


def concurrently(call: Callable[[], T], times: int) -> list[T]:
    """`call` made `times` times at once, one thread each, all released together by a barrier:
    what a store's atomic check-and-write must survive. Results in completion order."""
    barrier = threading.Barrier(times)
    results: list[T] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        outcome = call()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
