"""Line breaks and line widths against headless Chromium, on a corpus of titles.

    python benchmarks/text_fidelity.py                     # the whole corpus, defaults
    python benchmarks/text_fidelity.py --props             # plus overflowWrap / wordBreak / hyphens
    python benchmarks/text_fidelity.py --record tests/pinrender/text/chromium_lines.json   # the regression set

Every case is laid out twice with the same font files, size, weight, letter spacing and box
width: by `pinrender.layout` and by Chromium (`white-space: normal; overflow-wrap: break-word`,
fonts loaded with @font-face from the repository's `fonts/`). Chromium's lines are read from
`Range.getClientRects()` of every code point: the line a code point sits on is the line box its
rectangle's middle falls in. A case is identical when both give the same lines (same text, in the
same places); a line's width matches when it is within 1 px of the union of its code points'
rectangles (trailing spaces left out). Prints both shares and every case that differs.

Chromium: `PINRENDER_CHROMIUM` or `chromium` on the PATH (Debian's package), driven by Playwright.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FONTS = ROOT / "fonts"
sys.path.insert(0, str(ROOT))

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ORIGIN = "http://fidelity.invalid"
LINE_HEIGHT = 1.2
SOFT_HYPHEN = "\u00ad"
HYPHENS = "-\u2010"

# pinrender family -> (its @font-face files with their weight ranges).
FACES: dict[str, list[tuple[str, str]]] = {
    "Inter": [("inter/Inter-roman.var.ttf", "100 900")],
    "Noto Sans": [("noto-sans/NotoSans-Regular.ttf", "400"), ("noto-sans/NotoSans-Bold.ttf", "700")],
    "Noto Serif": [("noto-serif/NotoSerif-Regular.ttf", "400")],
    "JetBrains Mono": [("jetbrains-mono/JetBrainsMono-Regular.ttf", "400"),
                       ("jetbrains-mono/JetBrainsMono-Bold.ttf", "700")],
    "Noto Sans Arabic": [("noto-sans-arabic/NotoSansArabic-Regular.ttf", "400"),
                         ("noto-sans-arabic/NotoSansArabic-Bold.ttf", "700")],
    "Noto Sans Hebrew": [("noto-sans-hebrew/NotoSansHebrew-Regular.ttf", "400"),
                         ("noto-sans-hebrew/NotoSansHebrew-Bold.ttf", "700")],
    "Noto Sans Devanagari": [("noto-sans-devanagari/NotoSansDevanagari-Regular.ttf", "400"),
                             ("noto-sans-devanagari/NotoSansDevanagari-Bold.ttf", "700")],
    "Noto Color Emoji": [("noto-color-emoji/NotoColorEmoji.ttf", "400")],
}
# pinrender's fallback order (registry.FALLBACK_FAMILIES), then the system CJK face it picks,
# then the emoji font, so that both sides fall back to the same files.
FALLBACK = ["Inter", "Noto Sans", "Noto Sans Arabic", "Noto Sans Hebrew", "Noto Sans Devanagari",
            "Noto Serif", "JetBrains Mono"]
SYSTEM_FALLBACK = ["Noto Sans CJK HK"]


@dataclass(frozen=True)
class Case:
    text: str
    family: str = "Inter"
    weight: int = 400
    size: float = 40.0
    width: int = 600
    letter_spacing: float = 0.0
    overflow_wrap: str = "break-word"
    word_break: str = "normal"
    hyphens: str = "manual"
    lang: str = "en"


# ---------------------------------------------------------------------------------------------
# The corpus: titles a user writes, by kind. Each is laid out at several sizes, widths, weights,
# letter spacings and fonts chosen by a seeded generator, so the corpus is the same every run.

TEXTS: dict[str, list[str]] = {
    "latin": [
        "How we render ten thousand Open Graph cards a minute on two small cores",
        "The quick brown fox jumps over the lazy dog and keeps running far away",
        "Designing for the edge: caching, keys and the art of doing nothing twice",
        "Ship faster with templates your whole team can edit",
        "Why your startup doesn't need microservices (yet)",
        "A field guide to typography on the web, part II",
        "Ten years of open source: what we learned, what we'd change",
        "Café, naïve, façade, coöperate: accents in English words",
        "Straße, Größe und Äpfel: ein Überblick über die Rechtschreibung",
        "Donaudampfschifffahrtsgesellschaftskapitän und seine Kollegen",
        "Supercalifragilisticexpialidocious is a very long word indeed",
        "Où est la bibliothèque ? À côté de la gare, évidemment !",
        "¿Dónde está la estación? ¡Está allí, al lado del río!",
        "Vietnamese: Tiếng Việt có nhiều dấu thanh điệu khác nhau",
        "Polish: Zażółć gęślą jaźń, a potem idź do domu",
        "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod",
        "I/O bound, CPU bound: read/write paths and either/or choices",
        "Wait… what? An ellipsis… and then another one…",
        "Em dashes—like this—and en dashes – like that – in one line",
        "“Smart quotes” and ‘single ones’ around «guillemets» too",
        "The (optional) parts [in brackets] and {braces} stay together",
        "Semi;colons, com,mas, full.stops and colons:without spaces",
        "Tabs\tand non\u00a0breaking\u00a0spaces keep words together",
        "A+B=C, x*y, 100%, #hashtag, @mention, and under_scores",
        "Don't, won't, can't: apostrophes in contractions aren't breaks",
    ],
    "numbers": [
        "Revenue grew 1,234,567.89 dollars in Q3 2026, up 42% year over year",
        "Population: 8,045,311,447 people and 3.14159265358979 pies",
        "Call +1 (555) 123-4567 or +44 20 7946 0958 today",
        "Scores 3-1, 2-2 and 10-0 in the 2026 cup final",
        "Temperatures from -5 to -10 degrees, and -40 at night",
        "ISBN 978-3-16-148410-0 and ISSN 2049-3630",
        "Version v1.2.3-beta.4 and 2.0.0-rc.1 are out",
        "Model ABCD-1234 and part XY-42-Z ship next week",
        "COVID-19 and H1N1 and MP3-player and 4-door cars",
        "Numbers 1/2, 3/4 and 22/7 as fractions, 50/50 odds",
        "Pages 10-20 and chapters 3-5 cover the 1990s-2000s",
        "Serial 1234-5678-9012-3456 and code 00-11-22-33-44",
    ],
    "dates": [
        "Published 2026-11-22 at 10:30 and updated 2026-11-23T08:15:00Z",
        "From 22/11/2026 to 31/12/2026, then 01.01.2027 onwards",
        "Meeting on Nov. 22, 2026, 10:30–11:45 a.m. (UTC+01:00)",
        "Deadline 2026-12-31; review 2027-01-15; launch 2027-02-01",
        "Dates 1999-12-31, 2000-01-01 and 2038-01-19 matter",
        "Open 9:00-17:00 Mon-Fri, 10:00-14:00 Sat",
    ],
    "urls": [
        "Read more at https://example.com/articles/2026/11/22/a-very-long-slug-for-this-post",
        "Docs: https://docs.example.org/v2/api/reference/templates?lang=en&page=3#render",
        "example.com/articles/2026/11/22/launch and www.example.net/path/to/page.html",
        "Email us at hello.world+news@example.co.uk or support@pinrender.dev",
        "File at /usr/local/share/fonts/truetype/noto/NotoSans-Regular.ttf",
        "See C:\\Users\\Public\\Documents\\Reports\\2026\\summary-final.docx",
        "git@github.com:example/project.git and ssh://git@host:22/repo",
        "https://example.com/search?q=line+breaking&sort=date&order=desc&page=12",
    ],
    "prices": [
        "Plans from $5-$10 per month, or $99/year for everything",
        "Only €12,50 or £9.99 or ¥1,500 or ₹499 this week",
        "Was $1,299.00, now $999.99 (save 23%)",
        "Prices $5-$10, €5-€10 and 5$-10$ all stay together",
        "50%-off everything, 2-for-1 deals, and $0 shipping",
        "Starting at US$29.99/mo. Billed annually at US$359.88",
    ],
    "hyphenated": [
        "State-of-the-art, up-to-date and well-known hyphenated words",
        "A mother-in-law, a jack-of-all-trades and a forget-me-not",
        "Non-profit, re-enter, co-operate, e-mail and x-ray",
        "Self-driving cars meet real-world city traffic head-on",
        "A long-term, high-quality, low-cost, easy-to-use solution",
        "Double--hyphens and trailing- and -leading hyphens",
    ],
    "emoji": [
        "🚀 Launch day is here 🎉 join us for the party 🥳",
        "Great work team 👍🏽👏🏿 on shipping the new release 🎯",
        "Flags 🇫🇷 🇩🇪 🇯🇵 🇧🇷 and families 👨‍👩‍👧‍👦 in titles",
        "Weather ☀️🌧️⛈️ and food 🍕🍔🌮 icons everywhere",
        "Emoji without spaces🚀🎉🥳between words and numbers123🔥",
        "Hearts ❤️💙💚 and keycaps 1️⃣ 2️⃣ #️⃣ in one title",
    ],
    "scripts": [
        "Η γρήγορη καφέ αλεπού πηδάει πάνω από τον τεμπέλη σκύλο",
        "Съешь же ещё этих мягких французских булок да выпей чаю",
        "Українська мова має багато гарних і довгих слів",
        "日本語のテキストは、文字の間で改行されます。句読点に注意！",
        "中文文本可以在任意汉字之间换行，但标点符号不能在行首。",
        "한국어 텍스트는 공백에서 줄바꿈됩니다 그리고 단어를 유지합니다",
        "Mixed 日本語 and English text with カタカナ and numbers 2026",
        "नमस्ते दुनिया, यह हिन्दी में एक लंबा शीर्षक है",
        "مرحبا بالعالم، هذا عنوان طويل باللغة العربية للاختبار",
        "שלום עולם, זוהי כותרת ארוכה בעברית לבדיקה",
    ],
    "bidi": [
        "Launch of פרויקט חדש in 2026 with friends",
        "The word مرحبا means hello in Arabic, and שלום in Hebrew",
        "עברית with English words inside and 123 numbers",
        "العربية مع English words و أرقام 2026 في النص",
        "Price: ‏₪120 or $35, and the title ״ספר״ in quotes",
    ],
}
FAMILIES = ["Inter", "Inter", "Inter", "Noto Sans", "Noto Serif", "JetBrains Mono"]
WEIGHTS = {"Inter": [400, 500, 700, 800], "Noto Sans": [400, 700], "Noto Serif": [400],
           "JetBrains Mono": [400, 700]}
SIZES = [20, 24, 28, 32, 36, 40, 48, 56, 64, 72]
WIDTHS = [120, 160, 200, 240, 300, 360, 420, 500, 600, 700, 800, 1040]
SPACINGS = [0.0, 0.0, 0.0, 0.5, 1.0, 2.0, -0.5]


def corpus(per_text: int = 6, seed: int = 14) -> list[Case]:
    rng = random.Random(seed)
    cases: list[Case] = []
    for texts in TEXTS.values():
        for text in texts:
            for _ in range(per_text):
                family = rng.choice(FAMILIES)
                cases.append(Case(text=text, family=family, weight=rng.choice(WEIGHTS[family]),
                                  size=rng.choice(SIZES), width=rng.choice(WIDTHS),
                                  letter_spacing=rng.choice(SPACINGS)))
    return cases


PROP_TEXTS = [
    "Donaudampfschifffahrtsgesellschaftskapitän und Supercalifragilisticexpialidocious",
    "https://example.com/articles/2026/11/22/a-very-long-slug-for-this-post",
    "The hyphenation of extraordinarily long international words, automatically",
    "Internationalization and localization are characteristically complicated",
    "日本語のテキストと한국어 텍스트는 줄바꿈 방식이 다릅니다",
    "Soft\u00adhyphen\u00adated words: ex\u00adtra\u00ador\u00addi\u00adnary and in\u00adcred\u00adi\u00adble",
]


def prop_corpus(seed: int = 15) -> list[Case]:
    """overflowWrap, wordBreak and hyphens, each value on texts that show it."""
    rng = random.Random(seed)
    cases: list[Case] = []
    variants = [{"overflow_wrap": v} for v in ("normal", "break-word", "anywhere")]
    variants += [{"word_break": v} for v in ("break-all", "keep-all")]
    variants += [{"hyphens": v} for v in ("none", "manual", "auto")]
    for variant in variants:
        for text in PROP_TEXTS:
            for _ in range(3):
                family = rng.choice(["Inter", "Noto Sans"])
                base = Case(text=text, family=family, weight=rng.choice(WEIGHTS[family]),
                            size=rng.choice([24, 32, 40, 48]),
                            width=rng.choice([120, 160, 200, 260, 320, 400]))
                cases.append(replace(base, **variant))  # type: ignore[arg-type]
    return cases


# ---------------------------------------------------------------------------------------------
# pinrender's side

Lines = list[tuple[str, float]]


def pinrender_lines(case: Case) -> Lines:
    import pinrender

    layer: dict[str, Any] = {
        "name": "t", "type": "text", "x": 0, "y": 0, "width": case.width, "height": 8000,
        "text": case.text, "fontFamily": case.family, "fontWeight": case.weight,
        "fontSize": case.size, "letterSpacing": case.letter_spacing, "lineHeight": LINE_HEIGHT,
    }
    if case.overflow_wrap != "break-word":
        layer["overflowWrap"] = case.overflow_wrap
    if case.word_break != "normal":
        layer["wordBreak"] = case.word_break
    if case.hyphens != "manual":
        layer["hyphens"] = case.hyphens
    if case.lang != "en":
        layer["lang"] = case.lang
    template = {"canvas": {"width": 1200, "height": 8000}, "layers": [layer]}
    block = pinrender.layout(template).layers["t"]
    return [(line.text, line.width) for line in block.lines]


# ---------------------------------------------------------------------------------------------
# Chromium's side

def _css_name(family: str) -> str:
    return f"fid {family}"


def _font_faces() -> str:
    rules = []
    for family, files in FACES.items():
        for file, weight in files:
            rules.append(f"@font-face {{ font-family: '{_css_name(family)}'; "
                         f"src: url('{ORIGIN}/fonts/{file}'); font-weight: {weight}; }}")
    return "\n".join(rules)


def _family_list(family: str) -> str:
    names = [_css_name(family)] + [_css_name(f) for f in FALLBACK if f != family]
    quoted = [f"'{n}'" for n in names] + [f"'{n}'" for n in SYSTEM_FALLBACK]
    return ", ".join([*quoted, f"'{_css_name('Noto Color Emoji')}'"])


def _page(cases: list[Case]) -> str:
    import html

    divs = []
    for i, c in enumerate(cases):
        style = (f"width:{c.width}px;font-family:{_family_list(c.family)};"
                 f"font-weight:{c.weight};font-size:{c.size}px;line-height:{c.size * LINE_HEIGHT}px;"
                 f"letter-spacing:{c.letter_spacing}px;overflow-wrap:{c.overflow_wrap};"
                 f"word-break:{c.word_break};hyphens:{c.hyphens};-webkit-hyphens:{c.hyphens}")
        divs.append(f'<div id="c{i}" lang="{c.lang}" dir="auto" style="{html.escape(style)}">'
                    f"{html.escape(c.text)}</div>")
    divs.append('<div id="probe" lang="en" style="width:10px;font:20px/20px serif;hyphens:auto;'
                'overflow-wrap:normal">extraordinarily</div>')
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><style>
{_font_faces()}
body {{ margin: 0; }}
div {{ white-space: normal; text-align: left; margin: 0 0 20px 0; padding: 0; font-kerning: normal;
       text-rendering: auto; font-synthesis: none; font-variant-ligatures: normal; }}
</style></head><body>{"".join(divs)}</body></html>"""


