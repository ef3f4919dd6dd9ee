"""The font registry: which families exist, where their files are, and the fallback chain.

Fonts come from three sources: the user's own files and folders, the bundled `fonts/` folder, and
the system's font folders. A family's faces merge across sources, none hiding another: a user's
bold file joins the system's regular and italic faces of the same family, and the best face for
a weight and style is chosen among all of them (ties go to user, then bundled, then system).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import pinrender

from .._errors import FontError
from .faces import FONT_SUFFIXES, SOURCE_PRIORITY, Face, read_faces
from .matching import Match, match_face
from .scripts import warn_no_font

Source = Literal["user", "bundled", "system"]
FontPath = str | os.PathLike[str]

# Tried in this order for characters the requested family lacks; scripts first, emoji last so that
# digits and symbols the emoji font also maps keep their text presentation.
FALLBACK_FAMILIES = (
    "Inter",
    "Noto Sans",
    "Noto Sans Arabic",
    "Noto Sans Hebrew",
    "Noto Sans Devanagari",
    "Noto Serif",
    "JetBrains Mono",
)
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.fonts",
    "~/.local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
)


@dataclass(frozen=True)
class FamilyInfo:
    name: str
    source: Source  # the strongest source among its faces
    files: tuple[str, ...]
    weights: tuple[int, ...]  # static weights, or a variable face's range as its min and max
    italic: bool
    sources: tuple[Source, ...] = ()  # every source that has faces of it, strongest first


class FontRegistry:
    """A set of font families. Safe to share between threads; registration is rare, lookups many."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faces: dict[str, list[Face]] = {}  # lower-case family -> faces of its best source
        self._paths: set[str] = set()
        self._fingerprint = ""
        self._match_cache: dict[tuple[str, int, bool], Match | None] = {}
        self._chain_cache: dict[tuple[int, bool], tuple[Match, ...]] = {}
        self._cluster_cache: dict[tuple[str, str, int, bool, str | None], Match] = {}
        self._update_fingerprint()

    # -- registration -------------------------------------------------------------------------

    def register_file(self, path: FontPath, source: Source = "user") -> None:
        """Add every face of one font file. Raises FontError naming the file if it is unusable."""
        given = Path(path).expanduser()
        if not given.is_file():
            raise FontError(f"font file {path} does not exist" if not given.exists()
                            else f"{path} is not a file")
        self._add(read_faces(given.resolve(), source, verify=source == "user"))

    def register_folder(self, path: FontPath, source: Source = "user") -> None:
        """Add every font file (.ttf .otf .ttc .otc) under a folder, recursively.

        A user's folder must hold only usable fonts (FontError names the first bad file); in the
        bundled and system folders an unreadable file is skipped.
        """
        root = Path(path).expanduser()
        if not root.is_dir():
            raise FontError(f"font folder {path} does not exist" if not root.exists()
                            else f"{path} is not a folder")
        faces: list[Face] = []
        for file in _font_files(root):
            try:
                faces.extend(read_faces(file.resolve(), source, verify=source == "user"))
            except FontError:
                if source == "user":
                    raise
        self._add(faces)

    def register(self, paths: Iterable[FontPath]) -> None:
        """Add the user's fonts: each path a font file or a folder of them."""
        for path in paths:
            if Path(path).expanduser().is_dir():
                self.register_folder(path)
            else:
                self.register_file(path)

    def copy(self) -> FontRegistry:
        """A registry with the same faces, to add fonts to without changing this one."""
        other = FontRegistry()
        with self._lock:
            other._faces = {key: list(faces) for key, faces in self._faces.items()}
            other._paths = set(self._paths)
        other._update_fingerprint()
        return other

    def _add(self, faces: Iterable[Face]) -> None:
        with self._lock:
            for face in faces:
                key = face.family.lower()
                current = self._faces.get(key, [])
                if any((f.path, f.index) == (face.path, face.index) for f in current):
                    continue
                self._faces[key] = [*current, face]
                self._paths.add(face.path)
            self._match_cache.clear()
            self._chain_cache.clear()
            self._cluster_cache.clear()
            self._update_fingerprint()

    def _update_fingerprint(self) -> None:
        # File name, size and the table directory (which holds every table's checksum) identify a
        # font's content without depending on where this machine keeps it.
        h = hashlib.blake2b(digest_size=12)
        for _key, faces in sorted(self._faces.items()):
            for face in sorted(faces, key=_face_order):
                h.update(
                    f"{face.family}|{face.source}|{Path(face.path).name}|{face.index}|".encode()
                )
                h.update(_file_stamp(face.path))
        self._fingerprint = h.hexdigest()

    # -- queries ------------------------------------------------------------------------------

    @property
    def fingerprint(self) -> str:
        """Changes whenever the set of usable font files changes; part of render content keys."""
        return self._fingerprint

    def families(self) -> list[FamilyInfo]:
        out = []
        for faces in self._faces.values():
            weights: set[int] = set()
            for f in faces:
                weights.update((f.weight_min, f.weight_max))
            sources = sorted({f.source for f in faces}, key=SOURCE_PRIORITY.__getitem__)
            out.append(
                FamilyInfo(
                    name=min(faces, key=_face_order).family,
                    source=sources[0],  # type: ignore[arg-type]
                    files=tuple(sorted({f.path for f in faces})),
                    weights=tuple(sorted(weights)),
                    italic=any(f.italic for f in faces),
                    sources=tuple(sources),  # type: ignore[arg-type]
                )
            )
        return sorted(out, key=lambda info: info.name.lower())

    def faces(self) -> list[Face]:
        """Every face, by family, then source (user, bundled, system), weight and style."""
        return sorted((f for faces in self._faces.values() for f in faces),
                      key=lambda f: (f.family.lower(), *_face_order(f)))

    def has_family(self, name: str) -> bool:
        return name.strip().lower() in self._faces

    def check_family(self, name: str) -> None:
        """Raise FontError naming a few known families if `name` is not one of them."""
        if self.has_family(name):
            return
        known = [f.name for f in self.families() if f.source != "system"] or [
            f.name for f in self.families()
        ]
        hint = ", ".join(known[:6]) if known else "none are installed"
        raise FontError(f"unknown font family {name!r}; known families include {hint}")

    def match(self, family: str, weight: int, italic: bool) -> Match | None:
        key = (family.strip().lower(), weight, italic)
        if key not in self._match_cache:
            self._match_cache[key] = match_face(self._faces.get(key[0], []), weight, italic)
        return self._match_cache[key]

    def fallback_chain(self, weight: int, italic: bool) -> tuple[Match, ...]:
        """Faces to try, in order, for a character the requested family lacks."""
        key = (weight, italic)
        chain = self._chain_cache.get(key)
        if chain is None:
            names = [n.lower() for n in FALLBACK_FAMILIES]
            rest = sorted(
                (k for k in self._faces if k not in names),
                key=lambda k: (min(SOURCE_PRIORITY[f.source] for f in self._faces[k]),
                               _is_emoji(k), k),
            )
            matches = (self.match(name, weight, italic) for name in [*names, *rest])
            chain = tuple(m for m in matches if m is not None)
            self._chain_cache[key] = chain
        return chain

    def emoji_faces(self) -> tuple[Match, ...]:
        return tuple(m for m in self.fallback_chain(400, False) if _is_emoji(m.face.family.lower()))

    def face_for(self, cluster: str, family: str, weight: int, italic: bool, emoji: bool,
                 lang: str | None = None) -> Match:
        """The face that draws a grapheme cluster: the family's own if it covers it, else a
        fallback; among fallbacks, a CJK family made for `lang` first (Noto Sans CJK JP for ja)."""
        key = (cluster, family.lower(), weight * 2 + int(italic), emoji,
               cjk_region(lang) if _is_cjk(cluster) else None)
        found = self._cluster_cache.get(key)  # type: ignore[arg-type]
        if found is not None:
            return found
        primary = self.match(family, weight, italic)
        candidates: list[Match] = []
        if emoji:
            candidates.extend(self.emoji_faces())
        if primary is not None:
            candidates.append(primary)
        chain = self.fallback_chain(weight, italic)
        region = cjk_region(lang) if _is_cjk(cluster) else None
        if region is not None:
            suffix = f" {region.lower()}"
            chain = tuple(sorted(chain, key=lambda m: not m.face.family.lower().endswith(suffix)))
        candidates.extend(chain)
        found = next((m for m in candidates if m.face.covers(cluster)), None)
        if found is None:
            # Nobody has it: let the primary face draw its .notdef rather than fail the render,
            # and say once which font would have drawn it.
            found = primary or candidates[0] if candidates else None
            if found is None:
                raise FontError("no fonts are available to draw text")
            warn_no_font(cluster)
        if len(self._cluster_cache) > 50_000:
            self._cluster_cache.clear()
        self._cluster_cache[key] = found  # type: ignore[index]
        return found


