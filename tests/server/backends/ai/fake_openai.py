"""A fake OpenAI-compatible server on 127.0.0.1, in a thread, for the `openai` backend's tests.

Each request takes the next behaviour from `script` (then `default`): answer well, slowly,
with an error status, with malformed JSON, with hostile content, or die mid-answer.

    with FakeOpenAI() as fake:
        fake.script = ["503", "ok"]
        backend = OpenAIBackend(AISettings(backend="openai", base_url=fake.url, ...))
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyvips

from pinrender_server.backends.ai import AISettings

HUGE = "A" * 1_000_000


def png(width: int, height: int, rgb: tuple[int, int, int] = (40, 120, 200)) -> bytes:
    image = (pyvips.Image.black(width, height, bands=3) + list(rgb)).cast("uchar")
    return bytes(image.copy(interpretation="srgb").pngsave_buffer(compression=1))


def good_content(name: str, request: dict[str, Any]) -> dict[str, Any]:
    """A sensible structured answer for the schema `name`."""
    if name == "hotspots":
        return {"hotspots": [
            {"x": 25, "y": 30, "title": "Red block", "description": "The red block", "color": "#e11d48",
             "link": None},
            {"x": 75, "y": 70, "title": "Blue disc", "description": "The blue disc", "color": "#2563eb",
             "link": "https://example.com/disc"},
            {"x": 50, "y": 50, "title": "Centre", "description": "", "color": "#10b981", "link": None}]}
    if name == "spots":
        return {"spots": [
            {"after": "Coffee roasting", "kind": "heading", "concept": "Beans in a drum roaster", "index": 0},
            {"after": "Brewing with a pour-over", "kind": "heading", "concept": "A pour-over brewer",
             "index": 1}]}
    if name == "concepts":
        return {"concepts": [{"id": "roast", "title": "Roasting", "summary": "Beans turning brown."},
                             {"id": "brew", "title": "Brewing", "summary": "Water through a filter."}]}
    if name == "expanded_prompt":
        return {"prompt": "A drum roaster full of coffee beans, warm light, editorial photo.", "aspect_ratio": "4:3"}
    return {"prompt": "A cosy coffee shop window in autumn, soft light, editorial photo."}


def hostile_content(name: str) -> dict[str, Any]:
    """Everything a careless or malicious provider could send back."""
    if name == "hotspots":
        return {"hotspots": [
            {"x": 500, "y": -40, "title": HUGE, "description": HUGE, "color": "red;background:url(x)",
             "link": "javascript:alert(1)"},
            {"x": "NaN", "y": 10, "title": "bad x"},
            {"x": 10, "y": 10, "title": "", "color": "#12345"},
            {"x": 20, "y": 20, "title": "ok\u202e", "color": "#ABC", "link": "data:text/html,<script>"},
            *({"x": i % 100, "y": (i * 7) % 100, "title": f"extra {i}", "color": "#000000"} for i in range(500)),
        ]}
    if name == "spots":
        return {"spots": [{"after": HUGE, "kind": "script", "concept": HUGE, "index": 3},
                          {"after": "x", "kind": "heading", "concept": "y", "index": -1},
                          {"after": "", "kind": "heading", "concept": "z", "index": 1},
                          *({"after": f"a{i}", "kind": "paragraph", "concept": "c", "index": i} for i in range(50))]}
    if name == "concepts":
        return {"concepts": [{"id": "same", "title": HUGE, "summary": HUGE}, {"id": "same", "title": "<b>x</b>",
                                                                             "summary": 5},
                             {"id": "same", "title": "Third", "summary": ""},
                             *({"id": str(i), "title": f"t{i}", "summary": "s"} for i in range(30))]}
    if name == "expanded_prompt":
        return {"prompt": HUGE, "aspect_ratio": "99:1"}
    return {"prompt": HUGE}


class FakeOpenAI:
    def __init__(self) -> None:
        self.script: list[str] = []
        self.default = "ok"
        self.delay = 3.0  # seconds a "slow" answer waits
        self.retry_after = "0"
        self.image_size: tuple[int, int] | None = None  # answer this size instead of the asked one
        self.requests: list[tuple[str, dict[str, Any], dict[str, str]]] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append((self.path, body, dict(self.headers)))
                    behaviour = fake.script.pop(0) if fake.script else fake.default
                fake.answer(self, behaviour, body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def reset(self) -> None:
        with self._lock:
            self.script, self.default, self.image_size = [], "ok", None
            self.delay, self.retry_after = 3.0, "0"
            self.requests.clear()

    # -- answers ------------------------------------------------------------------------------
    def answer(self, handler: BaseHTTPRequestHandler, behaviour: str, request: dict[str, Any]) -> None:
        if behaviour.isdigit():
            self.send(handler, int(behaviour), {"error": {"message": f"fake {behaviour}"}},
                      {"Retry-After": self.retry_after})
            return
        if behaviour == "slow":
            time.sleep(self.delay)
            behaviour = "ok"
        if behaviour == "die":
            # Promise a long answer, send a little of it, and hang up.
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "100000")
            handler.end_headers()
            handler.wfile.write(b'{"choices": [{"mess')
            handler.wfile.flush()
            handler.close_connection = True
            handler.connection.shutdown(2)
            return
        if behaviour == "trickle":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", "1000")
            handler.end_headers()
            for _ in range(1000):
                try:
                    handler.wfile.write(b" ")
                    handler.wfile.flush()
                except OSError:
                    return
                time.sleep(0.05)
            return
        if behaviour == "malformed":
            self.raw(handler, 200, b'{"choices": [ this is not json')
            return
        if handler.path.endswith("/images/generations"):
            self.image(handler, behaviour, request)
            return
        name = request.get("response_format", {}).get("json_schema", {}).get("name", "")
        if behaviour == "not-json-content":
            content = "Sure! Here are your hotspots: ..."
        elif behaviour == "hostile":
            content = json.dumps(hostile_content(name))
        else:
            content = json.dumps(good_content(name, request))
        self.send(handler, 200, {"id": "chatcmpl-fake", "object": "chat.completion", "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}]})

    def image(self, handler: BaseHTTPRequestHandler, behaviour: str, request: dict[str, Any]) -> None:
        if behaviour == "not-an-image":
            self.send(handler, 200, {"data": [{"b64_json": base64.b64encode(b"<svg onload=alert(1)>").decode()}]})
            return
        if behaviour == "bad-base64":
            self.send(handler, 200, {"data": [{"b64_json": "!!!not base64!!!"}]})
            return
        if behaviour == "tiny":
            size = (8, 8)
        else:
            match = re.fullmatch(r"(\d+)x(\d+)", str(request.get("size", "")))
            size = self.image_size or ((int(match[1]), int(match[2])) if match else (1024, 1024))
        data = base64.b64encode(png(*size)).decode()
        self.send(handler, 200, {"created": 0, "data": [{"b64_json": data}]})

    def send(self, handler: BaseHTTPRequestHandler, status: int, doc: Any,
             headers: dict[str, str] | None = None) -> None:
        self.raw(handler, status, json.dumps(doc).encode(), headers)

    @staticmethod
    def raw(handler: BaseHTTPRequestHandler, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        try:
            handler.wfile.write(body)
        except OSError:
            pass


def fake_settings(fake: FakeOpenAI, **overrides: object) -> AISettings:
    """Settings for the openai backend against the fake: short timeout, no waiting between tries."""
    values: dict[str, object] = {"backend": "openai", "base_url": fake.url, "api_key": "sk-test",
                                 "timeout": 1.0, "image_timeout": 5.0, "retries": 2, "max_retry_wait": 0.05,
                                 "image_sizes": "exact"}
    values.update(overrides)
    return AISettings.model_validate(values)