_MEASURE_JS = """
(count) => {
  const out = [];
  for (let k = 0; k < count; k++) {
    const div = document.getElementById('c' + k);
    const box = div.getBoundingClientRect();
    const node = div.firstChild;
    const s = node ? node.data : '';
    const chars = [];
    const range = document.createRange();
    for (let i = 0; i < s.length; ) {
      const cp = s.codePointAt(i);
      const n = cp > 0xffff ? 2 : 1;
      range.setStart(node, i); range.setEnd(node, i + n);
      const rects = Array.from(range.getClientRects()).filter(r => r.height > 0);
      if (rects.length) {
        const r = rects[rects.length - 1];
        chars.push([(r.top + r.bottom) / 2 - box.top, r.left - box.left, r.right - box.left]);
      } else {
        chars.push(null);
      }
      i += n;
    }
    out.push(chars);
  }
  return out;
}
"""


def chromium_lines(cases: list[Case]) -> list[Lines]:
    from playwright.sync_api import Route, sync_playwright

    chromium = os.environ.get("PINRENDER_CHROMIUM") or shutil.which("chromium") or "chromium"
    page_html = _page(cases)

    def serve(route: Route) -> None:
        path = route.request.url.removeprefix(ORIGIN)
        if path.startswith("/fonts/"):
            file = (FONTS / path.removeprefix("/fonts/")).resolve()
            if FONTS.resolve() in file.parents and file.is_file():
                route.fulfill(body=file.read_bytes(), content_type="font/ttf")
                return
            route.fulfill(status=404)
            return
        route.fulfill(body=page_html, content_type="text/html; charset=utf-8")

    with tempfile.TemporaryDirectory() as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            profile, executable_path=chromium, headless=True, args=FLAGS,
            viewport={"width": 1400, "height": 900})
        try:
            page = context.new_page()
            page.route(f"{ORIGIN}/**", serve)
            page.goto(f"{ORIGIN}/index.html")
            page.evaluate("() => Promise.all([...document.fonts].map(f => f.load()))")
            page.evaluate("() => document.fonts.ready.then(() => true)")
            raw = page.evaluate(_MEASURE_JS, len(cases))
            # A long word in a narrow box: two lines or more only if Chromium hyphenates it.
            hyphenates = page.evaluate("() => document.getElementById('probe').offsetHeight > 30")
        finally:
            context.close()
    global CHROMIUM_HYPHENATES
    CHROMIUM_HYPHENATES = hyphenates
    return [_group(case, chars) for case, chars in zip(cases, raw)]


