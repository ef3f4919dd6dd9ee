"""The `openai` backend: any OpenAI-compatible server, on httpx.

Text operations are `POST {base}/chat/completions` asking for structured output (a JSON schema
per operation), hotspots send the image as a data URL to the vision model, images come from
`POST {base}/images/generations` as base64. Each attempt has one deadline covering connect,
upload, the wait and a slow trickle of bytes (`timeout`; `image_timeout` for images).
429/500/502/503/504, timeouts, dropped connections and answers that do not parse are tried again
`retries` times with exponential backoff, honouring Retry-After up to `max_retry_wait`; any other
4xx is final at once. What the provider answers is untrusted: parsed defensively, validated,
clamped and capped (`base.clean_*`), and a generated image is decoded by pinrender and drawn
afresh at exactly the requested ratio."""

from __future__ import annotations

import base64
import binascii
import email.utils
import json
import re
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

import anyio
import anyio.to_thread
import httpx
from pydantic import BaseModel, ConfigDict, ValidationError

import pinrender

from ...settings import AISettings
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
    AIUnavailable,
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
    ratio_crop,
)
from .text import plain_text, slug, suggested_ratio

T = TypeVar("T")
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
MAX_TEXT_ANSWER = 4 * 2**20  # a chat answer larger than this is not a sensible answer
MAX_ITEMS = 100  # list items looked at in an answer, before validation
MIN_IMAGE_SIDE, MAX_IMAGE_SIDE = 64, 8192
IMAGE_FORMATS = frozenset({"png", "jpeg", "webp"})


# What looks like a credential in a provider's error message (`sk-…`, long tokens).
_SECRET = re.compile(r"\b(?:sk|pk|key|token)[-_][A-Za-z0-9_*\-.]{6,}|\b[A-Za-z0-9_\-]{32,}\b", re.IGNORECASE)


class Malformed(Exception):
    """The answer arrived but is not what was asked for (tried again, then an AIError)."""


# -- what the provider is asked for (JSON schemas) and how its answer is read ------------------

def _schema(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "properties": properties, "required": sorted(properties),
            "additionalProperties": False}


def _list_of(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "array", "items": _schema(properties)}


STRING = {"type": "string"}
NUMBER = {"type": "number"}
HOTSPOTS_SCHEMA = _schema({"hotspots": _list_of({
    "x": NUMBER, "y": NUMBER, "title": STRING, "description": STRING, "color": STRING,
    "link": {"type": ["string", "null"]}})})
SPOTS_SCHEMA = _schema({"spots": _list_of({
    "after": STRING, "kind": {"type": "string", "enum": ["heading", "paragraph"]}, "concept": STRING,
    "index": {"type": "integer"}})})
CONCEPTS_SCHEMA = _schema({"concepts": _list_of({"id": STRING, "title": STRING, "summary": STRING})})
EXPANDED_SCHEMA = _schema({"prompt": STRING, "aspect_ratio": {"type": "string", "enum": list(ASPECT_RATIOS)}})
PROMPT_SCHEMA = _schema({"prompt": STRING})


class _Loose(BaseModel):
    # Providers add fields; only the ones we read are validated.
    model_config = ConfigDict(extra="ignore")


class _RawHotspot(_Loose):
    x: float
    y: float
    title: str
    description: str = ""
    color: str | None = None
    link: str | None = None


class _RawSpot(_Loose):
    after: str
    kind: str = "paragraph"
    concept: str
    index: int = 0


class _RawConcept(_Loose):
    id: str = ""
    title: str
    summary: str = ""


def _items(data: Any, key: str) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get(key), list):
        raise Malformed(f"the answer has no {key!r} list")
    return list(data[key][:MAX_ITEMS])


def _valid(model: type[BaseModel], item: Any) -> Any:
    try:
        return model.model_validate(item)
    except ValidationError:
        return None  # one bad item is dropped, not the whole answer


