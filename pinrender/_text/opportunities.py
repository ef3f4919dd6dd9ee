"""Where a line may break, as Chromium decides it (CSS `word-break`, `white-space: normal`).

Blink does not ask ICU about every pair of characters. For two characters both in U+0021..U+00FF
it reads a pair table: ICU's answer for the two characters on their own, overridden between
printable ASCII characters by rules kept for compatibility with other browsers (no break after
'/' or before ')' ',' '.', a break before '(' '[' '{' '<' and after '-' and '?', none in '$5-$10').
A hyphen before a digit breaks only after a letter or digit ("2026-" | "11", "ABCD-" | "1234", not
"-5"). Any other pair takes ICU's UAX #14 answer for the whole paragraph. Spaces: a break comes
after a run of spaces, never inside it.

`word-break: break-all` adds a break between letters and digits of any script; `keep-all` takes
away the breaks between letters and digits (CJK ideographs and Hangul then break only at spaces
and punctuation), except in scripts that need a dictionary (Thai, Lao, Khmer, Myanmar).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import Literal

from icu4py.breakers import LineBreaker

WordBreak = Literal["normal", "break-all", "keep-all"]

_LOCALE = "en"
_FIRST, _LAST_ASCII, _LAST = 0x21, 0x7F, 0xFF
_SPACES = " \t\n"  # breakable spaces; NBSP and the like are not


# -- the pair table ------------------------------------------------------------------------------

def _ascii_pair(a: str, b: str) -> bool:
    """Whether a line may break between two printable ASCII characters."""
    if a.isascii() and a.isalnum() or a in "$'(/<@[^_`{\x7f":
        return False  # never after letters, digits, openers, '/', '$', '@' ...
    if b in "!),./:;?]}":
        return False  # never before closers and in-word punctuation
    if a == "-":
        return b != "$" and not b.isdigit()  # '-' + digit is decided with its context
    if a == "?":
        return b not in "\"'"
    return b in "(<[{"


@lru_cache(maxsize=8192)
def _latin1_pair(a: str, b: str) -> bool:
    """ICU's answer for the two characters alone, as Blink's table generator asks it."""
    return len(_boundaries(a + b)) > 2


def pair_breaks(a: str, b: str) -> bool:
    """The pair table for two characters in U+0021..U+00FF."""
    if ord(a) <= _LAST_ASCII and ord(b) <= _LAST_ASCII:
        return _ascii_pair(a, b)
    return _latin1_pair(a, b)


# -- ICU -----------------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def _boundaries(text: str) -> tuple[int, ...]:
    """UAX #14 break positions of `text` (0 and len included), from ICU."""
    positions = [0]
    for segment in LineBreaker(text, _LOCALE):
        positions.append(positions[-1] + len(segment))
    return tuple(positions)


# -- word-break ----------------------------------------------------------------------------------

def _needs_dictionary(ch: str) -> bool:
    cp = ord(ch)
    return (0x0E00 <= cp <= 0x0EFF or 0x1000 <= cp <= 0x109F or 0x1780 <= cp <= 0x17FF
            or 0x1950 <= cp <= 0x19DF or 0x1A20 <= cp <= 0x1AAF or 0xAA60 <= cp <= 0xAADF)


def _letter_or_digit(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "LN" and not _needs_dictionary(ch)


def _keep_all(before: str, last: str, current: str) -> bool:
    """keep-all: no break between letters or digits (a mark counts as its base)."""
    base = before if unicodedata.category(last)[0] == "M" and before else last
    return bool(base) and _letter_or_digit(base) and _letter_or_digit(current)


def _break_all_class(ch: str) -> str:
    """The classes Blink's break-all table tells apart, coarsely: letters and digits (and '/',
    which breaks like them), closing and in-word punctuation, the hyphen, and the rest."""
    category = unicodedata.category(ch)
    if category[0] in "LN" or ch == "+":
        return "letter"
    if ch == "/":
        return "slash"  # breaks after like a letter, never before
    if ch == "-":
        return "hyphen"
    if category in ("Pe", "Pf", "Po"):
        return "close"
    return "other"


def _break_all(last_class: str, current: str) -> bool:
    """break-all: letters and digits of any script break between each other (CSS: as if every
    letter were an ideograph), and before a hyphen, an opening bracket or a currency sign."""
    if last_class == "hyphen":
        return current.isdigit()
    if last_class not in ("letter", "slash", "close"):
        return False
    if _break_all_class(current) in ("letter", "hyphen"):
        return True
    return last_class != "close" and unicodedata.category(current) in ("Ps", "Sc")


# -- the iterator ------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def break_positions(text: str, word_break: WordBreak = "normal") -> tuple[int, ...]:
    """Positions (code point indices, 0 < i < len) before which a line may start."""
    n = len(text)
    if n < 2:
        return ()
    icu: frozenset[int] | None = None
    out: list[int] = []
    last_class = "other"  # of the last character before i that is not a mark
    for i in range(1, n):
        last, current = text[i - 1], text[i]
        before = text[i - 2] if i >= 2 else ""
        if word_break == "break-all" and unicodedata.category(last)[0] != "M":
            last_class = _break_all_class(last)
        if current in _SPACES:
            continue  # the break comes after the whole run of spaces
        if last in _SPACES:
            out.append(i)
            continue
        fast: bool | None  # True: break, False: none, None: ask ICU
        if ord(last) < _FIRST or ord(current) < _FIRST:
            fast = False
        elif last == "-" and current.isascii() and current.isdigit():
            fast = before.isascii() and before.isalnum()  # "2026-11", "ABCD-1234"; not "-5"
        elif ord(last) <= _LAST and ord(current) <= _LAST:
            fast = pair_breaks(last, current)
        else:
            fast = None
        if fast:
            out.append(i)
            continue
        if word_break == "break-all":
            if _break_all(last_class, current):
                out.append(i)
                continue
        elif word_break == "keep-all" and _keep_all(before, last, current):
            continue
        if fast is None:
            if icu is None:
                icu = frozenset(_boundaries(text))
            if i in icu:
                out.append(i)
    return tuple(out)
