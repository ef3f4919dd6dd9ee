"""The conformance suite can fail: a backend that breaks the contract is caught by the same
checks the real backends pass."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pinrender_server.backends.ai import AIBackend, Concept, ExpandedPrompt, GeneratedImage, HotspotDraft, Spot
from pinrender_server.backends.ai.testing import (
    AIBackendConformance,
    check_concepts,
    check_expanded,
    check_hotspots,
    check_image,
    check_spots,
)

from .fake_openai import png


@pytest.mark.parametrize(("check", "value"), [
    (lambda v: check_hotspots(v, 2), [HotspotDraft(1, 1, "a"), HotspotDraft(2, 2, "b"), HotspotDraft(3, 3, "c")]),
    (lambda v: check_hotspots(v, 5), [HotspotDraft(101, 1, "off the image")]),
    (lambda v: check_hotspots(v, 5), [HotspotDraft(1, 1, "x", color="red")]),
    (lambda v: check_hotspots(v, 5), [HotspotDraft(1, 1, "x", link="javascript:alert(1)")]),
    (lambda v: check_hotspots(v, 5), [HotspotDraft(1, 1, "")]),
    (lambda v: check_spots(v, 2), [Spot("a", "heading", "c", 0)] * 3),
    (lambda v: check_spots(v, 5), [Spot("b", "heading", "c", 3), Spot("a", "heading", "c", 1)]),
    (lambda v: check_spots(v, 5), [Spot("a", "sidebar", "c", 0)]),
    (lambda v: check_spots(v, 5), []),
    (check_concepts, [Concept("a", "A", "")]),
    (check_concepts, [Concept(str(i), "T", "") for i in range(6)]),
    (check_concepts, [Concept("same", "A", ""), Concept("same", "B", "")]),
    (check_expanded, ExpandedPrompt("p", "7:5")),
    (check_expanded, ExpandedPrompt("  ", "1:1")),
    (lambda v: check_image(v, "16:9"), GeneratedImage(png(1024, 1024), "image/png", 1024, 1024, False, "m")),
    (lambda v: check_image(v, "1:1"), GeneratedImage(png(100, 100), "image/png", 100, 99, False, "m")),
    (lambda v: check_image(v, "1:1"), GeneratedImage(png(100, 100), "image/webp", 100, 100, False, "m")),
])
def test_a_broken_result_fails_its_check(check: object, value: object) -> None:
    with pytest.raises(AssertionError):
        check(value)  # type: ignore[operator]


class LazyBackend:
    """Answers everything with the same few things, whatever is asked: it breaks the contract."""

    name = "lazy"

    async def suggest_hotspots(self, image: bytes, *, prompt: str | None, max_hotspots: int,
                               current: Sequence[HotspotDraft] = ()) -> list[HotspotDraft]:
        return [HotspotDraft(50, 50, f"h{i}") for i in range(max_hotspots + 1)]

    async def locate_spots(self, page_content: str, *, headings: Sequence[str], count: int) -> list[Spot]:
        return [Spot("x", "heading", "y", 0)]

    async def suggest_concepts(self, *, page_content: str = "", section_context: str = "",
                               purpose: str = "") -> list[Concept]:
        return [Concept("one", "One", "")]

    async def expand_concept(self, concept: Concept | str, *, page_content: str = "", section_context: str = "",
                             aspect_ratio: str = "auto") -> ExpandedPrompt:
        return ExpandedPrompt("p", "1:1")

    async def detailed_prompt(self, purpose: str) -> str:
        return "p"

    async def generate_image(self, prompt: str, *, model: str, quality: str, aspect_ratio: str) -> GeneratedImage:
        return GeneratedImage(png(64, 64), "image/png", 64, 64, True, "lazy")

    async def aclose(self) -> None:
        pass


class LazyConformance(AIBackendConformance):
    def open_backend(self) -> AIBackend:
        return LazyBackend()


@pytest.mark.parametrize("test", ["test_hotspots", "test_concepts", "test_a_concept_without_context_is_refused",
                                  "test_expand_and_detailed_prompt", "test_generated_images_have_the_requested_ratio",
                                  "test_unknown_model_quality_or_ratio_is_refused"])
def test_the_suite_fails_a_backend_that_breaks_the_contract(test: str) -> None:
    with pytest.raises(AssertionError):
        getattr(LazyConformance(), test)()


def test_the_suite_passes_what_the_lazy_backend_gets_right() -> None:
    LazyConformance().test_it_is_an_ai_backend()
    LazyConformance().test_locate_spots()
