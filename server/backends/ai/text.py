"""Extractive text methods for the offline backend: sentences and words by ICU's break rules
(icu4py, which pinrender already uses for line breaking), keywords by TF-IDF over the article's
paragraphs with the headings and the purpose weighted up, and key phrases as runs of content
words (the RAKE idea: stop words and punctuation delimit candidate phrases).

Nothing here invents content: every word it returns was in its input."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser

from icu4py.breakers import SentenceBreaker, WordBreaker

STOP_WORDS = frozenset("""
a about above after again against all almost also although always am among an and another any
anyone anything are around as at away back be became because become becomes been before being below
between both but by can cannot could did do does doing done down during each either else enough even
ever every few first for from further get gets getting give given go goes going got had has have
having he her here hers herself him himself his how however i if in into is it its itself just keep
kind last less let like made make makes making many may me might mine more most much must my myself
near need needs never new next no none nor not nothing now of off often on once one only onto or
other others our ours ourselves out over own per perhaps put quite rather really same see seem seems
several shall she should show shows since so some something still such take than that the their
theirs them themselves then there these they thing things this those though through thus to too
toward towards under until up upon us use used uses using very via was we well were what whatever
when where whether which while who whom whose why will with within without would yet you your yours
yourself yourselves image images picture photo show shows showing want wants page article section
sell sells selling buy buys buying help helps helping create creates creating include includes including
provide provides providing offer offers offering explain explains describe describes remember learn
""".split())
# Splits on blank lines: paragraphs of an article.
_PARAGRAPHS = re.compile(r"\n\s*\n")
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_LETTER = re.compile(r"\w")
_POSSESSIVE = re.compile(r"['\u2019]s$")
MAX_INPUT = 200_000  # characters analysed; the rest of a very long article is not read


def sentences(text: str) -> list[str]:
    """The sentences of `text` by ICU's sentence break rules, stripped, empty ones dropped."""
    text = text[:MAX_INPUT]
    if not text.strip():
        return []
    out: list[str] = []
    for part in SentenceBreaker(text, "en"):
        # A line break without a full stop still ends a heading or a list item.
        out.extend(stripped for line in part.split("\n") if (stripped := line.strip().lstrip("#").strip()))
    return out


def tokens(text: str) -> list[str]:
    """ICU word segments of `text`, spaces dropped, punctuation kept (it delimits phrases)."""
    if not text.strip():
        return []
    return [t for t in WordBreaker(text[:MAX_INPUT], "en") if t.strip()]


def is_word(token: str) -> bool:
    return bool(_LETTER.search(token)) and not token.isdigit()