_CJK_RANGES = ((0x1100, 0x11FF), (0x2E80, 0x9FFF), (0xA960, 0xA97F), (0xAC00, 0xD7FF),
               (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def _is_cjk(cluster: str) -> bool:
    """Han, kana, hangul, bopomofo and CJK punctuation: what a CJK font draws per language."""
    cp = ord(cluster[0]) if cluster else 0
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


def cjk_region(lang: str | None) -> str | None:
    """The region suffix of the CJK font families made for a language (JP, KR, SC, TC, HK)."""
    if not lang:
        return None
    parts = [p.lower() for p in lang.split("-")]
    if parts[0] == "ja":
        return "JP"
    if parts[0] == "ko":
        return "KR"
    if parts[0] != "zh":
        return None
    if "hant" in parts:
        return "HK" if {"hk", "mo"} & set(parts) else "TC"
    if "hans" in parts:
        return "SC"
    if {"hk", "mo"} & set(parts):
        return "HK"
    return "TC" if "tw" in parts else "SC"


def _face_order(face: Face) -> tuple[int, int, bool, str, int]:
    return (SOURCE_PRIORITY[face.source], face.weight_min, face.italic, face.path, face.index)


def user_fonts(base: FontRegistry, paths: Sequence[FontPath]) -> FontRegistry:
    """`base` plus the user's font files and folders, as a new registry (`base` is unchanged)."""
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]  # one path, not a sequence of one-letter paths
    registry = base.copy()
    registry.register(paths)
    return registry


@lru_cache(maxsize=4096)
def _file_stamp(path: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            head = fh.read(4096)
        return str(os.path.getsize(path)).encode() + hashlib.blake2b(head, digest_size=8).digest()
    except OSError:
        return b"missing"


def _is_emoji(family_key: str) -> bool:
    return "emoji" in family_key


def _font_files(root: Path) -> list[Path]:
    found: list[Path] = []
    for dirpath, _dirs, files in os.walk(root, followlinks=True):
        for name in files:
            if Path(name).suffix.lower() in FONT_SUFFIXES:
                found.append(Path(dirpath) / name)
    return sorted(found)


def bundled_fonts_dir() -> Path:
    override = os.environ.get("PINRENDER_FONTS_DIR")
    if override:
        return Path(override)
    # An installed wheel carries the fonts as package data; a checkout uses the repository's folder.
    package = Path(pinrender.__file__).resolve().parent
    packaged = package / "_data" / "fonts"
    return packaged if packaged.is_dir() else package.parent / "fonts"


def _system_fonts_enabled() -> bool:
    return os.environ.get("PINRENDER_SYSTEM_FONTS", "1").strip().lower() not in {
        "0",
        "false",
        "no",
        "off",
    }


def build_registry(bundled: Path | None = None, system: bool | None = None) -> FontRegistry:
    """A fresh registry of the bundled folder and, unless disabled, the system's fonts."""
    registry = FontRegistry()
    folder = bundled if bundled is not None else bundled_fonts_dir()
    if folder.is_dir():
        registry.register_folder(folder, source="bundled")
    if _system_fonts_enabled() if system is None else system:
        for raw in SYSTEM_FONT_DIRS:
            path = Path(raw).expanduser()
            if path.is_dir():
                registry.register_folder(path, source="system")
    return registry


@lru_cache(maxsize=1)
def default_fonts() -> FontRegistry:
    """The process-wide registry: bundled fonts plus system fonts (PINRENDER_SYSTEM_FONTS=0 skips them)."""
    return build_registry()