class OpenAIBackend:
    name = "openai"

    def __init__(self, settings: AISettings, *, transport: httpx.AsyncBaseTransport | None = None,
                 sleep: Callable[[float], Awaitable[None]] = anyio.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        headers = {"Authorization": f"Bearer {settings.api_key}"} if settings.api_key else {}
        # trust_env off: the provider is the configured base URL, not whatever a proxy variable says.
        self.client = httpx.AsyncClient(
            base_url=settings.base_url + "/", headers=headers, transport=transport, trust_env=False,
            follow_redirects=False,
            timeout=httpx.Timeout(settings.timeout, connect=min(10.0, settings.timeout)))

    async def aclose(self) -> None:
        await self.client.aclose()

    # -- the one way out: a POST with a deadline, a size cap and retries ---------------------
    async def _post(self, path: str, payload: dict[str, Any], parse: Callable[[Any], T], *,
                    limit: int = MAX_TEXT_ANSWER, timeout: float | None = None) -> T:
        timeout = self.settings.timeout if timeout is None else timeout
        attempts = self.settings.retries + 1
        failure: AIError = AIError("the AI provider was not called")
        for attempt in range(attempts):
            wait: float | None = None
            try:
                with anyio.fail_after(timeout):
                    status, headers, body = await self._send(path, payload, limit, timeout)
            except (TimeoutError, httpx.TimeoutException):
                failure = AIUnavailable(f"the AI provider did not answer within {timeout:g} s")
            except Malformed as exc:
                failure = AIError(f"the AI provider's answer was malformed: {exc}")
            except httpx.RequestError as exc:
                # Refused connections, resets, a server that died mid-answer.
                failure = AIUnavailable(f"the AI provider could not be reached ({type(exc).__name__})")
            else:
                if status in RETRY_STATUSES:
                    kind = AIUnavailable if status in (429, 503) else AIError
                    failure = kind(f"the AI provider answered {status}{_said(body)}")
                    wait = _retry_after(headers.get("retry-after"))
                elif status in (401, 403):
                    # The provider's words may quote the key; the operator's logs say the rest.
                    raise AIError(f"the AI provider refused the API key ({status})")
                elif status >= 400 or status < 200:
                    raise AIError(f"the AI provider refused the request ({status}){_said(body)}")
                else:
                    try:
                        # A large answer (an image) is parsed off the event loop.
                        doc = json.loads(body) if len(body) < 2**18 else await anyio.to_thread.run_sync(
                            json.loads, body)
                        return parse(doc)
                    except (Malformed, ValueError, KeyError, IndexError, TypeError, AttributeError,
                            RecursionError) as exc:
                        failure = AIError(f"the AI provider's answer was malformed: {str(exc)[:200]}")
            if attempt + 1 < attempts:
                backoff = 0.5 * 2**attempt
                await self._sleep(min(self.settings.max_retry_wait, backoff if wait is None else max(wait, 0.0)))
        raise failure

    async def _send(self, path: str, payload: dict[str, Any], limit: int,
                    timeout: float) -> tuple[int, httpx.Headers, bytes]:
        per_phase = httpx.Timeout(timeout, connect=min(10.0, timeout))
        # Uncompressed answers only: the byte cap then holds for what sits in memory, and no
        # small compressed answer can expand into a large one.
        headers = {"Accept-Encoding": "identity"}
        async with self.client.stream("POST", path, json=payload, timeout=per_phase, headers=headers) as response:
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise AIError(f"the AI provider's answer is larger than {limit} bytes")
            encoding = response.headers.get("content-encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise Malformed(f"a {encoding[:40]}-encoded answer, identity was asked for")
            chunks, size = [], 0
            async for chunk in response.aiter_bytes():  # identity: nothing is decoded
                size += len(chunk)
                if size > limit:
                    raise AIError(f"the AI provider's answer is larger than {limit} bytes")
                chunks.append(chunk)
            return response.status_code, response.headers, b"".join(chunks)

    async def _chat(self, model: str, system: str, user: str | list[dict[str, Any]], name: str,
                    schema: dict[str, Any], parse: Callable[[Any], T]) -> T:
        payload = {
            "model": model,
            "messages": [{"role": "system", "content": system}, {"role": "user", "content": user}],
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": name, "strict": True, "schema": schema}},
        }

        def answer(doc: Any) -> T:
            message = doc["choices"][0]["message"]
            content = message.get("content")
            if not isinstance(content, str):
                raise Malformed("the answer has no text content")
            return parse(json.loads(content))

        return await self._post("chat/completions", payload, answer)

    # -- operations ----------------------------------------------------------------------------
    async def suggest_hotspots(self, image: bytes, *, prompt: str | None, max_hotspots: int,
                               current: Sequence[HotspotDraft] = ()) -> list[HotspotDraft]:
        limit = max(1, min(MAX_HOTSPOTS, int(max_hotspots)))
        try:
            # The model sees at most 1024 px wide: enough to place points, a bounded upload.
            preview = await anyio.to_thread.run_sync(
                lambda: pinrender.transform(image, width=1024, format="jpeg"))
        except pinrender.PinrenderError as exc:
            raise AIError(f"the image could not be read: {exc}") from exc
        url = "data:image/jpeg;base64," + base64.b64encode(preview).decode()
        existing = [{"x": h.x, "y": h.y, "title": h.title} for h in current[:MAX_HOTSPOTS]]
        instructions = (
            f"Suggest up to {limit} hotspots for this image: points of interest a viewer would click, each"
            " with x and y in percent of the width and height (0-100), a short title, a one-sentence"
            " description, a #rrggbb colour that stands out on the image, and a link or null."
            + (f" Focus: {clean_text(prompt, 1000)}" if prompt else "")
            + (f" Existing hotspots, do not repeat them: {json.dumps(existing)}" if existing else ""))

        def parse(data: Any) -> list[HotspotDraft]:
            found: list[HotspotDraft] = []
            for raw in (_valid(_RawHotspot, item) for item in _items(data, "hotspots")):
                draft = raw and hotspot(raw.x, raw.y, raw.title, raw.description, raw.color, raw.link)
                if draft and not near_any(draft.x, draft.y, [*current, *found], within=2.0):
                    found.append(draft)
            return found[:limit]

        return await self._chat(
            self.settings.vision_model, "You annotate images with interactive hotspots. Answer in JSON.",
            [{"type": "text", "text": instructions}, {"type": "image_url", "image_url": {"url": url}}],
            "hotspots", HOTSPOTS_SCHEMA, parse)

    async def locate_spots(self, page_content: str, *, headings: Sequence[str], count: int) -> list[Spot]:
        count = max(1, min(MAX_SPOTS, int(count)))
        heads = [clean_text(h, MAX_SPOT_AFTER) for h in headings[:200] if isinstance(h, str)]
        user = (f"Choose {count} places in this article where an image would help most. For each, give"
                " `after` (the exact heading, or the first words of the paragraph, the image follows),"
                " `kind` (heading or paragraph), `index` (0-based position of that heading or paragraph"
                " in the article) and `concept` (what the image should show)."
                + (f"\nHeadings: {json.dumps(heads)}" if heads else "")
                + f"\nArticle:\n{plain_text(page_content)[:100_000]}")

        def parse(data: Any) -> list[Spot]:
            spots: dict[int, Spot] = {}
            for raw in (_valid(_RawSpot, item) for item in _items(data, "spots")):
                if raw is None:
                    continue
                after, concept = clean_text(raw.after, MAX_SPOT_AFTER), clean_text(raw.concept, MAX_SUMMARY)
                kind = raw.kind if raw.kind in ("heading", "paragraph") else "paragraph"
                if after and concept and 0 <= raw.index < 10_000 and raw.index not in spots:
                    spots[raw.index] = Spot(after, kind, concept, raw.index)
            if not spots and page_content.strip():
                raise Malformed("no usable spots")
            return [spots[i] for i in sorted(spots)][:count]

        return await self._chat(self.settings.text_model, "You are a picture editor. Answer in JSON.", user,
                                "spots", SPOTS_SCHEMA, parse)

    async def suggest_concepts(self, *, page_content: str = "", section_context: str = "",
                               purpose: str = "") -> list[Concept]:
        if not (page_content.strip() or section_context.strip() or purpose.strip()):
            raise ValueError("give at least one of page_content, section_context or purpose")
        user = ("Propose 2 to 5 distinct concept directions for an image, each with a short id, a title and"
                " a one or two sentence summary."
                + (f"\nPurpose: {purpose[:4000]}" if purpose.strip() else "")
                + (f"\nSection: {plain_text(section_context)[:20_000]}" if section_context.strip() else "")
                + (f"\nArticle:\n{plain_text(page_content)[:100_000]}" if page_content.strip() else ""))

        def parse(data: Any) -> list[Concept]:
            out: list[Concept] = []
            seen: set[str] = set()
            for raw in (_valid(_RawConcept, item) for item in _items(data, "concepts")):
                title = raw and clean_text(raw.title, MAX_TITLE)
                if not raw or not title:
                    continue
                ident = slug(clean_text(raw.id, 64) or title)
                while ident in seen:
                    ident = f"{ident}-{len(out) + 1}"
                seen.add(ident)
                out.append(Concept(ident, title, clean_text(raw.summary, MAX_SUMMARY)))
            if len(out) < 2:
                raise Malformed(f"{len(out)} usable concepts, 2 to 5 were asked for")
            return out[:MAX_CONCEPTS]

        return await self._chat(self.settings.text_model, "You are an art director. Answer in JSON.", user,
                                "concepts", CONCEPTS_SCHEMA, parse)

    async def expand_concept(self, concept: Concept | str, *, page_content: str = "",
                             section_context: str = "", aspect_ratio: str = "auto") -> ExpandedPrompt:
        subject = f"{concept.title}: {concept.summary}" if isinstance(concept, Concept) else str(concept)
        if not subject.strip(" :"):
            raise ValueError("the concept is empty")
        asked = aspect_ratio if aspect_ratio in ASPECT_RATIOS else None
        user = ("Write a detailed image-generation prompt for this concept: subject, composition,"
                " lighting, style, no text in the image. Suggest the aspect ratio that suits it"
                + (f" (use {asked})" if asked else "") + f".\nConcept: {subject[:4000]}"
                + (f"\nSection: {plain_text(section_context)[:20_000]}" if section_context.strip() else "")
                + (f"\nArticle:\n{plain_text(page_content)[:100_000]}" if page_content.strip() else ""))

        def parse(data: Any) -> ExpandedPrompt:
            if not isinstance(data, dict):
                raise Malformed("the answer is not an object")
            prompt = clean_text(data.get("prompt"), MAX_PROMPT)
            if not prompt:
                raise Malformed("the answer has no prompt")
            ratio = data.get("aspect_ratio")
            return ExpandedPrompt(prompt, asked or (ratio if ratio in ASPECT_RATIOS else "1:1"))

        return await self._chat(self.settings.text_model, "You write prompts for image models. Answer in JSON.",
                                user, "expanded_prompt", EXPANDED_SCHEMA, parse)

    async def detailed_prompt(self, purpose: str) -> str:
        if not purpose.strip():
            raise ValueError("the purpose is empty")
        user = ("Write one detailed image-generation prompt (subject, composition, lighting, style, no text"
                f" in the image) for this purpose: {purpose[:4000]}")

        def parse(data: Any) -> str:
            prompt = clean_text(data.get("prompt") if isinstance(data, dict) else None, MAX_PROMPT)
            if not prompt:
                raise Malformed("the answer has no prompt")
            return prompt

        return await self._chat(self.settings.text_model, "You write prompts for image models. Answer in JSON.",
                                user, "prompt", PROMPT_SCHEMA, parse)

    async def generate_image(self, prompt: str, *, model: str, quality: str,
                             aspect_ratio: str) -> GeneratedImage:
        tier = check_choice(model, MODEL_TIERS, "model")
        check_choice(quality, QUALITIES, "quality")
        ratio = (suggested_ratio(prompt, "1:1") if aspect_ratio == "auto"
                 else check_choice(aspect_ratio, tuple(ASPECT_RATIOS), "aspect ratio"))
        provider_model = self.settings.image_models[tier]
        payload = {"model": provider_model, "prompt": clean_text(prompt, MAX_PROMPT) or "an image", "n": 1,
                   "size": self._size(ratio, quality), "quality": quality, "response_format": "b64_json"}

        def parse(doc: Any) -> str:
            encoded = doc["data"][0]["b64_json"]
            if not isinstance(encoded, str) or not encoded:
                raise Malformed("the answer has no b64_json image")
            return encoded

        encoded = await self._post("images/generations", payload, parse, limit=self.settings.max_response_bytes,
                                   timeout=self.settings.image_timeout)
        return await anyio.to_thread.run_sync(_checked_image, encoded, ratio, provider_model,
                                              self.settings.image_timeout)

    def _size(self, ratio: str, quality: str) -> str:
        if self.settings.image_sizes == "exact":
            width, height = image_size(ratio, quality)
            return f"{width}x{height}"
        a, b = ASPECT_RATIOS[ratio]
        return "1024x1024" if a == b else "1536x1024" if a > b else "1024x1536"


def _checked_image(encoded: str, ratio: str, model: str, timeout: float) -> GeneratedImage:
    """Decode the base64 and every pixel (pinrender.verify), check format and size, and draw the
    image afresh at exactly `ratio` (centred, like CSS `object-fit: cover`, when the provider drew
    another shape). Re-encoding always, not only to crop, leaves behind whatever else the file
    carried: metadata, trailing bytes, a second format hidden in the first."""
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise AIError("the AI provider's image is not valid base64") from exc
    try:
        info = pinrender.verify(data, timeout=timeout)
    except pinrender.PinrenderError as exc:
        raise AIError(f"the AI provider's image does not decode: {exc}") from exc
    if info.format not in IMAGE_FORMATS or info.frames != 1:
        raise AIError(f"the AI provider's image is a {info.format} with {info.frames} frames, not a still image")
    width, height = info.width, info.height
    if not (MIN_IMAGE_SIDE <= min(width, height) and max(width, height) <= MAX_IMAGE_SIDE):
        raise AIError(f"the AI provider's image is {width}x{height}, outside {MIN_IMAGE_SIDE}-{MAX_IMAGE_SIDE} px")
    cw, ch = ratio_crop(width, height, ratio)
    template = {"canvas": {"width": cw, "height": ch,
                           "background": {"type": "image", "image_url": data, "objectFit": "cover"}},
                "layers": []}
    try:
        drawn = pinrender.render(template, format="webp", quality=92)
    except pinrender.PinrenderError as exc:
        raise AIError(f"the AI provider's image could not be drawn at {ratio}: {exc}") from exc
    return GeneratedImage(drawn, "image/webp", cw, ch, False, model)


def _said(body: bytes) -> str:
    """The provider's error message, short and printable, for logs and the caller's 502."""
    try:
        doc = json.loads(body[:65536])
        message = doc.get("error", {}).get("message") if isinstance(doc, dict) else None
    except (ValueError, AttributeError):
        message = None
    text = clean_text(_SECRET.sub("[redacted]", message), 200) if isinstance(message, str) else ""
    return f": {text}" if text else ""


def _retry_after(value: str | None) -> float | None:
    """Seconds a Retry-After header asks for (delta-seconds or an HTTP date), None if unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


__all__ = ["OpenAIBackend"]
