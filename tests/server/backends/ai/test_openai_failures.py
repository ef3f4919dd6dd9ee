"""The openai backend against a real (fake) HTTP server misbehaving: slow answers, 429/500/503,
malformed JSON, answers that are not the structure asked for, a server that dies mid-answer or
trickles bytes, bad images. Every failure ends as AIError/AIUnavailable (the caller releases the
credits), never a hang or another exception; retries stop after `retries`."""

from __future__ import annotations

import base64
import re

import anyio
import pytest

import pinrender
from pinrender_server.backends.ai import AIError, AIUnavailable
from pinrender_server.backends.ai.openai import OpenAIBackend
from pinrender_server.backends.ai.testing import sample_image

from .fake_openai import FakeOpenAI, fake_settings


def prompt_call(fake: FakeOpenAI, **overrides: object) -> str:
    async def main() -> str:
        backend = OpenAIBackend(fake_settings(fake, **overrides))
        try:
            return await backend.detailed_prompt("a lighthouse at night")
        finally:
            await backend.aclose()

    return anyio.run(main)


@pytest.mark.parametrize("status", ["429", "500", "502", "503", "504"])
def test_retryable_statuses_are_retried_then_succeed(fake: FakeOpenAI, status: str) -> None:
    fake.script = [status, status]
    assert "coffee shop" in prompt_call(fake)
    assert len(fake.requests) == 3


@pytest.mark.parametrize(("status", "error"), [("429", AIUnavailable), ("503", AIUnavailable), ("500", AIError)])
def test_retries_run_out(fake: FakeOpenAI, status: str, error: type[Exception]) -> None:
    fake.default = status
    with pytest.raises(error, match=status):
        prompt_call(fake, retries=3)
    assert len(fake.requests) == 4


@pytest.mark.parametrize(("status", "said"), [("400", "the request (400): fake 400"), ("401", "the API key (401)"),
                                               ("403", "the API key (403)"), ("404", "the request (404): fake 404"),
                                               ("422", "the request (422): fake 422")])
def test_other_client_errors_are_not_retried(fake: FakeOpenAI, status: str, said: str) -> None:
    fake.default = status
    with pytest.raises(AIError, match=re.escape(f"refused {said}")) as caught:
        prompt_call(fake)
    assert not isinstance(caught.value, AIUnavailable)
    assert len(fake.requests) == 1


def test_a_slow_answer_times_out_and_is_retried(fake: FakeOpenAI) -> None:
    fake.script = ["slow"]
    assert prompt_call(fake, timeout=0.5)
    assert len(fake.requests) == 2


def test_always_slow_is_unavailable(fake: FakeOpenAI) -> None:
    fake.default = "slow"
    with pytest.raises(AIUnavailable, match="within 0.3 s"):
        prompt_call(fake, timeout=0.3, retries=1)
    assert len(fake.requests) == 2


def test_a_trickling_answer_is_cut_by_the_deadline(fake: FakeOpenAI) -> None:
    # Each byte arrives well within a read timeout; the attempt's deadline still ends it.
    fake.default = "trickle"
    with pytest.raises(AIUnavailable):
        prompt_call(fake, timeout=0.4, retries=0)


@pytest.mark.parametrize("behaviour", ["malformed", "not-json-content", "die"])
def test_a_broken_answer_is_retried(fake: FakeOpenAI, behaviour: str) -> None:
    fake.script = [behaviour]
    assert prompt_call(fake)
    assert len(fake.requests) == 2


@pytest.mark.parametrize(("behaviour", "error"), [("malformed", AIError), ("die", AIUnavailable)])
def test_an_always_broken_answer_is_an_error(fake: FakeOpenAI, behaviour: str, error: type[Exception]) -> None:
    fake.default = behaviour
    with pytest.raises(error):
        prompt_call(fake, retries=1)


def test_nobody_listening_is_unavailable() -> None:
    async def main() -> None:
        from pinrender_server.backends.ai import AISettings

        backend = OpenAIBackend(AISettings(backend="openai", base_url="http://127.0.0.1:9/v1", retries=1,
                                           max_retry_wait=0.01, timeout=2))
        try:
            await backend.detailed_prompt("x")
        finally:
            await backend.aclose()

    with pytest.raises(AIUnavailable, match="could not be reached"):
        anyio.run(main)


