"""The conformance suite every AI backend passes, importable by a backend written elsewhere.

    from pinrender_server.backends.ai.testing import AIBackendConformance

    class TestMyBackend(AIBackendConformance):
        def open_backend(self) -> AIBackend:
            return MyBackend(...)

pytest collects the `test_*` methods of the subclass; each runs in its own event loop (anyio)
with a fresh backend it closes afterwards, so nothing here needs pytest itself. The checks are
what a caller relies on: counts and ranges held, colours `#rrggbb`, links http(s) or none, 2-5
concepts with distinct ids, aspect ratios from ASPECT_RATIOS, generated images that decode at
exactly the requested ratio.
"""

from __future__ import annotations

import io
import re
from collections.abc import Awaitable, Callable, Sequence

import anyio

import pinrender

from .base import (
    ASPECT_RATIOS,
    MAX_CONCEPTS,
    AIBackend,
    Concept,
    ExpandedPrompt,
    GeneratedImage,
    HotspotDraft,
    Spot,
)

COLOR = re.compile(r"^#[0-9a-f]{6}$", re.IGNORECASE)
ARTICLE = """# Coffee roasting

Green coffee beans turn brown in the roaster as their sugars caramelise. The first crack tells
the roaster the beans are light roasted.

# Brewing with a pour-over

A pour-over brewer drips hot water through ground coffee in a paper filter. Grind size and water
temperature decide how the cup tastes.

# Cleaning the espresso machine

Backflush the espresso machine weekly with a blind basket and descale it every month."""
HEADINGS = ("Coffee roasting", "Brewing with a pour-over", "Cleaning the espresso machine")


