"""Seed 000's AI endpoints: composable calls (hotspots, spots, concepts, prompts, an image) and
the background pipelines (`ai/process`, `articles/process`) with their job status.

Every call is admitted like the rest of `/api/images` (key, rolling hour, premium plan), is
validated before anything is spent (a refusal, 422 or 429, costs nothing), and pays its credits
through `services/credits`: claimed before the AI runs, given back when it fails.
"""

from __future__ import annotations

import time
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.requests import Request
from starlette.responses import Response

from ...backends import Account, ImageRecord, JobRecord
from ...backends.ai import Concept, HotspotDraft
from ...context import AppContext
from ...http.auth import Principal
from ...http.bodies import json_body
from ...http.errors import ApiError, ok
from ...http.openapi import operation
from ...services import credits, media
from ...services.ai_jobs import ARTICLE, IMAGE, hotspot_dict, planned_size
from ...settings import Plan
from .access import images_endpoint
from .ai_schemas import (
    ArticleIn,
    ArticleJobOut,
    ConceptIn,
    ConceptsIn,
    ConceptsOut,
    DetailedPromptIn,
    ExpandIn,
    HotspotOut,
    HotspotsIn,
    HotspotsOut,
    ImageIn,
    ImageOutAI,
    JobOut,
    JobResultOut,
    LocateIn,
    ProcessIn,
    ProcessOut,
    PromptOut,
    SpotsOut,
    blank,
)
from .embed import snippets
from .images import find
from .present import embed_url, share_url, timestamp, variant_url
from .validation import api_validation_error

M = TypeVar("M", bound=BaseModel)
ERRORS = (403, 404, 422, 429, 502, 503)
HOTSPOT_SOURCE_WIDTH = 1024  # the variant the hotspot finder looks at


def unprocessable(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = api_validation_error(exc)
        raise ApiError(422, err.message, field=err.field) from None


async def ai_body(request: Request, ctx: AppContext, model: type[M]) -> M:
    """The request body; a field it refuses is seed 000's "AI validation failure" (422)."""
    return await json_body(request, model, max_bytes=max(ctx.settings.max_body_bytes, 1 << 20),
                           max_depth=ctx.settings.max_json_depth, validator=unprocessable)


def plan_of(ctx: AppContext, who: Principal) -> Plan:
    return ctx.settings.plan(who.account.plan)


def concept_of(value: ConceptIn | str) -> Concept | str:
    return Concept(value.id, value.title, value.summary) if isinstance(value, ConceptIn) else value


# -- composable calls ------------------------------------------------------------------------------

@operation(summary="Suggest hotspots for an image (not saved; 1 credit)", tag="ai", body=HotspotsIn,
           response=HotspotsOut, errors=ERRORS)
@images_endpoint("write")
async def generate_hotspots(request: Request, ctx: AppContext, who: Principal) -> Response:
    image = find(ctx, who, request.path_params["id"])
    data = await ai_body(request, ctx, HotspotsIn)
    prompt = data.prompt or " — ".join(p for p in (image.title, image.description) if p) or None
    current = [hotspot_draft(h.model_dump()) for h in data.current_hotspots]
    prepared = ctx.render.prepare_transform(image, width=HOTSPOT_SOURCE_WIDTH, format="webp")
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), credits.TEXT):
        source = await ctx.render.obtain(prepared, image.account_id)
        drafts = await ctx.ai.suggest_hotspots(source.output.data, prompt=prompt,
                                               max_hotspots=data.max_hotspots, current=current)
    out = HotspotsOut(hotspots=[HotspotOut(**hotspot_dict(d)) for d in drafts][: data.max_hotspots],
                      credits_used=credits.TEXT)
    return ok(out.model_dump(mode="json", exclude_none=True))


@operation(summary="Propose where images go in an article (1 credit)", tag="ai", body=LocateIn,
           response=SpotsOut, errors=ERRORS)
@images_endpoint("write")
async def locate_image_spots(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, LocateIn)
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), credits.TEXT):
        spots = await ctx.ai.locate_spots(data.page_content, headings=data.headings,
                                          count=data.count)
    return ok({"spots": [{"after": s.after, "kind": s.kind, "index": s.index, "concept": s.concept}
                         for s in spots][: data.count], "credits_used": credits.TEXT})


