"""The offline backend: deterministic, no network, no model download, and honest about it.

Hotspots come from the image's own salient regions (`vision`), text from extractive methods over
the input (`text`), images are placeholder cards drawn by pinrender (`placeholder`). The same
input always gives the same answer. CPU work runs in a worker thread, off the event loop."""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from functools import partial
from typing import Any

import anyio.to_thread
import pyvips

import pinrender

from ...settings import AISettings
from . import placeholder, vision
from . import text as textlib
from .base import (
    ASPECT_RATIOS,
    MAX_CONCEPTS,
    MAX_HOTSPOTS,
    MAX_PROMPT,
    MAX_SPOT_AFTER,
    MAX_SPOTS,
    MAX_SUMMARY,
    MAX_TITLE,
    MODEL_TIERS,
    QUALITIES,
    AIError,
    Concept,
    ExpandedPrompt,
    GeneratedImage,
    HotspotDraft,
    Spot,
    check_choice,
    clean_text,
    hotspot,
    image_size,
    near_any,
)

PLACEHOLDER_MODEL = "offline-placeholder"
MAX_HEADINGS = 200  # headings looked for in one article
COMPOSITIONS = (
    "a centred subject with generous negative space around it",
    "rule-of-thirds framing with the subject on the left third",
    "a wide establishing shot from eye level",
    "an overhead view, neatly arranged",
    "a close-up with a shallow depth of field and a soft background",
)
LIGHTING = (
    "soft natural daylight", "warm golden-hour light", "even studio lighting with soft shadows",
    "cool early-morning light", "dramatic side light with deep shadows",
)
STYLES = (
    "clean editorial photography", "a flat vector illustration with a limited palette",
    "a detailed 3D render", "a loose watercolour illustration", "a minimal isometric illustration",
)


class OfflineBackend:
    name = "offline"

    def __init__(self, settings: AISettings | None = None) -> None:
        self.settings = settings or AISettings()

    async def aclose(self) -> None:
        return None

    # -- hotspots --------------------------------------------------------------------------
    async def suggest_hotspots(self, image: bytes, *, prompt: str | None, max_hotspots: int,
                               current: Sequence[HotspotDraft] = ()) -> list[HotspotDraft]:
        limit = max(1, min(MAX_HOTSPOTS, int(max_hotspots)))
        try:
            regions, bg = await anyio.to_thread.run_sync(
                vision.salient_regions, image, limit + len(current) + 4)
        except pinrender.PinrenderError as exc:
            raise AIError(f"the image could not be read: {exc}") from exc
        except pyvips.Error as exc:
            raise AIError(f"the image could not be analysed: {str(exc).splitlines()[0]}") from exc
        # What a prompt can honestly steer here is colour: regions of a colour it names come first.
        named = vision.colours_named(prompt or "")
        if named:
            regions.sort(key=lambda r: vision.color_name(r.color).split()[-1] not in named)
        found: list[HotspotDraft] = []
        for region in regions:
            if near_any(region.x, region.y, [*current, *found]):
                continue
            title, description = vision.describe(region, bg)
            draft = hotspot(region.x, region.y, title, description)
            if draft is not None:
                found.append(draft)
            if len(found) >= limit:
                break
        return found

    # -- text --------------------------------------------------------------------------------
    async def locate_spots(self, page_content: str, *, headings: Sequence[str], count: int) -> list[Spot]:
        return await anyio.to_thread.run_sync(
            partial(locate, textlib.plain_text(page_content), list(headings), max(1, min(MAX_SPOTS, int(count)))))

    async def suggest_concepts(self, *, page_content: str = "", section_context: str = "",
                               purpose: str = "") -> list[Concept]:
        if not (page_content.strip() or section_context.strip() or purpose.strip()):
            raise ValueError("give at least one of page_content, section_context or purpose")
        return await anyio.to_thread.run_sync(partial(
            concepts, textlib.plain_text(page_content), textlib.plain_text(section_context), purpose))

    async def expand_concept(self, concept: Concept | str, *, page_content: str = "",
                             section_context: str = "", aspect_ratio: str = "auto") -> ExpandedPrompt:
        subject = f"{concept.title}. {concept.summary}" if isinstance(concept, Concept) else str(concept)
        if not subject.strip(" ."):
            raise ValueError("the concept is empty")
        return await anyio.to_thread.run_sync(partial(
            expand, subject, textlib.plain_text(page_content), textlib.plain_text(section_context), aspect_ratio))

    async def detailed_prompt(self, purpose: str) -> str:
        if not purpose.strip():
            raise ValueError("the purpose is empty")
        return (await anyio.to_thread.run_sync(partial(expand, purpose, "", "", "auto"))).prompt

    # -- images ------------------------------------------------------------------------------
    async def generate_image(self, prompt: str, *, model: str, quality: str,
                             aspect_ratio: str) -> GeneratedImage:
        check_choice(model, MODEL_TIERS, "model")
        check_choice(quality, QUALITIES, "quality")
        text = clean_text(prompt, MAX_PROMPT) or "image"
        ratio = (textlib.suggested_ratio(text, "1:1") if aspect_ratio == "auto"
                 else check_choice(aspect_ratio, tuple(ASPECT_RATIOS), "aspect ratio"))
        width, height = image_size(ratio, quality)
        data = await anyio.to_thread.run_sync(placeholder.render, text, width, height)
        return GeneratedImage(data, "image/webp", width, height, True, PLACEHOLDER_MODEL)