def image_call(fake: FakeOpenAI, ratio: str = "16:9", **overrides: object) -> object:
    async def main() -> object:
        backend = OpenAIBackend(fake_settings(fake, **overrides))
        try:
            return await backend.generate_image("a lighthouse", model="plus", quality="medium", aspect_ratio=ratio)
        finally:
            await backend.aclose()

    return anyio.run(main)


@pytest.mark.parametrize("behaviour", ["not-an-image", "bad-base64", "tiny"])
def test_a_bad_image_is_an_error(fake: FakeOpenAI, behaviour: str) -> None:
    fake.default = behaviour
    with pytest.raises(AIError):
        image_call(fake)


def test_an_image_too_large_to_accept_is_refused_unread(fake: FakeOpenAI) -> None:
    fake.image_size = (2000, 2000)
    with pytest.raises(AIError, match="larger than"):
        image_call(fake, ratio="1:1", max_response_bytes=64 * 1024)


@pytest.mark.parametrize(("size", "ratio", "expected"), [
    ((1536, 1024), "16:9", (1536, 864)), ((1024, 1536), "9:16", (864, 1536)), ((1024, 1024), "4:3", (1024, 768)),
    ((1000, 1000), "21:9", (987, 423)), ((1200, 800), "3:2", (1200, 800)),
])
def test_an_image_of_another_shape_is_cut_to_the_ratio(fake: FakeOpenAI, size: tuple[int, int], ratio: str,
                                                       expected: tuple[int, int]) -> None:
    fake.image_size = size
    image = image_call(fake, ratio=ratio)
    info = pinrender.probe(image.data)  # type: ignore[attr-defined]
    assert (info.width, info.height) == expected == (image.width, image.height)  # type: ignore[attr-defined]
    assert image.placeholder is False and image.model == "gpt-image-1"  # type: ignore[attr-defined]


def test_requests_carry_the_key_the_models_and_structured_output(fake: FakeOpenAI) -> None:
    async def main() -> None:
        backend = OpenAIBackend(fake_settings(fake, text_model="txt-1", vision_model="eye-1",
                                              image_models={"mini": "img-mini"}, image_sizes="openai"))
        try:
            await backend.suggest_hotspots(sample_image(4000, 3000), prompt="the red block", max_hotspots=2)
            await backend.suggest_concepts(purpose="coffee")
            await backend.generate_image("a cup", model="mini", quality="low", aspect_ratio="16:9")
        finally:
            await backend.aclose()

    anyio.run(main)
    (p1, vision, h1), (_, text, _), (p3, image, _) = fake.requests
    assert p1 == "/v1/chat/completions" and p3 == "/v1/images/generations"
    assert h1["Authorization"] == "Bearer sk-test"
    assert vision["model"] == "eye-1" and text["model"] == "txt-1"
    assert vision["response_format"]["type"] == "json_schema"
    assert vision["response_format"]["json_schema"]["name"] == "hotspots"
    url = vision["messages"][1]["content"][1]["image_url"]["url"]
    assert url.startswith("data:image/jpeg;base64,")
    sent = pinrender.probe(base64.b64decode(url.split(",", 1)[1]))
    assert sent.width == 1024  # a 4000 px upload is sent shrunk
    assert image == {"model": "img-mini", "prompt": "a cup", "n": 1, "size": "1536x1024", "quality": "low",
                     "response_format": "b64_json"}


def test_images_have_their_own_timeout(fake: FakeOpenAI) -> None:
    fake.delay = 1.5
    fake.script = ["slow"]
    image = image_call(fake, ratio="1:1", timeout=1.0, image_timeout=5.0, retries=0)  # longer than `timeout`
    assert image.width == 1536  # type: ignore[attr-defined]
    fake.script = ["slow"]
    with pytest.raises(AIUnavailable, match="within 0.5 s"):
        image_call(fake, ratio="1:1", timeout=10.0, image_timeout=0.5, retries=0)
