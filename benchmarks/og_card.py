"""OG card benchmark: pinrender against satori + resvg (+ sharp for JPEG/WebP), in one run.

    python benchmarks/og_card.py [--renders 30] [--card basic|rich|both]

The basic card: 1200x630, background photo (cover) under a 45% black shade, a 64px bold title
wrapping to 3 lines in a 1000px box, a 28px grey subtitle, a 120x120 circular avatar. The rich
card: the same background and title, the title with a blurred text shadow, and a byline stack
(a 96px round avatar, the author's name and the date in a row, centred, hugging the text's
width: flexbox on satori's side). Both sides use the same font files. pinrender is timed cold
(empty caches before every render) and warm (the same background, a new title each time);
satori has no cache between renders, so it is timed once.
The peer is installed into benchmarks/og_peer/ with `npm install` on first use.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PHOTOS = HERE.parent.parent / "shared" / "photos"
PEER = HERE / "og_peer"
FORMATS = {"png": None, "jpeg": 85, "webp": 80}


def titles(n: int) -> list[str]:
    return [f"How we render ten thousand Open Graph cards a minute on two small cores, part {i}"
            for i in range(n)]


def font_files() -> tuple[Path, Path, str]:
    """A static regular and bold file of one family both renderers can read."""
    import pinrender

    for family in pinrender.default_fonts().families():
        if family.name.lower() not in ("inter", "noto sans"):
            continue
        by_weight: dict[int, Path] = {}
        for file in family.files:
            path = Path(file)
            from fontTools.ttLib import TTFont

            font = TTFont(path, lazy=True)
            if "fvar" in font or font["OS/2"].fsSelection & 1:
                continue  # satori reads static, upright files only
            by_weight.setdefault(font["OS/2"].usWeightClass, path)
        if 400 in by_weight and 700 in by_weight:
            return by_weight[400], by_weight[700], family.name
    raise SystemExit("no static regular + bold font pair found for the benchmark")


def template(family: str) -> dict:
    return {
        "canvas": {"width": 1200, "height": 630,
                   "background": {"type": "image", "image_url": str(PHOTOS / "bg-1920x1280.jpg"),
                                  "objectFit": "cover"}},
        "layers": [
            {"name": "shade", "type": "rect", "width": 1200, "height": 630,
             "fill": "rgba(0,0,0,0.45)"},
            {"name": "title", "type": "text", "x": 100, "y": 110, "width": 1000, "height": 240,
             "text": "", "fontFamily": family, "fontSize": 64, "fontWeight": 700,
             "color": "#ffffff", "lineHeight": 1.2, "maxLines": 3},
            {"name": "subtitle", "type": "text", "x": 100, "y": 380, "width": 1000, "height": 40,
             "text": "Published 23 November 2026 · 6 min read", "fontFamily": family,
             "fontSize": 28, "color": "#cccccc"},
            {"name": "avatar", "type": "image", "x": 100, "y": 460, "width": 120, "height": 120,
             "image_url": str(PHOTOS / "avatar-800x533.jpg"), "objectFit": "cover",
             "borderRadius": 60},
        ],
    }


AUTHOR = "Ada Lovelace"
SUBTITLE = "Published 23 November 2026 · 6 min read"
TITLE_SHADOW = "0 4px 12px rgba(0,0,0,0.6)"


def rich_template(family: str) -> dict:
    """The basic card's background and title, the title shadowed, and a byline stack."""
    basic = template(family)
    title = {**basic["layers"][1], "textShadow": TITLE_SHADOW}
    text = {"type": "text", "fontFamily": family}
    byline = {
        "name": "byline", "type": "stack", "x": 100, "y": 440, "width": 1000, "gap": 20,
        "align": "center", "padding": [12, 24, 12, 12],
        "children": [
            {"name": "avatar", "type": "image", "width": 96, "height": 96,
             "image_url": str(PHOTOS / "avatar-800x533.jpg"), "objectFit": "cover",
             "borderRadius": 48},
            {"name": "author", **text, "text": AUTHOR, "fontSize": 32, "fontWeight": 700,
             "color": "#ffffff"},
            {"name": "date", **text, "text": SUBTITLE, "fontSize": 28, "color": "#cccccc"},
        ],
    }
    return {"canvas": basic["canvas"], "layers": [basic["layers"][0], title, byline]}