@operation(summary="Propose 2-5 concept directions (1 credit)", tag="ai", body=ConceptsIn,
           response=ConceptsOut, errors=ERRORS)
@images_endpoint("write")
async def suggest_concepts(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, ConceptsIn)
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), credits.TEXT):
        concepts = await ctx.ai.suggest_concepts(page_content=data.page_content,
                                                 section_context=data.section_context,
                                                 purpose=data.purpose)
    return ok({"concepts": [{"id": c.id, "title": c.title, "summary": c.summary}
                            for c in concepts[:5]], "credits_used": credits.TEXT})


@operation(summary="Expand a concept into a detailed image prompt (1 credit)", tag="ai",
           body=ExpandIn, response=PromptOut, errors=ERRORS)
@images_endpoint("write")
async def expand_concept(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, ExpandIn)
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), credits.TEXT):
        expanded = await ctx.ai.expand_concept(concept_of(data.concept),
                                               page_content=data.page_content,
                                               section_context=data.section_context,
                                               aspect_ratio=data.aspect_ratio)
    return ok({"prompt": expanded.prompt, "aspect_ratio": expanded.aspect_ratio,
               "credits_used": credits.TEXT})


@operation(summary="A detailed image prompt from a purpose (1 credit)", tag="ai",
           body=DetailedPromptIn, response=PromptOut, errors=ERRORS)
@images_endpoint("write")
async def generate_detailed_prompt(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, DetailedPromptIn)
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), credits.TEXT):
        prompt = await ctx.ai.detailed_prompt(data.purpose)
    return ok({"prompt": prompt, "credits_used": credits.TEXT})


@operation(summary="Generate an image now and store it (credits by model x quality)", tag="ai",
           body=ImageIn, response=ImageOutAI, errors=ERRORS)
@images_endpoint("write")
async def generate_image(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, ImageIn)
    cost = credits.image_cost(data.model, data.quality)
    ratio = "1:1" if data.aspect_ratio == "auto" else data.aspect_ratio
    with credits.spent(ctx.counters, who.account, plan_of(ctx, who), cost):
        made = await ctx.ai.generate_image(data.prompt, model=data.model, quality=data.quality,
                                           aspect_ratio=ratio)
        key, fmt = await ctx.render.keep_asset(made.data, who.account.id, "ai:generated")
    ext = "jpg" if fmt == "jpeg" else fmt
    out = ImageOutAI(image_url=f"{ctx.base_url(request)}/renders/{key}.{ext}", width=made.width,
                     height=made.height, model=data.model, quality=data.quality,
                     aspect_ratio=ratio, placeholder=made.placeholder, credits_used=cost)
    return ok(out.model_dump())


# -- background pipelines --------------------------------------------------------------------------

@operation(summary="Mint an image record now and generate it in the background", tag="ai",
           body=ProcessIn, response=ProcessOut, status=202, errors=ERRORS)
@images_endpoint("write")
async def process(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, ProcessIn)
    plan = plan_of(ctx, who)
    concept = data.concept if data.concept is not None and blank(data.prompt) else None
    forecast = ((credits.TEXT if concept is not None else 0)
                + credits.image_cost(data.model, data.quality)
                + (credits.TEXT if data.detect_hotspots else 0))
    credits.require(ctx.counters, who.account, plan, forecast)
    image = mint_pending(ctx, who.account, plan, data, concept)
    spec = {"unique_id": image.unique_id, "prompt": (data.prompt or "").strip(),
            "concept": (concept.model_dump() if isinstance(concept, ConceptIn) else concept),
            "page_content": data.page_content, "section_context": data.section_context,
            "quality": data.quality, "model": data.model, "aspect_ratio": data.aspect_ratio,
            "detect_hotspots": data.detect_hotspots, "hotspot_prompt": data.hotspot_prompt}
    job = enqueue(ctx, who.account, IMAGE, spec, image)
    image = ctx.meta.images.update(image.id, {"metadata": {"job_id": job.id}}, now=time.time()) or image
    links = ctx.links(request)
    js, _ = snippets(links, image, who.account.embed_key, image.title or "Interactive image")
    out = ProcessOut(job_id=job.id, status=job.status, unique_id=image.unique_id,
                     embed_url=embed_url(links, image), share_url=share_url(links, image),
                     embed_code=js)
    return ok(out.model_dump(), status=202)


