"""Rich text benchmark: what spans cost. The same 1200x630 card rendered to PNG with a plain
title, with markup spans (bold, colour, underline), and with the same spans as a list of runs;
plus layout() alone. Medians over interleaved rounds, result cache off.

    python benchmarks/rich_text.py [--rounds 15]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import pinrender

TITLE = "Ship faster with pinrender: templates, transforms and text that wraps like a browser"
MARKUP = ("Ship **faster** with [pinrender]{color=#e63946}: *templates*, transforms and "
          "[text that wraps]{underline} like a browser")
RUNS = [{"text": "Ship "}, {"text": "faster", "fontWeight": 700}, {"text": " with "},
        {"text": "pinrender", "color": "#e63946"}, {"text": ": "},
        {"text": "templates", "fontStyle": "italic"}, {"text": ", transforms and "},
        {"text": "text that wraps", "underline": True}, {"text": " like a browser"}]


def card(text: Any) -> dict[str, Any]:
    return {
        "canvas": {"width": 1200, "height": 630, "background": "#ffffff"},
        "layers": [{"type": "text", "name": "title", "x": 80, "y": 120, "width": 1040,
                    "height": 380, "fontSize": 64, "fontWeight": 500, "text": text,
                    "maxLines": 3, "textShadow": [{"x": 0, "y": 4, "blur": 12,
                                                   "color": "rgba(0,0,0,0.25)"}]}],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    renderer = pinrender.Renderer(cache_bytes=0)
    cases: dict[str, Callable[[], object]] = {
        "render plain title": lambda: renderer.render(card(TITLE)),
        "render markup spans": lambda: renderer.render(card(MARKUP)),
        "render list of runs": lambda: renderer.render(card(RUNS)),
        "layout plain title": lambda: renderer.layout(card(TITLE)),
        "layout markup spans": lambda: renderer.layout(card(MARKUP)),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    for run in cases.values():
        run()  # warm fonts and caches
    for _ in range(args.rounds):
        for name, run in cases.items():
            start = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - start)
    base = {"render": statistics.median(times["render plain title"]),
            "layout": statistics.median(times["layout plain title"])}
    print(f"{'case':24s} {'median ms':>10s} {'vs plain':>9s}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:24s} {median * 1000:10.1f} {median / base[name.split()[0]]:8.2f}x")


if __name__ == "__main__":
    main()