# Whether the Chromium of the last run hyphenates English (it needs dictionaries it downloads).
CHROMIUM_HYPHENATES = False


def _group(case: Case, chars: list[Any]) -> Lines:
    """Code points into lines by the line box their rectangle's middle is in."""
    line_box = case.size * LINE_HEIGHT
    texts: dict[int, list[str]] = {}
    extents: dict[int, list[float]] = {}
    for ch, rect in zip(case.text, chars):
        if rect is None:
            continue
        index = int(rect[0] // line_box)
        texts.setdefault(index, []).append(ch)
        if not ch.isspace() and not (ch == SOFT_HYPHEN and rect[2] - rect[1] < 0.01):
            extent = extents.setdefault(index, [rect[1], rect[2]])
            extent[0], extent[1] = min(extent[0], rect[1]), max(extent[1], rect[2])
    lines: Lines = []
    for index in sorted(texts):
        left, right = extents.get(index, [0.0, 0.0])
        lines.append(("".join(texts[index]), right - left))
    return lines


# ---------------------------------------------------------------------------------------------
# Comparison

def line_starts(text: str, lines: list[str]) -> list[int]:
    """Where each line starts in `text`, in code points; a hyphen a line adds is not in `text`."""
    starts = []
    pos = 0
    for line in lines:
        while pos < len(text) and text[pos] in " \t":
            pos += 1  # spaces at a break hang; which line a browser reports them on varies
        starts.append(pos)
        body = line.strip(" \t")
        if body.endswith(tuple(HYPHENS)) and not text.startswith(body, pos):
            body = body[:-1]  # a hyphen drawn at a break, not typed
        visible = text[pos:].replace(SOFT_HYPHEN, "")
        if not visible.startswith(body.replace(SOFT_HYPHEN, "")):
            return starts + [-1]  # not a prefix: the lines lost or changed text
        # Advance over `body` in the source, soft hyphens included.
        seen = 0
        target = len(body.replace(SOFT_HYPHEN, ""))
        while pos < len(text) and seen < target:
            if text[pos] != SOFT_HYPHEN:
                seen += 1
            pos += 1
        while pos < len(text) and text[pos] == SOFT_HYPHEN:
            pos += 1
        while pos < len(text) and text[pos] in " \t":
            pos += 1
    return starts


def compare(cases: list[Case], ours: list[Lines], theirs: list[Lines]) -> tuple[int, int, int, int]:
    same = 0
    widths_ok = widths = 0
    for case, a, b in zip(cases, ours, theirs):
        # A tab is a space on both sides (`white-space: normal`).
        text = case.text.replace("\t", " ")
        starts_a = line_starts(text, [t.replace("\t", " ") for t, _ in a])
        starts_b = line_starts(text, [t.replace("\t", " ") for t, _ in b])
        if starts_a == starts_b:
            same += 1
            for (_, wa), (_, wb) in zip(a, b):
                widths += 1
                widths_ok += abs(wa - wb) <= 1.0
        else:
            print(f"\n-- {case.family} {case.weight} {case.size}px ls={case.letter_spacing} "
                  f"width={case.width} ow={case.overflow_wrap} wb={case.word_break} "
                  f"hy={case.hyphens}\n   {case.text!r}")
            for label, lines in (("pinrender", a), ("chromium ", b)):
                print(f"   {label}: " + " | ".join(f"{t.rstrip()!r}:{w:.1f}" for t, w in lines))
    return same, len(cases), widths_ok, widths


def record(path: Path, cases: list[Case], theirs: list[Lines], every: int) -> None:
    """Keep every `every`-th case with Chromium's lines, for the tests (no Chromium needed)."""
    kept = []
    for i, (case, lines) in enumerate(zip(cases, theirs)):
        if i % every:
            continue
        kept.append({**asdict(case), "lines": [_visible(t) for t, _ in lines],
                     "widths": [round(w, 2) for _, w in lines]})
    path.write_text(json.dumps({"chromium": _version(), "cases": kept}, ensure_ascii=False,
                               indent=1) + "\n", encoding="utf-8")
    print(f"recorded {len(kept)} cases in {path}")


def _visible(line: str) -> str:
    return unicodedata.normalize("NFC", line).strip(" \t")


def _version() -> str:
    import subprocess

    chromium = os.environ.get("PINRENDER_CHROMIUM") or shutil.which("chromium") or "chromium"
    out = subprocess.run([chromium, "--version"], capture_output=True, text=True, check=False)
    return out.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--props", action="store_true",
                        help="also overflowWrap, wordBreak and hyphens")
    parser.add_argument("--only-props", action="store_true")
    parser.add_argument("--record", type=Path, help="write the regression subset to this JSON file")
    parser.add_argument("--every", type=int, default=6, help="keep every n-th case when recording")
    args = parser.parse_args()

    cases = [] if args.only_props else corpus()
    if args.props or args.only_props:
        cases += prop_corpus()
    started = time.perf_counter()
    theirs = chromium_lines(cases)
    chromium_s = time.perf_counter() - started
    started = time.perf_counter()
    ours = [pinrender_lines(case) for case in cases]
    ours_s = time.perf_counter() - started
    if not CHROMIUM_HYPHENATES:
        # Without dictionaries Chromium ignores `hyphens: auto`: show ours, compare the rest.
        auto = [i for i, c in enumerate(cases) if c.hyphens == "auto"]
        if auto:
            print(f"Chromium has no hyphenation dictionary: {len(auto)} `hyphens: auto` cases "
                  "are not compared; pinrender's lines for them:")
            for i in auto:
                print(f"   {cases[i].family} {cases[i].size}px width={cases[i].width}: "
                      + " | ".join(t for t, _ in ours[i]))
        keep = [i for i, c in enumerate(cases) if c.hyphens != "auto"]
        cases, ours, theirs = ([x[i] for i in keep] for x in (cases, ours, theirs))  # type: ignore[assignment]
    same, total, widths_ok, widths = compare(cases, ours, theirs)
    print(f"\nidentical lines: {same}/{total} = {same / total:.1%}")
    if widths:
        print(f"line widths within 1 px (of identical cases' lines): {widths_ok}/{widths} = "
              f"{widths_ok / widths:.1%}")
    print(f"chromium {chromium_s:.1f} s, pinrender {ours_s:.1f} s")
    if args.record:
        record(args.record, cases, theirs, args.every)


if __name__ == "__main__":
    main()