# -- the extractive methods, plain functions (tested directly too) ------------------------------

def _pick(options: Sequence[str], seed: bytes, index: int) -> str:
    return options[seed[index] % len(options)]


def expand(subject: str, page_content: str, section_context: str, aspect_ratio: str) -> ExpandedPrompt:
    """A detailed prompt about `subject`: its key words, then the context's, then composition,
    lighting and style chosen by a hash of the subject (deterministic, varied across subjects)."""
    subject = clean_text(subject, MAX_SUMMARY * 2)
    own = textlib.keywords(textlib.sentences(subject) or [subject])
    context = textlib.keywords(textlib.paragraphs(page_content) + [section_context], boosted=[section_context])
    words = own.top(6)
    taken = {textlib.term(w) for w in words}
    extra = [w for w in context.top(8) if textlib.term(w) not in taken][:3]
    seed = hashlib.sha256(subject.encode()).digest()
    lead = textlib.first_words(subject.rstrip(". "), 60).rstrip(".")
    parts = [f"{lead}."]
    if words:
        parts.append(f"Key elements: {', '.join(words)}.")
    if extra:
        parts.append(f"Setting drawn from the context: {', '.join(extra)}.")
    parts += [f"Composition: {_pick(COMPOSITIONS, seed, 0)}.", f"Lighting: {_pick(LIGHTING, seed, 1)}.",
              f"Style: {_pick(STYLES, seed, 2)}.", "No text, lettering or logos in the image."]
    ratio = aspect_ratio if aspect_ratio in ASPECT_RATIOS else textlib.suggested_ratio(subject, "4:3")
    return ExpandedPrompt(clean_text(" ".join(parts), MAX_PROMPT), ratio)


def concepts(page_content: str, section_context: str, purpose: str) -> list[Concept]:
    """2-5 concepts: titles from the best key phrases (no two sharing a word), summaries from
    the sentence that carries each phrase best."""
    headings = textlib.markdown_headings(page_content)
    docs = textlib.paragraphs(page_content) + [section_context, purpose]
    weights = textlib.keywords(docs, boosted=[purpose, section_context, *headings])
    everything = "\n\n".join(t for t in (purpose, section_context, page_content) if t.strip())
    all_sentences = textlib.sentences(everything)
    ranked = textlib.phrases("\n".join([purpose, section_context, *headings, page_content]), weights, longest=2)
    chosen: list[tuple[float, str]] = []
    used: set[str] = set()
    for score, phrase in ranked:
        terms = {textlib.term(w) for w in phrase.split()}
        if terms & used or (chosen and score < chosen[0][0] * 0.35):
            continue
        chosen.append((score, phrase))
        used |= terms
        if len(chosen) == MAX_CONCEPTS:
            break
    out: list[Concept] = []
    for _, phrase in chosen:
        out.append(_concept(len(out), textlib.title_case(phrase), _summary(phrase, all_sentences, weights)))
    if len(out) < 2:
        # Too little text for two distinct ideas: two framings of the one there is.
        subject = chosen[0][1] if chosen else (textlib.first_words(everything, 4) or "the subject")
        summary = _summary(subject, all_sentences, weights) or subject
        framings = [(f"Close-up of {subject}", f"A detailed close view of {subject}. {summary}"),
                    (f"{textlib.title_case(subject)} in context", f"{subject} shown in its setting. {summary}")]
        for title, text in framings[: 2 - len(out)]:
            out.append(_concept(len(out), title, text))
    return out


def _concept(index: int, title: str, summary: str) -> Concept:
    title = clean_text(title, MAX_TITLE)
    return Concept(f"c{index + 1}-{textlib.slug(title)}", title, clean_text(summary, MAX_SUMMARY))


