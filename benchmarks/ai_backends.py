"""AI backends benchmark: what each operation of the offline backend costs (it runs on the server's
own CPU, so this is its whole price), and what the openai backend adds to a provider's answer
(request building, JSON parsing, validation, image decode and crop) with httpx.MockTransport
answering at once. No network.

    python benchmarks/ai_backends.py [--runs 20]
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import httpx
import pyvips
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pinrender_server.backends.ai import AISettings, Concept, OfflineBackend
from pinrender_server.backends.ai.openai import OpenAIBackend

ARTICLE = "\n\n".join(
    f"## Section {i}: {topic}\n\n" + " ".join(
        f"The {topic} of part {i} has detail number {j}, with {topic} words and other words." for j in range(12))
    for i, topic in enumerate(["heat pumps", "solar panels", "home batteries", "insulation", "wind turbines",
                               "electric cars", "smart meters", "district heating"]))
HEADINGS = [line[3:] for line in ARTICLE.splitlines() if line.startswith("## ")]


def photo(width: int, height: int, seed: int = 0) -> bytes:
    picture = Image.new("RGB", (width, height), (255, 255, 255 - seed % 50))
    draw = ImageDraw.Draw(picture)
    for k in range(6):
        x, y = (k * 37 % 90) * width // 100, (k * 53 % 90) * height // 100
        draw.ellipse((x, y, x + width // 8, y + height // 8), fill=(40 * k, 200 - 30 * k, 90))
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=90)
    return out.getvalue()


async def measure(call: Callable[[int], Awaitable[Any]], runs: int) -> tuple[float, float]:
    await call(runs)  # warm: libvips and ICU initialise once
    times = []
    for i in range(runs):
        start = time.perf_counter()
        await call(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.9))]


def provider(request: httpx.Request) -> httpx.Response:
    body = json.loads(request.content)
    if request.url.path.endswith("/images/generations"):
        shade = sum(body["prompt"].encode()) % 200  # a new image each run, as a provider would give
        image = (pyvips.Image.black(1536, 1024, bands=3) + [30, 90, shade]).cast("uchar")
        data = base64.b64encode(image.copy(interpretation="srgb").pngsave_buffer()).decode()
        return httpx.Response(200, json={"data": [{"b64_json": data}]})
    name = body["response_format"]["json_schema"]["name"]
    content = {"hotspots": {"hotspots": [{"x": 10 * i, "y": 5 * i, "title": f"h{i}", "description": "d",
                                          "color": "#112233", "link": None} for i in range(8)]},
               "concepts": {"concepts": [{"id": f"c{i}", "title": f"T{i}", "summary": "s"} for i in range(4)]},
               }.get(name, {"prompt": "p " * 200, "aspect_ratio": "16:9"})
    return httpx.Response(200, json={"choices": [{"message": {"content": json.dumps(content)}}]})


async def main(runs: int) -> None:
    offline = OfflineBackend()
    remote = OpenAIBackend(AISettings(backend="openai", base_url="https://ai.test/v1"),
                           transport=httpx.MockTransport(provider))
    # Every run gets new input: pinrender caches results by content, and a repeat would measure the cache.
    smalls = [photo(1200, 800, i) for i in range(runs + 1)]
    larges = [photo(6000, 4000, i) for i in range(runs + 1)]
    concept = Concept("c1", "Heat pumps", "A heat pump on a wall outside a brick house")
    rows: list[tuple[str, Callable[[int], Awaitable[Any]]]] = [
        ("offline hotspots, 1200x800 JPEG", lambda i: offline.suggest_hotspots(smalls[i], prompt=None, max_hotspots=8)),
        ("offline hotspots, 6000x4000 JPEG",
         lambda i: offline.suggest_hotspots(larges[i], prompt=None, max_hotspots=8)),
        (f"offline locate_spots, {len(ARTICLE):,} chars, 8 headings",
         lambda i: offline.locate_spots(ARTICLE + str(i), headings=HEADINGS, count=3)),
        ("offline suggest_concepts, same article", lambda i: offline.suggest_concepts(page_content=ARTICLE + str(i))),
        ("offline expand_concept, with the article",
         lambda i: offline.expand_concept(concept, page_content=ARTICLE + str(i))),
        ("offline detailed_prompt", lambda i: offline.detailed_prompt(f"A banner for a cycling club's race {i}")),
        ("offline image, low 16:9 (1024x576)",
         lambda i: offline.generate_image(f"a red fox {i}", model="mini", quality="low", aspect_ratio="16:9")),
        ("offline image, high 1:1 (2048x2048)",
         lambda i: offline.generate_image(f"a red fox {i}", model="mini", quality="high", aspect_ratio="1:1")),
        ("openai overhead: hotspots, 1200x800 (shrink, base64, parse)",
         lambda i: remote.suggest_hotspots(smalls[i], prompt=None, max_hotspots=8)),
        ("openai overhead: suggest_concepts", lambda i: remote.suggest_concepts(page_content=ARTICLE)),
        ("openai overhead: image 1536x1024 PNG -> 16:9 crop",
         lambda i: remote.generate_image(f"x {i}", model="ultra", quality="low", aspect_ratio="16:9")),
    ]
    print(f"| operation | median ms | p90 ms |  ({runs} runs each)")
    print("|---|---|---|")
    for label, call in rows:
        median, p90 = await measure(call, runs)
        print(f"| {label} | {median:.1f} | {p90:.1f} |")
    await remote.aclose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=20)
    anyio.run(main, parser.parse_args().runs)
