"""Text segmentation with ICU, as browsers do it: UAX #14 line-break units and grapheme clusters."""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from icu4py.breakers import CharacterBreaker, LineBreaker

_LOCALE = "en"


@lru_cache(maxsize=4096)
def break_units(text: str) -> tuple[str, ...]:
    """Pieces between line-break opportunities; each keeps its trailing spaces ("hello, " "world")."""
    if not text:
        return ()
    return tuple(LineBreaker(text, _LOCALE))


@lru_cache(maxsize=4096)
def clusters(text: str) -> tuple[str, ...]:
    """Extended grapheme clusters: what a reader sees as one character (e + accent, 👍🏽, 🇫🇷)."""
    if not text:
        return ()
    return tuple(CharacterBreaker(text, _LOCALE))


def is_emoji_cluster(cluster: str) -> bool:
    """True when the cluster wants emoji presentation, so the colour font is tried first."""
    for ch in cluster:
        cp = ord(ch)
        if cp == 0xFE0F or cp == 0x200D or 0x1F1E6 <= cp <= 0x1F1FF or 0x1F3FB <= cp <= 0x1F3FF:
            return True
        if 0x1F000 <= cp <= 0x1FAFF and cp not in range(0x1F100, 0x1F1E6):
            return True
    return False


def is_cursive(cluster: str) -> bool:
    """Scripts whose letters join; CSS says letter-spacing must not pull them apart."""
    return any(0x0600 <= ord(ch) <= 0x08FF or 0xFB50 <= ord(ch) <= 0xFEFF for ch in cluster)


def is_neutral(cluster: str) -> bool:
    """Spaces, punctuation, digits and symbols: they may stay in the surrounding run's font."""
    return not any(unicodedata.category(ch)[0] in "LM" for ch in cluster)


def transform(text: str, how: str) -> str:
    """CSS text-transform."""
    if how == "uppercase":
        return text.upper()
    if how == "lowercase":
        return text.lower()
    if how == "capitalize":
        out = []
        previous = " "
        for ch in text:
            starts_word = unicodedata.category(previous)[0] not in "LMN" and previous not in "'’"
            out.append(ch.title() if starts_word and unicodedata.category(ch)[0] == "L" else ch)
            previous = ch
        return "".join(out)
    return text