def summary(times_ms: list[float]) -> tuple[float, float]:
    ordered = sorted(times_ms)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.9))]


def run_pinrender(card: dict, names: list[str], warm: bool) -> dict[str, tuple[list[float], int]]:
    import pinrender

    renderer = pinrender.Renderer()
    out: dict[str, tuple[list[float], int]] = {}
    for fmt, quality in FORMATS.items():
        renderer.render(card, {"title": {"text": "warm-up"}}, format=fmt, quality=quality)
        times, size = [], 0
        for title in names:
            if not warm:
                renderer.cache.clear()
                clear = getattr(renderer.services.loader, "clear", None)
                if clear:
                    clear()
            start = time.perf_counter()
            data = renderer.render(card, {"title": {"text": title}}, format=fmt, quality=quality)
            times.append((time.perf_counter() - start) * 1000)
            size = len(data)
        out[fmt] = (times, size)
    return out


def run_peer(regular: Path, bold: Path, names: list[str], card: str) -> dict[str, dict]:
    if not (PEER / "node_modules").is_dir():
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent"], cwd=PEER,
                       check=True)
    config = {"font_regular": str(regular), "font_bold": str(bold),
              "background": str(PHOTOS / "bg-1920x1280.jpg"),
              "avatar": str(PHOTOS / "avatar-800x533.jpg"),
              "subtitle": SUBTITLE, "author": AUTHOR, "title_shadow": TITLE_SHADOW, "card": card,
              "titles": names, "formats": list(FORMATS), "warmup": 2}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump(config, fh)
    result = subprocess.run(["node", str(PEER / "render.mjs"), fh.name], capture_output=True,
                            text=True, check=True)
    Path(fh.name).unlink()
    return json.loads(result.stdout)


def table(name: str, card: dict, regular: Path, bold: Path, family: str, names: list[str]) -> None:
    cold = run_pinrender(card, names, warm=False)
    warm = run_pinrender(card, names, warm=True)
    peer = run_peer(regular, bold, names, name)

    print(f"\n{name} OG card 1200x630, {len(names)} renders per row, font {family} "
          f"({regular.name}, {bold.name})\n")
    header = ("| format | pinrender cold p50 / p90 ms | pinrender warm p50 / p90 ms | "
              "satori+resvg p50 / p90 ms | cold ratio | warm ratio | bytes pinrender / peer |")
    print(header)
    print("|" + "---|" * 7)
    for fmt in FORMATS:
        c50, c90 = summary(cold[fmt][0])
        w50, w90 = summary(warm[fmt][0])
        p50, p90 = summary(peer[fmt]["times"])
        print(f"| {fmt} | {c50:.1f} / {c90:.1f} | {w50:.1f} / {w90:.1f} | {p50:.1f} / {p90:.1f} "
              f"| {c50 / p50:.2f}x | {w50 / p50:.2f}x | {cold[fmt][1]} / {peer[fmt]['bytes']} "
              f"({cold[fmt][1] / peer[fmt]['bytes']:.2f}x) |")
    jpeg_peer = summary(peer["jpeg"]["times"])[0]
    print(f"\nwarm JPEG vs peer JPEG: {summary(warm['jpeg'][0])[0] / jpeg_peer:.2f}x "
          f"(target <= 0.15x)")


def main() -> None:
    global PHOTOS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--card", choices=["basic", "rich", "both"], default="both")
    parser.add_argument("--photos", type=Path, default=PHOTOS,
                        help="the shared photos folder (default: shared/photos beside the repo)")
    args = parser.parse_args()
    PHOTOS = args.photos
    regular, bold, family = font_files()
    names = titles(args.renders)
    cards = {"basic": template(family), "rich": rich_template(family)}
    for name, card in cards.items():
        if args.card in (name, "both"):
            table(name, card, regular, bold, family, names)


if __name__ == "__main__":
    sys.exit(main())