def sample_image(width: int = 640, height: int = 400) -> bytes:
    """A PNG with two coloured blocks on white (Pillow is a pinrender dependency)."""
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(picture)
    draw.rectangle((width // 10, height // 10, width // 3, height // 2), fill=(200, 30, 40))
    draw.ellipse((width * 6 // 10, height * 5 // 10, width * 9 // 10, height * 9 // 10), fill=(20, 80, 200))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def check_hotspots(found: Sequence[HotspotDraft], max_hotspots: int) -> None:
    assert isinstance(found, list) and len(found) <= max_hotspots
    for spot in found:
        assert isinstance(spot, HotspotDraft)
        assert 0 <= spot.x <= 100 and 0 <= spot.y <= 100, spot
        assert spot.title.strip() and len(spot.title) <= 200, spot
        assert len(spot.description) <= 2000
        assert COLOR.match(spot.color), spot.color
        assert spot.link is None or spot.link.startswith(("http://", "https://")), spot.link


def check_spots(spots: Sequence[Spot], count: int) -> None:
    assert isinstance(spots, list) and 1 <= len(spots) <= count
    indexes = [s.index for s in spots]
    assert indexes == sorted(indexes) and len(set(indexes)) == len(indexes), "spots in article order"
    for spot in spots:
        assert isinstance(spot, Spot) and spot.kind in ("heading", "paragraph")
        assert spot.after.strip() and spot.concept.strip() and spot.index >= 0


def check_concepts(concepts: Sequence[Concept]) -> None:
    assert isinstance(concepts, list) and 2 <= len(concepts) <= MAX_CONCEPTS
    assert len({c.id for c in concepts}) == len(concepts), "concept ids are distinct"
    for concept in concepts:
        assert isinstance(concept, Concept) and concept.id.strip() and concept.title.strip()


def check_expanded(expanded: ExpandedPrompt) -> None:
    assert isinstance(expanded, ExpandedPrompt) and expanded.prompt.strip()
    assert expanded.aspect_ratio in ASPECT_RATIOS


def check_image(image: GeneratedImage, aspect_ratio: str) -> None:
    """The bytes decode, their size is the one reported, and the ratio is exact."""
    assert isinstance(image, GeneratedImage) and image.data and image.model
    info = pinrender.verify(image.data)
    assert (info.width, info.height) == (image.width, image.height)
    assert image.media_type == pinrender.FORMATS[info.format].media_type
    a, b = ASPECT_RATIOS[aspect_ratio]
    assert info.width * b == info.height * a, f"{info.width}x{info.height} is not {aspect_ratio}"


class AIBackendConformance:
    """Subclass and implement `open_backend`; every `test_*` here then runs against it."""

    # Ratios the image test asks for (every one costs a generation on a real provider).
    image_ratios: Sequence[str] = ("1:1", "16:9", "9:16")

    def open_backend(self) -> AIBackend:
        raise NotImplementedError

    def run(self, check: Callable[[AIBackend], Awaitable[None]]) -> None:
        async def main() -> None:
            backend = self.open_backend()
            try:
                await check(backend)
            finally:
                await backend.aclose()

        anyio.run(main)

    def test_it_is_an_ai_backend(self) -> None:
        async def check(backend: AIBackend) -> None:
            assert isinstance(backend, AIBackend) and backend.name

        self.run(check)

    def test_hotspots(self) -> None:
        async def check(backend: AIBackend) -> None:
            image = sample_image()
            found = await backend.suggest_hotspots(image, prompt=None, max_hotspots=3)
            check_hotspots(found, 3)
            one = await backend.suggest_hotspots(image, prompt="the red block", max_hotspots=1, current=found[:1])
            check_hotspots(one, 1)
            for spot in one if found else ():
                assert (spot.x, spot.y) != (found[0].x, found[0].y), "a current hotspot is not suggested again"

        self.run(check)

    def test_locate_spots(self) -> None:
        async def check(backend: AIBackend) -> None:
            check_spots(await backend.locate_spots(ARTICLE, headings=HEADINGS, count=2), 2)
            check_spots(await backend.locate_spots(ARTICLE, headings=(), count=1), 1)

        self.run(check)

    def test_concepts(self) -> None:
        async def check(backend: AIBackend) -> None:
            check_concepts(await backend.suggest_concepts(page_content=ARTICLE))
            check_concepts(await backend.suggest_concepts(purpose="a hero image for a coffee roastery"))
            check_concepts(await backend.suggest_concepts(section_context="Backflush the espresso machine."))

        self.run(check)

    def test_a_concept_without_context_is_refused(self) -> None:
        async def check(backend: AIBackend) -> None:
            try:
                await backend.suggest_concepts()
            except ValueError:
                return
            raise AssertionError("suggest_concepts() with no text must raise ValueError")

        self.run(check)

    def test_expand_and_detailed_prompt(self) -> None:
        async def check(backend: AIBackend) -> None:
            concept = Concept("c1", "Coffee roasting", "Beans turning brown in a drum roaster")
            check_expanded(await backend.expand_concept(concept, page_content=ARTICLE))
            check_expanded(await backend.expand_concept("a pour-over brewer", section_context="Brewing"))
            fixed = await backend.expand_concept(concept, aspect_ratio="9:16")
            check_expanded(fixed)
            assert fixed.aspect_ratio == "9:16", "an explicit aspect ratio is kept"
            prompt = await backend.detailed_prompt("a banner for a coffee shop's autumn menu")
            assert isinstance(prompt, str) and prompt.strip()

        self.run(check)

    def test_generated_images_have_the_requested_ratio(self) -> None:
        async def check(backend: AIBackend) -> None:
            for ratio in self.image_ratios:
                image = await backend.generate_image("a cup of coffee on a wooden table", model="mini",
                                                     quality="low", aspect_ratio=ratio)
                check_image(image, ratio)
            auto = await backend.generate_image("a cup of coffee", model="ultra", quality="low",
                                                aspect_ratio="auto")
            check_image(auto, next(r for r, (a, b) in ASPECT_RATIOS.items() if auto.width * b == auto.height * a))

        self.run(check)

    def test_unknown_model_quality_or_ratio_is_refused(self) -> None:
        async def check(backend: AIBackend) -> None:
            for model, quality, ratio in (("huge", "low", "1:1"), ("mini", "best", "1:1"), ("mini", "low", "7:5")):
                try:
                    await backend.generate_image("x", model=model, quality=quality, aspect_ratio=ratio)
                except ValueError:
                    continue
                raise AssertionError(f"{model}/{quality}/{ratio} must raise ValueError")

        self.run(check)
