"""Writing systems: which ones the fonts cover, which need shaping, and one warning per gap.

A script without a font renders as empty boxes (.notdef) and the render still succeeds, so the
first time that happens in a process we log a warning naming the package that fixes it, once
per script: a server rendering ten thousand CJK cards should say it once, not ten thousand times.
"""

from __future__ import annotations

import logging
import threading
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .registry import FontRegistry

log = logging.getLogger("pinrender")

_CJK_PACKAGE = "fonts-noto-cjk"
_CORE_PACKAGE = "fonts-noto-core"


@dataclass(frozen=True)
class Script:
    name: str
    sample: str  # a font must map all of these to count as covering the script
    package: str  # the Debian/Ubuntu package with a font for it
    ranges: tuple[tuple[int, int], ...]
    complex: bool = False  # letters join, reorder or stack: plain left-to-right glyphs are wrong


SCRIPTS: tuple[Script, ...] = (
    Script("Latin", "AaZzÉé", _CORE_PACKAGE, ((0x0041, 0x024F), (0x1E00, 0x1EFF))),
    Script("Greek", "ΑΩαω", _CORE_PACKAGE, ((0x0370, 0x03FF), (0x1F00, 0x1FFF))),
    Script("Cyrillic", "АЖЯжя", _CORE_PACKAGE, ((0x0400, 0x052F),)),
    Script("Hebrew", "אשת", _CORE_PACKAGE, ((0x0590, 0x05FF), (0xFB1D, 0xFB4F)), complex=True),
    Script("Arabic", "ابحم", _CORE_PACKAGE,
           ((0x0600, 0x06FF), (0x0750, 0x077F), (0x08A0, 0x08FF), (0xFB50, 0xFDFF),
            (0xFE70, 0xFEFF)), complex=True),
    Script("Devanagari", "कखनम", _CORE_PACKAGE, ((0x0900, 0x097F), (0xA8E0, 0xA8FF)), complex=True),
    Script("Thai", "กขคง", _CORE_PACKAGE, ((0x0E00, 0x0E7F),), complex=True),
    Script("Hangul", "한국어", _CJK_PACKAGE,
           ((0x1100, 0x11FF), (0x3130, 0x318F), (0xAC00, 0xD7AF))),
    Script("Hiragana/Katakana", "あいアイ", _CJK_PACKAGE, ((0x3040, 0x30FF), (0x31F0, 0x31FF))),
    Script("Han", "中文字", _CJK_PACKAGE,
           ((0x2E80, 0x2FDF), (0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xF900, 0xFAFF), (0x20000, 0x3FFFF))),
    Script("Emoji", "😀👍", "fonts-noto-color-emoji", ((0x1F300, 0x1FAFF), (0x2600, 0x27BF))),
)
# Other scripts that need a shaper; they are not in the coverage report, but text in them is
# refused without one rather than drawn wrong.
_OTHER_COMPLEX = (
    (0x0700, 0x074F), (0x0780, 0x07FF),  # Syriac, Thaana, N'Ko
    (0x0980, 0x0DFF),  # Bengali to Sinhala
    (0x0E80, 0x0FFF), (0x1000, 0x109F), (0x1780, 0x18AF),  # Lao, Tibetan, Myanmar, Khmer, Mongolian
)


def script_of(ch: str) -> Script | None:
    cp = ord(ch)
    for script in SCRIPTS:
        if any(lo <= cp <= hi for lo, hi in script.ranges):
            return script
    return None


def _unicode_script_name(ch: str) -> str:
    # Unicode character names start with their script: "ETHIOPIC SYLLABLE HA" -> "Ethiopic".
    return unicodedata.name(ch, f"U+{ord(ch):04X}").split()[0].title()


def needs_shaping(text: str) -> str | None:
    """The name of the first script in `text` that a shaper must lay out, or None."""
    for ch in text:
        cp = ord(ch)
        script = script_of(ch)
        if script is not None and script.complex:
            return script.name
        if any(lo <= cp <= hi for lo, hi in _OTHER_COMPLEX):
            return _unicode_script_name(ch)
        if cp == 0x200D or 0x1F1E6 <= cp <= 0x1F1FF or 0x1F3FB <= cp <= 0x1F3FF:
            return "Emoji sequences"  # ZWJ families, flags and skin tones are ligatures
    return None


def missing_scripts(fonts: FontRegistry) -> list[Script]:
    """The scripts of SCRIPTS that no face in `fonts` can draw."""
    faces = [m.face for m in fonts.fallback_chain(400, False)]
    return [s for s in SCRIPTS if not any(face.covers(s.sample) for face in faces)]


_warned: set[str] = set()
_warned_lock = threading.Lock()


def warn_no_font(cluster: str) -> None:
    """Log, once per script per process, that `cluster` is drawn as a box for want of a font."""
    letters = [ch for ch in cluster if unicodedata.category(ch)[0] not in "CZ"]
    if not letters:
        return  # controls and spaces draw nothing either way
    script = script_of(letters[0])
    if script is not None:
        name, package = script.name, script.package
    else:
        name = _unicode_script_name(letters[0])
        package = "fonts-noto-extra"
    with _warned_lock:
        if name in _warned:
            return
        _warned.add(name)
    log.warning(
        "no font has %s characters (first seen: %r); they render as empty boxes. Install a font "
        "for them (Debian/Ubuntu: apt-get install %s) or pass one to pinrender "
        "(Renderer(fonts=[...]), --font, PINRENDER_FONT_DIRS)",
        name, cluster, package,
    )