def _summary(phrase: str, sentences: Sequence[str], weights: textlib.Keywords) -> str:
    terms = {textlib.term(w) for w in phrase.split()}
    holding = [s for s in sentences if terms & {k for k, _ in textlib.content_terms(s)}]
    if not holding:
        return phrase
    # A sentence that says something beats a bare heading naming the phrase.
    return max(holding, key=lambda s: (len(s.split()) > 4, len(terms & {k for k, _ in textlib.content_terms(s)}),
                                       weights.score(s) / math.sqrt(max(1, len(s.split())))))


def locate(page_content: str, headings: list[str], count: int) -> list[Spot]:
    """`count` spots in article order: the headings (or, without any, the paragraphs) whose
    sections are most like the whole article by TF-IDF cosine, each with a concept drawn from its
    own section."""
    page_content = page_content[: textlib.MAX_INPUT]
    wanted = [h.strip()[:MAX_SPOT_AFTER] for h in headings[:MAX_HEADINGS] if isinstance(h, str) and h.strip()]
    if not wanted:
        wanted = textlib.markdown_headings(page_content)[:MAX_HEADINGS]
    if wanted:
        kind, anchors, sections = "heading", wanted, _sections(page_content, wanted)
    else:
        kind = "paragraph"
        anchors = sections = textlib.paragraphs(page_content)
    if not sections:
        return []
    weights = textlib.keywords(sections, boosted=wanted)
    whole = _vector(page_content + "\n" + "\n".join(wanted), weights)
    scored = []
    for index, (anchor, section) in enumerate(zip(anchors, sections)):
        body = f"{anchor}\n{section}" if kind == "heading" else section
        scored.append((_cosine(_vector(body, weights), whole), index))
    best = sorted(scored, key=lambda item: (-item[0], item[1]))[:count]
    spots = []
    for _, index in sorted(best, key=lambda item: item[1]):
        anchor, section = anchors[index], sections[index]
        after = anchor if kind == "heading" else textlib.first_words(anchor, 12)
        spots.append(Spot(clean_text(after, MAX_SPOT_AFTER), kind,
                          _section_concept(anchor if kind == "heading" else "", section, weights), index))
    return spots


def _sections(content: str, headings: list[str]) -> list[str]:
    """The text under each heading up to the next one found (empty if a heading is not found)."""
    lower = content.lower()
    where: list[int] = []
    cursor = 0
    for heading in headings:
        # A line of its own (a Markdown heading or a plain title line) before a mention in a sentence.
        line = re.compile(r"^[ \t]*#{0,6}[ \t]*" + re.escape(heading.lower()) + r"[ \t#]*$", re.MULTILINE)
        match = line.search(lower, cursor) or line.search(lower)
        at = match.start() + match.group(0).index(heading.lower()) if match else lower.find(heading.lower(), cursor)
        if at < 0:
            at = lower.find(heading.lower())
        where.append(at)
        if at >= 0:
            cursor = at + len(heading)
    found = sorted(a for a in where if a >= 0)
    sections = []
    for heading, at in zip(headings, where):
        if at < 0:
            sections.append("")
            continue
        start = at + len(heading)
        end = next((a for a in found if a > at), len(content))
        sections.append(content[start:end].strip(" #\n\t"))
    return sections


def _section_concept(heading: str, section: str, weights: textlib.Keywords) -> str:
    local = textlib.keywords(textlib.sentences(section) or [section], boosted=[heading])
    ranked = textlib.phrases(f"{heading}\n{section}", local, longest=2)
    sentence = textlib.best_sentence(section, local, limit=MAX_SUMMARY - 60)
    phrase = ranked[0][1] if ranked else heading
    if not sentence:
        return clean_text(heading or phrase, MAX_SUMMARY)
    return clean_text(f"{textlib.title_case(phrase)}: {sentence}", MAX_SUMMARY)


def _vector(text: str, weights: textlib.Keywords) -> dict[str, float]:
    counts: dict[str, int] = {}
    for k, _ in textlib.content_terms(text):
        counts[k] = counts.get(k, 0) + 1
    return {k: (1 + math.log(c)) * weights.scores.get(k, 0.0) for k, c in counts.items()}


def _cosine(a: dict[str, float], b: dict[str, Any]) -> float:
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    norm = math.sqrt(sum(v * v for v in a.values())) * math.sqrt(sum(v * v for v in b.values()))
    return dot / norm if norm else 0.0