@operation(summary="Turn an article into N interactive images in the background", tag="ai",
           body=ArticleIn, response=ArticleJobOut, status=202, errors=ERRORS)
@images_endpoint("write")
async def process_article(request: Request, ctx: AppContext, who: Principal) -> Response:
    data = await ai_body(request, ctx, ArticleIn)
    plan = plan_of(ctx, who)
    per_image = credits.TEXT + credits.image_cost(data.model, data.quality) + credits.TEXT
    credits.require(ctx.counters, who.account, plan, credits.TEXT + data.count * per_image)
    spec = {"page_content": data.page_content, "headings": data.headings, "count": data.count,
            "quality": data.quality, "model": data.model}
    job = enqueue(ctx, who.account, ARTICLE, spec)
    return ok(ArticleJobOut(job_id=job.id, status=job.status).model_dump(), status=202)


@operation(summary="Status of an article or single-image job (poll every 2-5 s)", tag="ai",
           response=JobOut, errors=(403, 404, 429))
@images_endpoint("read")
async def job_status(request: Request, ctx: AppContext, who: Principal) -> Response:
    ref = request.path_params["job_id"]
    job = ctx.meta.jobs.get(int(ref)) if ref.isascii() and ref.isdigit() and len(ref) < 18 else None
    if job is None or job.account_id != who.account.id:
        raise ApiError(404, "Job not found")
    return ok(job_out(ctx, request, job).model_dump(mode="json", exclude_none=True),
              headers={"Cache-Control": "no-store"})


# -- helpers ---------------------------------------------------------------------------------------

def mint_pending(ctx: AppContext, account: Account, plan: Plan, data: ProcessIn,
                 concept: ConceptIn | str | None) -> ImageRecord:
    """The record the embed points at, pending until the job fills it (403 at the image cap)."""
    now = time.time()
    uid = media.new_id()
    width, height = planned_size(data.aspect_ratio, data.quality)
    title = data.title or (concept.title if isinstance(concept, ConceptIn) else
                           (concept or data.prompt or ""))[:80]
    record = ImageRecord(
        id=0, unique_id=uid, account_id=account.id,
        blob_key=media.blob_key(account.team_hash, uid, "png"), media_type="image/png", ext="png",
        width=width, height=height, size=0, title=title.strip() or "AI Image", source="ai",
        status="pending", created_at=now, updated_at=now,
    )
    try:
        return media.insert(ctx.meta, ctx.counters, record, (), plan.max_images, now)
    except media.CapReached:
        raise ApiError(403, "Image limit reached") from None


def enqueue(ctx: AppContext, account: Account, kind: str, spec: dict[str, Any],
            pending: ImageRecord | None = None) -> JobRecord:
    cap = ctx.settings.jobs.max_open_per_account
    job = ctx.meta.jobs.enqueue(account.id, kind, spec, max_open=cap, now=time.time())
    if job is None:
        if pending is not None:
            ctx.meta.images.purge(pending.id)
        raise ApiError(429, f"Too many AI jobs queued: at most {cap} queued or running per account; "
                            "wait for one to finish", headers={"Retry-After": "5"})
    ctx.wake_jobs()
    return job


def job_out(ctx: AppContext, request: Request, job: JobRecord) -> JobOut:
    links = ctx.links(request)
    results = None
    if job.status == "completed" and job.results is not None:
        results = []
        for item in job.results:
            image = ctx.meta.images.get(item["unique_id"])
            url = (variant_url(links, image, 2000) if image is not None and image.ready
                   and image.available(time.time()) else None)
            results.append(JobResultOut(unique_id=item["unique_id"], image_url=url,
                                        hotspots=item.get("hotspots", []), after=item.get("after"),
                                        concept=item.get("concept")))
    return JobOut(job_id=job.id, kind=job.kind, status=job.status,
                  created_at=timestamp(job.created_at), updated_at=timestamp(job.updated_at),
                  results=results, error=job.error if job.status == "failed" else None)


def hotspot_draft(spot: dict[str, Any]) -> HotspotDraft:
    return HotspotDraft(x=spot["x"], y=spot["y"], title=spot.get("title") or "",
                        description=spot.get("description") or "",
                        color=spot.get("color") or "#3b82f6", link=spot.get("link"))
