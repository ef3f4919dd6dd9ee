"""The AI pipelines that run as background jobs (seed 000, "AI Generation"):

    image    ai/process: [expand the concept] -> generate -> store into the pending record
             -> [suggest hotspots]
    article  articles/process: locate spots -> for each: expand -> generate -> create the record
             -> suggest hotspots

Each step is a job phase (`services/jobs.py`): charged once as it runs (expansion 1, the image by
the model x quality matrix, hotspots 1, locating 1), its result kept, so a job resumed after a
crash continues where it stopped. A record is filled or created once: pixels go to the blob
store before the row that names them.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from typing import Any

import anyio.to_thread

import pinrender

from ..backends import Account, BlobStore, Claim, Conflict, CounterStore, ImageRecord, MetaStore
from ..backends.ai import AIBackend, Concept, HotspotDraft, Spot, image_size
from ..settings import Settings
from . import credits, ledger, media
from .jobs import Job, JobFailed, Results

IMAGE, ARTICLE = "image", "article"


@dataclass
class Pipelines:
    """What the pipelines need, built once per process (`handlers()` registers them)."""

    meta: MetaStore
    counters: CounterStore
    blobs: BlobStore
    ai: AIBackend
    settings: Settings

    def handlers(self) -> dict[str, Any]:
        return {IMAGE: self.run_image, ARTICLE: self.run_article}

    # -- ai/process: one image into a record minted at request time ---------------------------

    async def run_image(self, job: Job) -> Results:
        spec = job.input
        account = self._account(job)
        image = self.meta.images.get(spec["unique_id"])
        if image is None or image.deleted_at is not None:
            raise JobFailed("the image was deleted before it was generated")
        try:
            prompt, ratio = spec.get("prompt") or "", spec["aspect_ratio"]
            if spec.get("concept"):
                expanded = await job.phase("expand", lambda: self._expand(
                    spec["concept"], spec.get("page_content", ""), spec.get("section_context", ""),
                    ratio), cost=self._cost(account, credits.TEXT))
                prompt = expanded["prompt"]
                ratio = expanded["aspect_ratio"] if ratio == "auto" else ratio
            ratio = "1:1" if ratio == "auto" else ratio
            made = await job.phase("generate", lambda: self._generate(
                account, image.unique_id, prompt, spec["model"], spec["quality"], ratio),
                cost=self._cost(account, credits.image_cost(spec["model"], spec["quality"])))
            hotspots: list[dict[str, Any]] = []
            if spec.get("detect_hotspots", True):
                hotspots = await job.phase("hotspots", lambda: self._hotspots(
                    made["blob_key"], spec.get("hotspot_prompt") or prompt, 8),
                    cost=self._cost(account, credits.TEXT))
            self._fill(image, made, hotspots, prompt)
        except BaseException:
            self._mark_failed(image.id)
            raise
        return [{"unique_id": image.unique_id, "hotspots": hotspots}]

    # -- articles/process: N images placed in an article ----------------------------------------

    async def run_article(self, job: Job) -> Results:
        spec = job.input
        account = self._account(job)
        spots = await job.phase("locate", lambda: self._locate(
            spec["page_content"], spec.get("headings", []), spec["count"]),
            cost=self._cost(account, credits.TEXT))
        return [await self._article_image(job, account, i, spot) for i, spot in enumerate(spots)]

    async def _article_image(self, job: Job, account: Account, i: int,
                             spot: dict[str, Any]) -> dict[str, Any]:
        spec = job.input
        expanded = await job.phase(f"expand:{i}", lambda: self._expand(
            spot["concept"], spec["page_content"], spot["after"], "auto"),
            cost=self._cost(account, credits.TEXT))
        made = await job.phase(f"generate:{i}", lambda: self._generate(
            account, media.new_id(), expanded["prompt"], spec["model"], spec["quality"],
            expanded["aspect_ratio"]),
            cost=self._cost(account, credits.image_cost(spec["model"], spec["quality"])))
        record = await job.phase(f"record:{i}", lambda: self._create(
            account, made, spot, expanded["prompt"]))
        hotspots = await job.phase(f"hotspots:{i}", lambda: self._place_hotspots(
            record["unique_id"], made["blob_key"], expanded["prompt"]),
            cost=self._cost(account, credits.TEXT))
        return {"unique_id": record["unique_id"], "hotspots": hotspots, "after": spot["after"],
                "concept": spot["concept"]}

    # -- the steps -------------------------------------------------------------------------------

    def _account(self, job: Job) -> Account:
        account = self.meta.accounts.get(job.record.account_id)
        if account is None:
            raise JobFailed("the account no longer exists")
        return account

    def _cost(self, account: Account, amount: int) -> Claim:
        return credits.claim(account, self.settings.plan(account.plan), amount)

    async def _locate(self, page: str, headings: list[str], count: int) -> list[dict[str, Any]]:
        spots: list[Spot] = await self.ai.locate_spots(page, headings=headings, count=count)
        return [dataclasses.asdict(s) for s in spots]

    async def _expand(self, concept: dict[str, Any] | str, page: str, section: str,
                      ratio: str) -> dict[str, Any]:
        idea = Concept(**concept) if isinstance(concept, dict) else concept
        expanded = await self.ai.expand_concept(idea, page_content=page, section_context=section,
                                                aspect_ratio=ratio)
        return {"prompt": expanded.prompt, "aspect_ratio": expanded.aspect_ratio}

    async def _generate(self, account: Account, unique_id: str, prompt: str, model: str,
                        quality: str, ratio: str) -> dict[str, Any]:
        made = await self.ai.generate_image(prompt, model=model, quality=quality,
                                            aspect_ratio=ratio)
        info = pinrender.probe(made.data)  # the provider's bytes are untrusted: a real image?
        key = media.blob_key(account.team_hash, unique_id, info.format)
        await anyio.to_thread.run_sync(self.blobs.put, key, made.data)
        return {"unique_id": unique_id, "blob_key": key, "format": info.format,
                "width": info.oriented_width, "height": info.oriented_height,
                "size": len(made.data), "placeholder": made.placeholder, "model": made.model,
                "aspect_ratio": ratio}

    async def _hotspots(self, blob_key: str, prompt: str, limit: int) -> list[dict[str, Any]]:
        data = await anyio.to_thread.run_sync(self.blobs.get, blob_key)
        if data is None:
            raise JobFailed("the generated image is missing from storage")
        drafts = await self.ai.suggest_hotspots(data, prompt=prompt, max_hotspots=limit)
        return [hotspot_dict(d) for d in drafts]

    async def _place_hotspots(self, unique_id: str, blob_key: str, prompt: str) -> list[dict[str, Any]]:
        hotspots = await self._hotspots(blob_key, prompt, 8)
        image = self.meta.images.get(unique_id)
        if image is not None and image.deleted_at is None:
            self.meta.images.update(image.id, {"hotspots": tuple(hotspots)}, now=time.time())
        return hotspots

    def _fill(self, image: ImageRecord, made: dict[str, Any], hotspots: list[dict[str, Any]],
              prompt: str) -> None:
        """The pending record becomes the generated image, once (a resumed job finds it ready)."""
        current = self.meta.images.get(image.id)
        if current is None or current.status != "pending":
            return
        self.meta.images.update(image.id, {
            "blob_key": made["blob_key"], "media_type": media.MEDIA_TYPES.get(made["format"], ""),
            "ext": media.EXTENSIONS.get(made["format"], made["format"]),
            "width": made["width"], "height": made["height"], "size": made["size"],
            "hotspots": tuple(hotspots), "status": "ready",
            "metadata": {**current.metadata, "ai": ai_metadata(made, prompt)},
        }, now=time.time())
        ledger.stored(self.counters, image.account_id, made["size"])

    async def _create(self, account: Account, made: dict[str, Any], spot: dict[str, Any],
                      prompt: str) -> dict[str, Any]:
        now = time.time()
        record = ImageRecord(
            id=0, unique_id=made["unique_id"], account_id=account.id, blob_key=made["blob_key"],
            media_type=media.MEDIA_TYPES.get(made["format"], ""),
            ext=media.EXTENSIONS.get(made["format"], made["format"]),
            width=made["width"], height=made["height"], size=made["size"],
            title=spot["concept"][:200], description=f"For the article section “{spot['after']}”"[:5000],
            source="ai", metadata={"ai": ai_metadata(made, prompt)}, created_at=now, updated_at=now,
        )
        plan = self.settings.plan(account.plan)
        try:
            created = media.insert(self.meta, self.counters, record,
                                   (Claim(ledger.STORAGE, ledger.FOREVER, record.size),),
                                   plan.max_images, now)
        except Conflict:  # created before a crash, not yet recorded as a phase
            return {"unique_id": made["unique_id"]}
        except media.CapReached:
            raise JobFailed("Image limit reached: this plan's image cap is full") from None
        return {"unique_id": created.unique_id}

    def _mark_failed(self, image_id: int) -> None:
        current = self.meta.images.get(image_id)
        if current is not None and current.status == "pending":
            self.meta.images.update(image_id, {"status": "failed"}, now=time.time())


def hotspot_dict(draft: HotspotDraft) -> dict[str, Any]:
    spot: dict[str, Any] = {"x": draft.x, "y": draft.y, "title": draft.title,
                            "description": draft.description, "color": draft.color}
    if draft.link:
        spot["link"] = draft.link
    return spot


def ai_metadata(made: dict[str, Any], prompt: str) -> dict[str, Any]:
    return {"prompt": prompt[:2000], "model": made["model"], "placeholder": made["placeholder"],
            "aspect_ratio": made["aspect_ratio"]}


def planned_size(aspect_ratio: str, quality: str) -> tuple[int, int]:
    """The size a pending record announces until its pixels exist."""
    return image_size("1:1" if aspect_ratio == "auto" else aspect_ratio, quality)
