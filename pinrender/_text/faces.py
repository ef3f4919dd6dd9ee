"""What one font file offers, read once with fontTools: family, weights, italic, axes, metrics, cmap."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from .._errors import FontError

FONT_SUFFIXES = frozenset({".ttf", ".otf", ".ttc", ".otc"})
# The largest font file accepted. Pan-CJK collections are the biggest real fonts (Noto Serif CJK
# Bold .ttc is 27 MB); anything far past that is a mistake or an attack on memory.
MAX_FONT_BYTES = 64 * 2**20
# Where a family has faces from several sources, equally good matches prefer the user's own font,
# then the bundled one, then the system's.
SOURCE_PRIORITY: dict[str, int] = {"user": 0, "bundled": 1, "system": 2}


@dataclass(frozen=True)
class Face:
    """One face of a font file (a .ttc holds several, told apart by `index`)."""

    path: str
    index: int
    family: str
    weight_min: int  # a static face has weight_min == weight_max
    weight_max: int
    italic: bool
    # Normalised font metrics (per em), used for the CSS line box.
    ascent: float
    descent: float
    # A colour bitmap font (CBDT/sbix) only renders at these pixel sizes; empty for outline fonts.
    strikes: tuple[int, ...] = ()
    has_wght_axis: bool = False
    axes: tuple[str, ...] = ()
    source: str = "bundled"
    _cmap: list[frozenset[int]] = field(default_factory=list, compare=False, repr=False, hash=False)

    @property
    def variable(self) -> bool:
        return self.has_wght_axis

    @property
    def bitmap(self) -> bool:
        return bool(self.strikes)

    def weight_distance_key(self) -> int:
        return abs((self.weight_min + self.weight_max) // 2 - 400)

    def coverage(self) -> frozenset[int]:
        """The code points this face maps, read lazily: most system faces are never asked."""
        if not self._cmap:
            with _CMAP_LOCK:
                if not self._cmap:
                    self._cmap.append(_read_cmap(self.path, self.index))
        return self._cmap[0]

    def covers(self, text: str) -> bool:
        cmap = self.coverage()
        return all(ord(ch) in cmap or _ignorable(ch) for ch in text)


_CMAP_LOCK = threading.Lock()


def _ignorable(ch: str) -> bool:
    # Joiners and variation selectors are consumed by shaping; a face need not map them.
    cp = ord(ch)
    return cp in (0x200C, 0x200D, 0x20E3) or 0xFE00 <= cp <= 0xFE0F or 0xE0020 <= cp <= 0xE007F


_MAGIC = (b"\x00\x01\x00\x00", b"OTTO", b"true", b"ttcf", b"typ1")


def _read_cmap(path: str, index: int) -> frozenset[int]:
    try:
        with open(path, "rb") as fh, TTFont(fh, fontNumber=index, lazy=True) as font:
            cmap = font.getBestCmap() or {}
            return frozenset(cmap)
    except (OSError, TTLibError, AssertionError, KeyError):
        return frozenset()


def _family_name(font: TTFont) -> str:
    name = font["name"]
    # The typographic family (16) groups weights that legacy family names (1) split apart.
    for name_id in (16, 1):
        value = name.getDebugName(name_id)
        if value:
            return value.strip()
    return "Unnamed"


def read_faces(path: str | Path, source: str = "bundled", verify: bool = False) -> list[Face]:
    """Every face in a font file. Raises FontError naming the file if it is not a usable font.

    `verify` also loads each face with FreeType, the rasteriser that will draw it, so that a file
    fontTools accepts but FreeType refuses fails here rather than in the middle of a render.
    """
    path = str(path)
    try:
        size = os.path.getsize(path)
        if size > MAX_FONT_BYTES:
            raise FontError(f"font file {path} is {size / 2**20:.0f} MB, over the "
                            f"{MAX_FONT_BYTES // 2**20} MB limit for a font")
        with open(path, "rb") as fh:
            tag = fh.read(4)
        if tag not in _MAGIC:
            raise FontError(f"{path} is not a font file (no TrueType or OpenType signature)")
        count = 1
        if tag == b"ttcf":
            from fontTools.ttLib import TTCollection

            with open(path, "rb") as fh, TTCollection(fh, lazy=True) as collection:
                count = len(collection.fonts)
        faces = [_read_face(path, i, source) for i in range(count)]
    except FontError:
        raise
    except OSError as exc:
        raise FontError(f"cannot read font file {path}: {exc.strerror or exc}") from exc
    except Exception as exc:  # fontTools raises many kinds on a damaged table
        raise FontError(f"font file {path} is damaged (fontTools cannot parse it: "
                        f"{type(exc).__name__}: {exc})") from exc
    if verify:
        for face in faces:
            try:
                ImageFont.truetype(path, 16, index=face.index)
            except (OSError, ValueError) as exc:
                raise FontError(f"font file {path} cannot be drawn (FreeType: {exc})") from exc
    return faces


def _read_face(path: str, index: int, source: str) -> Face:
    with open(path, "rb") as fh, TTFont(fh, fontNumber=index, lazy=True) as font:
        os2 = font.get("OS/2")
        head = font["head"]
        hhea = font["hhea"]
        upm = float(head.unitsPerEm or 1000)
        weight = int(os2.usWeightClass) if os2 is not None else 400
        if weight < 1 or weight > 1000:
            weight = 400
        italic = bool(os2.fsSelection & 1) if os2 is not None else bool(head.macStyle & 2)
        wmin = wmax = weight
        axes: tuple[str, ...] = ()
        has_wght = False
        if "fvar" in font:
            axes = tuple(a.axisTag for a in font["fvar"].axes)
            for axis in font["fvar"].axes:
                if axis.axisTag == "wght":
                    wmin, wmax, has_wght = int(axis.minValue), int(axis.maxValue), True
                elif axis.axisTag == "ital" and axis.defaultValue >= 1:
                    italic = True
        ascent, descent = float(hhea.ascent), float(-hhea.descent)
        if os2 is not None and (os2.fsSelection & (1 << 7) or ascent + descent <= 0):
            # USE_TYPO_METRICS: the font asks for its typographic metrics, as browsers honour.
            ascent, descent = float(os2.sTypoAscender), float(-os2.sTypoDescender)
        strikes: tuple[int, ...] = ()
        if "CBLC" in font:
            strikes = tuple(sorted({s.bitmapSizeTable.ppemY for s in font["CBLC"].strikes}))
        elif "sbix" in font:
            strikes = tuple(sorted(font["sbix"].strikes))
        return Face(
            path=path,
            index=index,
            family=_family_name(font),
            weight_min=wmin,
            weight_max=wmax,
            italic=italic,
            ascent=ascent / upm,
            descent=descent / upm,
            strikes=strikes,
            has_wght_axis=has_wght,
            axes=axes,
            source=source,
        )