def term(token: str) -> str:
    """The key a word is counted under: lower case, a plain English plural folded."""
    word = token.lower().replace("\u2019", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def content_terms(text: str) -> list[tuple[str, str]]:
    """(term, surface) for each content word of `text`, in order."""
    return [(term(t), _POSSESSIVE.sub("", t)) for t in tokens(text)
            if is_word(t) and len(t) > 1 and term(t) not in STOP_WORDS and t.lower() not in STOP_WORDS]


@dataclass
class Keywords:
    """TF-IDF weights of the terms of some texts, and the form each was written in."""

    scores: dict[str, float] = field(default_factory=dict)
    surface: dict[str, str] = field(default_factory=dict)
    first: dict[str, int] = field(default_factory=dict)  # order of first appearance

    def top(self, n: int) -> list[str]:
        """The `n` best words as written in the input (ties in the order they came)."""
        best = sorted(self.scores, key=lambda k: (-round(self.scores[k], 9), self.first.get(k, 0)))[:n]
        return [self.surface[k] for k in best]

    def score(self, text: str) -> float:
        return sum(self.scores.get(k, 0.0) for k, _ in content_terms(text))


def keywords(documents: Sequence[str], *, boosted: Iterable[str] = ()) -> Keywords:
    """Weights over `documents` (paragraphs or sections): term frequency (log-scaled) times
    inverse document frequency; terms that also appear in `boosted` texts (headings, purpose)
    count double."""
    docs = [d for d in documents if d.strip()] or [""]
    counts: Counter[str] = Counter()
    df: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    first: dict[str, int] = {}
    for doc in docs:
        found = content_terms(doc)
        counts.update(k for k, _ in found)
        df.update({k for k, _ in found})
        for k, s in found:
            forms.setdefault(k, Counter())[s] += 1
            first.setdefault(k, len(first))
    boost: set[str] = set()
    for text in boosted:
        for k, s in content_terms(text):
            boost.add(k)
            counts[k] += 1
            df[k] = max(df[k], 1)
            forms.setdefault(k, Counter())[s] += 1
            first.setdefault(k, len(first))
    n = len(docs)
    result = Keywords(first=first)
    for k, tf in counts.items():
        idf = math.log((1 + n) / (1 + df[k])) + 1
        result.scores[k] = (1 + math.log(tf)) * idf * (2.0 if k in boost else 1.0)
        # The most frequent spelling, preferring lower case for ordinary words.
        result.surface[k] = max(forms[k].items(), key=lambda item: (item[1], item[0].islower()))[0]
    return result


def phrases(text: str, weights: Keywords, *, longest: int = 3) -> list[tuple[float, str]]:
    """Candidate key phrases of `text`, best first: n-grams of up to `longest` content words
    inside the runs between stop words and punctuation, scored by the sum of their words' weights."""
    best: dict[str, tuple[float, str]] = {}
    run: list[str] = []

    def close() -> None:
        # Every n-gram of the run up to `longest` words: a word that loses its pair to an
        # earlier phrase can still stand alone.
        windows = [run[i:i + n] for n in range(1, longest + 1) for i in range(len(run) - n + 1)]
        for words in windows:
            key = " ".join(term(w) for w in words)
            score = sum(weights.scores.get(term(w), 0.0) for w in words)
            if key not in best or best[key][0] < score:
                best[key] = (score, " ".join(words))
        run.clear()

    for token in (WordBreaker(text[:MAX_INPUT], "en") if text.strip() else ()):
        if not token.strip() and "\n" not in token:
            continue  # a space inside a line joins words; a line break ends the phrase
        if is_word(token) and len(token) > 1 and term(token) not in STOP_WORDS and token.lower() not in STOP_WORDS:
            run.append(token)
        else:
            close()
    close()
    return sorted(best.values(), key=lambda item: (-item[0], item[1]))


def paragraphs(text: str) -> list[str]:
    """Blank-line separated paragraphs; a text without blank lines is split at line breaks."""
    parts = [p.strip() for p in _PARAGRAPHS.split(text[:MAX_INPUT]) if p.strip()]
    if len(parts) <= 1:
        parts = [p.strip() for p in text[:MAX_INPUT].split("\n") if p.strip()]
    return parts


def markdown_headings(text: str) -> list[str]:
    """`# Heading` lines of a Markdown article, without their marks."""
    return [m.group(1) for line in text[:MAX_INPUT].split("\n") if (m := _MARKDOWN_HEADING.match(line))]


def first_words(text: str, count: int = 8) -> str:
    words = text.split()
    return " ".join(words[:count]) + ("…" if len(words) > count else "")


def best_sentence(text: str, weights: Keywords, *, limit: int = 400) -> str:
    """The sentence of `text` carrying the most keyword weight per word (long ones are not
    favoured for their length alone), cut to `limit` characters."""
    candidates = sentences(text)
    if not candidates:
        return ""

    def value(sentence: str) -> float:
        return weights.score(sentence) / math.sqrt(max(1, len(sentence.split())))

    best = max(candidates, key=value)
    return best if len(best) <= limit else best[: limit - 1].rstrip() + "…"


def title_case(phrase: str) -> str:
    # Only the first letter of each word: "iOS" and "NASA" keep their own capitals.
    return " ".join(w[:1].upper() + w[1:] for w in phrase.split())


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:48] or "concept"


WIDE_WORDS = frozenset("banner landscape panorama panoramic wide header skyline horizon cinematic hero".split())
TALL_WORDS = frozenset("portrait tall poster phone story stories vertical standing tower".split())


def suggested_ratio(text: str, default: str) -> str:
    """The ratio a prompt's words ask for: 16:9 for banners and landscapes, 3:4 for portraits and
    posters, else `default` (how both backends resolve `aspect_ratio: "auto"`)."""
    words = {t.lower() for t in tokens(text[:MAX_INPUT])}
    if words & WIDE_WORDS:
        return "16:9"
    if words & TALL_WORDS:
        return "3:4"
    return default


_HTML_HINT = re.compile(r"<(?:p|div|h[1-6]|br|span|article|section|li|ul|ol|a|img|strong|em)\b[^>]*>", re.IGNORECASE)
_BLOCKS = frozenset("p div br li ul ol article section header footer main aside blockquote pre table tr figure "
                    "figcaption hr dl dt dd".split())
_SKIPPED = frozenset("script style noscript template svg head".split())


class _Plain(HTMLParser):
    """HTML as the text a reader sees: headings as `## …` lines, blocks as paragraphs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n## ")
        elif tag in _BLOCKS:
            self.parts.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS or re.fullmatch(r"h[1-6]", tag):
            self.parts.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(re.sub(r"\s+", " ", data))


def plain_text(text: str) -> str:
    """`text` itself, or, when it is HTML, the text a reader sees (tags, scripts and styles gone,
    headings as Markdown `## ` lines so they count as headings)."""
    if not _HTML_HINT.search(text[:MAX_INPUT]):
        return text
    parser = _Plain()
    parser.feed(text[:MAX_INPUT])
    parser.close()
    joined = "".join(parser.parts)
    return re.sub(r"[ \t]*\n[ \t\n]*\n[ \t]*", "\n\n", joined).strip()
