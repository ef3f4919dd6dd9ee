"""Seed 000's composable AI calls through the real app, on the offline backend: shapes, defaults,
clamps, 422s, premium gating, ownership, and what each call costs."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image

from pinrender_server.services.ledger import AI_CREDITS, month
from tests.server.conftest import auth

from .conftest import Images, b64

pytestmark = pytest.mark.anyio

ARTICLE = """# Roasting coffee at home

Roasting green coffee beans in a drum roaster brings out caramel and chocolate notes.
The beans crack twice; the first crack marks a light roast.

# Brewing with a pour-over

A pour-over brewer and a gooseneck kettle give control over the water.
Grind size matters more than the kettle.

# Storing the beans

Keep roasted beans in an airtight jar away from sunlight.
"""


def used(images: Images) -> int:
    account = images.ctx.meta.keys.list()[0].account_id
    return int(images.ctx.counters.usage.get(account, AI_CREDITS, month()))


async def post(images: Images, path: str, body: dict[str, Any], key: str | None = None) -> Any:
    return await images.client.post(path, json=body, headers=auth(key or images.owner))


async def test_suggest_concepts_are_about_the_input(images: Images) -> None:
    r = await post(images, "/api/images/ai/suggest-concepts",
                   {"purpose": "a lighthouse keeper's cottage on a stormy coast"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert 2 <= len(data["concepts"]) <= 5 and data["credits_used"] == 1
    assert all(set(c) == {"id", "title", "summary"} for c in data["concepts"])
    text = " ".join(c["title"] + " " + c["summary"] for c in data["concepts"]).lower()
    assert "lighthouse" in text and used(images) == 1


@pytest.mark.parametrize("body", [{}, {"purpose": "  "}, {"page_content": "", "section_context": ""}])
async def test_suggest_concepts_needs_some_context(images: Images, body: dict[str, Any]) -> None:
    r = await post(images, "/api/images/ai/suggest-concepts", body)
    assert r.status_code == 422 and "page_content" in r.json()["error"]
    assert used(images) == 0


async def test_locate_spots_follow_the_article(images: Images) -> None:
    r = await post(images, "/api/images/ai/locate-image-spots", {"page_content": ARTICLE, "count": 2})
    assert r.status_code == 200, r.text
    spots = r.json()["data"]["spots"]
    assert len(spots) == 2 and all(set(s) == {"after", "kind", "index", "concept"} for s in spots)
    headings = {"Roasting coffee at home", "Brewing with a pour-over", "Storing the beans"}
    assert all(s["after"] in headings and s["kind"] == "heading" for s in spots)
    assert [s["index"] for s in spots] == sorted(s["index"] for s in spots)  # article order
    clamped = await post(images, "/api/images/ai/locate-image-spots", {"page_content": ARTICLE, "count": 50})
    assert clamped.status_code == 200 and len(clamped.json()["data"]["spots"]) <= 10
    missing = await post(images, "/api/images/ai/locate-image-spots", {"headings": ["x"]})
    assert missing.status_code == 422 and "page_content" in missing.json()["error"]
    assert used(images) == 2


async def test_expand_concept_object_or_text_and_detailed_prompt(images: Images) -> None:
    concept = {"id": "c1", "title": "Drum roaster", "summary": "Green beans turning brown in a drum roaster"}
    r = await post(images, "/api/images/ai/expand-concept", {"concept": concept, "aspect_ratio": "16:9"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert "roaster" in data["prompt"].lower() and data["aspect_ratio"] == "16:9"
    r = await post(images, "/api/images/ai/expand-concept", {"concept": "a foggy harbour at dawn"})
    assert r.status_code == 200 and "harbour" in r.json()["data"]["prompt"].lower()
    for bad in ({}, {"concept": ""}, {"concept": "x", "aspect_ratio": "7:5"}):
        refused = await post(images, "/api/images/ai/expand-concept", bad)
        assert refused.status_code == 422, bad
    r = await post(images, "/api/images/ai/generate-detailed-prompt", {"purpose": "hero image for a bakery"})
    assert r.status_code == 200 and "bakery" in r.json()["data"]["prompt"].lower()
    assert (await post(images, "/api/images/ai/generate-detailed-prompt", {})).status_code == 422
    assert used(images) == 3


@pytest.mark.parametrize(("ratio", "expected"), [("1:1", 1.0), ("16:9", 16 / 9), ("9:16", 9 / 16),
                                                 ("4:3", 4 / 3), ("3:4", 3 / 4)])
async def test_generate_image_has_the_ratio_and_is_served_here(images: Images, ratio: str,
                                                               expected: float) -> None:
    r = await post(images, "/api/images/ai/generate-image",
                   {"prompt": "a red bicycle by the sea", "aspect_ratio": ratio, "model": "mini"})
    assert r.status_code == 200, r.text
    data = r.json()["data"]
    assert data["placeholder"] is True and data["credits_used"] == 1 and data["model"] == "mini"
    assert data["image_url"].startswith("http://testserver/renders/")
    served = await images.client.get(data["image_url"])
    assert served.status_code == 200
    im = Image.open(io.BytesIO(served.content))
    assert (im.width, im.height) == (data["width"], data["height"])
    assert abs(im.width / im.height - expected) < 0.01
    # The documented follow-up: POST /api/images with that URL (read from the store, not fetched).
    made = await images.client.post("/api/images", json={"image_url": data["image_url"], "title": "Bike"},
                                    headers=images.h)
    assert made.status_code == 201, made.text


@pytest.mark.parametrize("body", [
    {"prompt": "x", "model": "giant"}, {"prompt": "x", "quality": "ultra"},
    {"prompt": "x", "aspect_ratio": "2:1"}, {"model": "mini"}, {"prompt": ""},
])
async def test_generate_image_refusals_are_422_and_free(images: Images, body: dict[str, Any]) -> None:
    r = await post(images, "/api/images/ai/generate-image", body)
    assert r.status_code == 422, r.text
    assert r.json()["success"] is False and r.json()["code"] == 422
    assert used(images) == 0


async def test_generate_hotspots_suggests_without_saving(images: Images) -> None:
    shapes = Image.new("RGB", (400, 300), "white")
    shapes.paste((220, 30, 30), (30, 30, 130, 130))
    shapes.paste((30, 60, 220), (260, 160, 370, 270))
    out = io.BytesIO()
    shapes.save(out, "PNG")
    image = await images.create(image_data=b64(out.getvalue()), title="Two blocks")
    r = await post(images, f"/api/images/{image['unique_id']}/generate-hotspots", {"max_hotspots": 50})
    assert r.status_code == 200, r.text
    spots = r.json()["data"]["hotspots"]
    assert 0 < len(spots) <= 20
    assert all(0 <= s["x"] <= 100 and 0 <= s["y"] <= 100 and s["color"].startswith("#") for s in spots)
    # Each block gets a hotspot inside it (percent coordinates of the 400x300 image).
    assert any(7 <= s["x"] <= 33 and 10 <= s["y"] <= 43 for s in spots)
    assert any(65 <= s["x"] <= 93 and 53 <= s["y"] <= 90 for s in spots)
    stored = await images.client.get(f"/api/images/{image['unique_id']}", headers=images.h)
    assert stored.json()["data"]["hotspots"] == []  # nothing saved
    one = await post(images, f"/api/images/{image['unique_id']}/generate-hotspots", {"max_hotspots": 0})
    assert len(one.json()["data"]["hotspots"]) == 1  # clamped to 1
    assert used(images) == 2


async def test_generate_hotspots_on_another_accounts_image_is_404(images: Images) -> None:
    image = await images.create()
    other = images.api.key("other@example.com", plan="pro")
    r = await post(images, f"/api/images/{image['unique_id']}/generate-hotspots", {}, key=other)
    assert r.status_code == 404
    missing = await post(images, "/api/images/zzzzzzzz/generate-hotspots", {})
    assert missing.status_code == 404


async def test_ai_calls_are_premium_and_rate_limited(images: Images) -> None:
    free = images.api.key("free@example.com", plan="free")
    r = await post(images, "/api/images/ai/suggest-concepts", {"purpose": "x"}, key=free)
    assert r.status_code == 403 and "premium" in r.json()["error"]
    assert r.headers["X-RateLimit-Limit"]
    assert (await images.client.post("/api/images/ai/suggest-concepts", json={"purpose": "x"})).status_code == 401


async def test_account_shows_ai_credits(images: Images) -> None:
    await post(images, "/api/images/ai/generate-image", {"prompt": "a kite", "quality": "high"})  # ultra high = 20
    r = await images.client.get("/api/account", headers=images.h)
    ai = r.json()["data"]["aiCredits"]
    assert ai["used"] == 20 and ai["limit"] == 100 and ai["remaining"] == 80 and ai["resetsAt"] > 0

