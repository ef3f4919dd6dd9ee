"""Batch rendering as a background job (`POST /api/generate/batch`): one template, many rows.

Each row is one job phase, rendered and stored like `/api/generate` (a fresh render claims one
from the monthly allowance through the ledger; a cached one is free), so a batch resumed after its
worker died continues at the first row without a result, and a row rendered just before the
crash is found in the result store rather than paid for again. A row's failure (a bad value, the
allowance spent) is that row's answer; the batch goes on.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import pinrender

from ..backends import Account, MetaStore, TemplateRecord
from ..settings import Settings
from .jobs import Job, JobFailed, Results
from .ledger import LimitReached
from .rendering.pool import Busy, Timeout
from .rendering.service import RenderService
from .stored_images import StoredImages

BATCH = "batch"


def row_phase(index: int) -> str:
    return f"row:{index}"


def rows_done(state: dict[str, Any]) -> int:
    """How many rows of a batch job have their answer (its progress)."""
    return sum(1 for name in state if name.startswith("row:"))


@dataclass
class BatchPipeline:
    meta: MetaStore
    render: RenderService
    settings: Settings

    def handlers(self) -> dict[str, Any]:
        return {BATCH: self.run}

    async def run(self, job: Job) -> Results:
        spec = job.input
        account = self.meta.accounts.get(job.record.account_id)
        record = self.meta.templates.get(spec["template_id"], with_data=False)
        if account is None:
            raise JobFailed("the account no longer exists")
        if record is None or (record.account_id != account.id and not record.public):
            raise JobFailed("the template was deleted or made private before the batch ran")
        results: Results = []
        for index, row in enumerate(spec["rows"]):
            one = functools.partial(self.one, account, record, index, row, spec["format"],
                                    spec.get("quality"))
            results.append(await job.phase(row_phase(index), one))
        return results

    async def one(self, account: Account, record: TemplateRecord, index: int,
                  row: dict[str, Any], fmt: str, quality: int | None) -> dict[str, Any]:
        template, record = self.render.template(record)
        layers, variables = pinrender.columns(template).split(row)
        images = StoredImages(self.meta, account_id=account.id, owner_id=record.account_id)
        try:
            prepared = self.render.prepare(record, layers, variables, fmt, quality, images=images)
            obtained = await self.render.generate(
                prepared, account.id, self.settings.plan(account.plan).monthly_renders)
        except LimitReached as exc:
            return {"row": index, "error": str(exc)}
        except (Busy, Timeout):
            return {"row": index, "error": "the render took too long"}
        except pinrender.PinrenderError as exc:
            path = getattr(exc, "path", "") or ""
            message = getattr(exc, "message", None) or str(exc)
            return {"row": index, "error": f"{path}: {message}" if path else message}
        except (TypeError, ValueError, RecursionError) as exc:
            # Cells the core did not expect in this shape: still the caller's data.
            return {"row": index, "error": f"invalid overrides ({exc})"}
        return {"row": index, "key": prepared.key, "extension": prepared.extension,
                "cached": obtained.cached}
