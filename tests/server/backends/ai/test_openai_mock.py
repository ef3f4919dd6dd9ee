"""The openai backend's parsing, cleaning and retry policy, with httpx.MockTransport (no sockets):
hostile answers are clamped, fixed or dropped field by field; Retry-After is honoured up to its cap."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest

from pinrender_server.backends.ai import AISettings, Concept, HotspotDraft
from pinrender_server.backends.ai.openai import OpenAIBackend, _retry_after
from pinrender_server.backends.ai.testing import sample_image


def chat(content: Any) -> httpx.Response:
    text = content if isinstance(content, str) else json.dumps(content)
    return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": text}}]})


def run(handler: Callable[[httpx.Request], httpx.Response], call: Callable[[OpenAIBackend], Any],
        **settings: Any) -> tuple[Any, list[float]]:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async def main() -> Any:
        backend = OpenAIBackend(AISettings(backend="openai", base_url="https://ai.test/v1", **settings),
                                transport=httpx.MockTransport(handler), sleep=sleep)
        try:
            return await call(backend)
        finally:
            await backend.aclose()

    return anyio.run(main), slept


def test_hostile_hotspots_are_cleaned() -> None:
    answer = {"hotspots": [
        {"x": 500, "y": -3, "title": "T" * 5000, "description": "D" * 10**6, "color": "red", "link": "javascript:x"},
        {"x": 10, "y": 10, "title": "Bidi\u202etrick\x00", "color": "#AbC", "link": "https://ok.example/a"},
        {"x": 10.5, "y": 10.5, "title": "duplicate of the one above", "color": "#123456"},
        {"x": float("nan"), "y": 1, "title": "nan"}, {"x": 1, "y": 1, "title": ""}, "not an object",
        {"x": "12", "y": 40, "title": "numeric string", "color": "#1234567", "link": "http:///nohost"},
    ]}
    found, _ = run(lambda r: chat(answer), lambda b: b.suggest_hotspots(sample_image(), prompt=None, max_hotspots=20))
    assert found[0] == HotspotDraft(100.0, 0.0, "T" * 119 + "…", "D" * 999 + "…", "#3b82f6", None)
    assert found[1] == HotspotDraft(10.0, 10.0, "Biditrick", "", "#aabbcc", "https://ok.example/a")
    assert found[2] == HotspotDraft(12.0, 40.0, "numeric string", "", "#3b82f6", None)
    assert len(found) == 3


def test_hotspots_respect_the_count_and_skip_existing_ones() -> None:
    answer = {"hotspots": [{"x": i, "y": i, "title": f"h{i}"} for i in range(0, 100, 10)]}
    current = [HotspotDraft(0.0, 0.0, "mine")]
    found, _ = run(lambda r: chat(answer),
                   lambda b: b.suggest_hotspots(sample_image(), prompt="x", max_hotspots=3, current=current))
    assert [h.title for h in found] == ["h10", "h20", "h30"]


def test_concepts_get_distinct_ids_and_capped_count() -> None:
    answer = {"concepts": [{"id": "same", "title": f"T{i}", "summary": "s"} for i in range(9)]}
    concepts, _ = run(lambda r: chat(answer), lambda b: b.suggest_concepts(purpose="x"))
    assert len(concepts) == 5 and len({c.id for c in concepts}) == 5


def test_too_few_concepts_are_malformed_and_retried() -> None:
    answers = iter([chat({"concepts": [{"id": "a", "title": "One"}]}),
                    chat({"concepts": [{"title": "One"}, {"title": "Two"}]})])
    concepts, slept = run(lambda r: next(answers), lambda b: b.suggest_concepts(purpose="x"))
    assert [c.title for c in concepts] == ["One", "Two"] and [c.id for c in concepts] == ["one", "two"]
    assert slept == [0.5]


def test_expanded_prompt_keeps_the_asked_ratio_and_fixes_a_bad_one() -> None:
    answer = {"prompt": "P", "aspect_ratio": "99:1"}
    asked, _ = run(lambda r: chat(answer), lambda b: b.expand_concept(Concept("a", "b", "c"), aspect_ratio="3:4"))
    auto, _ = run(lambda r: chat(answer), lambda b: b.expand_concept("b"))
    assert asked.aspect_ratio == "3:4" and auto.aspect_ratio == "1:1"


def test_spots_in_article_order_without_duplicates() -> None:
    answer = {"spots": [{"after": "B", "kind": "heading", "concept": "b", "index": 4},
                        {"after": "A", "kind": "weird", "concept": "a", "index": 1},
                        {"after": "A again", "kind": "heading", "concept": "a", "index": 1},
                        {"after": "neg", "kind": "heading", "concept": "n", "index": -2}]}
    spots, _ = run(lambda r: chat(answer), lambda b: b.locate_spots("text", headings=["A", "B"], count=3))
    assert [(s.after, s.kind, s.index) for s in spots] == [("A", "paragraph", 1), ("B", "heading", 4)]


def test_retry_after_is_honoured_up_to_the_cap() -> None:
    answers = iter([httpx.Response(429, headers={"Retry-After": "3"}),
                    httpx.Response(503, headers={"Retry-After": "999"}),
                    httpx.Response(500), chat({"prompt": "done"})])
    prompt, slept = run(lambda r: next(answers), lambda b: b.detailed_prompt("x"), retries=3, max_retry_wait=10)
    assert prompt == "done" and slept == [3.0, 10.0, 2.0]  # the third wait is the backoff 0.5 * 2**2


def test_retry_after_forms() -> None:
    assert _retry_after("2.5") == 2.5 and _retry_after(None) is None and _retry_after("soon") is None
    assert _retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a date in the past: no wait


@pytest.mark.parametrize(("status", "message", "said"), [
    (400, "Invalid size \x1b[31m", "refused the request (400): Invalid size [31m"),
    (401, "Incorrect API key provided: sk-abc123***wxyz", "refused the API key (401)"),
    (404, "model gpt-x not found for key sk-proj-abcdef123456", "(404): model gpt-x not found for key [redacted]"),
])
def test_a_refusal_is_not_retried_and_says_why_without_secrets(status: int, message: str, said: str) -> None:
    from pinrender_server.backends.ai import AIError

    calls: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(status, json={"error": {"message": message}})

    with pytest.raises(AIError) as caught:
        run(handler, lambda b: b.detailed_prompt("x"))
    assert str(caught.value).endswith(said) and "sk-" not in str(caught.value)
    assert len(calls) == 1


def test_unknown_tier_is_refused_before_any_request() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise AssertionError("no request expected")

    with pytest.raises(ValueError, match="unknown model"):
        run(handler, lambda b: b.generate_image("x", model="gpt-4", quality="low", aspect_ratio="1:1"))


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"choices": "x"}',
                                  b'{"choices": [{"message": 5}]}', b"\xff\xfe garbage",
                                  b'{"choices": [{"message": {"content": "[1, 2]"}}]}'])
def test_answers_of_the_wrong_shape_are_malformed_not_a_crash(body: bytes) -> None:
    from pinrender_server.backends.ai import AIError

    calls: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return httpx.Response(200, content=body)

    with pytest.raises(AIError, match="malformed"):
        run(handler, lambda b: b.suggest_concepts(purpose="x"), retries=1)
    assert len(calls) == 2


class Streamed(httpx.AsyncByteStream):
    """A body as a network stream, not read when the response is made (as `content=` would be)."""

    def __init__(self, data: bytes) -> None:
        self.data = data

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.data


@pytest.mark.parametrize("body", [b"not gzip at all", __import__("gzip").compress(b"\0" * 10**7)])
def test_a_compressed_answer_is_refused_unread(body: bytes) -> None:
    # Identity is asked for; a gzip answer (a bomb: 10 MB of zeros in 10 kB) is not expanded.
    from pinrender_server.backends.ai import AIError

    asked: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        asked.append(request.headers["accept-encoding"])
        return httpx.Response(200, stream=Streamed(body), headers={"Content-Encoding": "gzip"})

    with pytest.raises(AIError, match="malformed: a gzip-encoded answer"):
        run(handler, lambda b: b.detailed_prompt("x"), retries=0)
    assert asked == ["identity"]


def test_a_generated_image_is_drawn_afresh_leaving_extra_bytes_behind() -> None:
    import base64

    import pinrender

    from .fake_openai import png

    polyglot = png(1024, 1024) + b"<script>alert(1)</script>"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"data": [{"b64_json": base64.b64encode(polyglot).decode()}]})

    image, _ = run(handler, lambda b: b.generate_image("x", model="mini", quality="low", aspect_ratio="1:1"))
    assert b"<script>" not in image.data and image.media_type == "image/webp"
    assert pinrender.probe(image.data).width == image.width == 1024


def test_an_html_article_is_sent_as_its_text() -> None:
    sent: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content)["messages"][1]["content"])
        return chat({"spots": [{"after": "A", "kind": "heading", "concept": "a", "index": 0}]})

    html = "<h2>Heat pumps</h2><p>A pump <script>track()</script>moves heat.</p>"
    run(handler, lambda b: b.locate_spots(html, headings=[], count=1))
    assert "## Heat pumps\n\nA pump moves heat." in sent[0] and "<" not in sent[0] and "track" not in sent[0]
