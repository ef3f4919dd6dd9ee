"""`hyphens: auto`: hyphenation points from pyphen's dictionaries (LibreOffice's, by language).

Points follow Chromium's defaults (`hyphenate-limit-chars: auto`): words of at least 5 letters, at
least 2 letters before and after the hyphen, and no capitalised words (names, acronyms, the first
word of a title). A word is what lies between two break opportunities, less its punctuation; one
with anything but letters in it (a URL, "COVID-19") is left alone, and so is one that has soft
hyphens (CSS: the author's hyphens win). A language without a dictionary is not hyphenated.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pyphen

from .opportunities import break_positions

DEFAULT_LANG = "en"
_WORD = re.compile(r"\W*([^\W\d_]+)[\W_]*")  # letters, between optional punctuation
_SOFT_HYPHEN = "\u00ad"
_MIN_WORD = 5
_MIN_SIDE = 2


@lru_cache(maxsize=32)
def _dictionary(lang: str) -> pyphen.Pyphen | None:
    tag = lang.strip().replace("-", "_") or DEFAULT_LANG
    # "en" alone means en_US, as browsers read it; "de_AT" falls back to "de", and so on.
    name = pyphen.language_fallback("en_US" if tag.lower() == "en" else tag)
    return pyphen.Pyphen(lang=name, left=_MIN_SIDE, right=_MIN_SIDE) if name else None


@lru_cache(maxsize=4096)
def hyphenation_points(paragraph: str, lang: str = DEFAULT_LANG) -> tuple[int, ...]:
    """Code point positions inside words of `paragraph` where a hyphenated break may go."""
    dictionary = _dictionary(lang)
    if dictionary is None:
        return ()
    points: list[int] = []
    bounds = (0, *break_positions(paragraph), len(paragraph))
    for start, end in zip(bounds, bounds[1:]):
        word = _WORD.fullmatch(paragraph, start, end)
        if word is None or _SOFT_HYPHEN in paragraph[max(start - 1, 0) : end]:
            continue
        text = word.group(1)
        if len(text) < _MIN_WORD or text[0].isupper():
            continue
        points.extend(word.start(1) + i for i in dictionary.positions(text))
    return tuple(points)
