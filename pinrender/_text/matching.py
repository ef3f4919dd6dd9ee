"""CSS Fonts 4 font matching within one family: style first, then the nearest weight."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .faces import SOURCE_PRIORITY, Face

SYNTHETIC_BOLD_FROM = 600


@dataclass(frozen=True)
class Match:
    face: Face
    weight: int  # the wght axis value to set on a variable face; the face's weight otherwise
    oblique: bool  # italic was asked for and the family has none: shear the upright face
    bold: bool = False  # 600 or more was asked for and the family's heaviest face is lighter


def _weight_rank(face: Face, want: int) -> tuple[int, float]:
    """Sort key implementing the CSS weight order; lower is better."""
    if face.weight_min <= want <= face.weight_max:
        return (0, 0.0)
    lo, hi = face.weight_min, face.weight_max
    if 400 <= want <= 500:
        # Heavier faces up to 500 first, then lighter ones descending, then heavier above 500.
        if want < lo <= 500:
            return (1, lo - want)
        if hi < want:
            return (2, want - hi)
        return (3, lo - want)
    if want < 400:
        return (1, want - hi) if hi < want else (2, lo - want)
    return (1, lo - want) if lo > want else (2, want - hi)


def match_face(faces: Sequence[Face], weight: int, italic: bool) -> Match | None:
    """The best face of one family, whatever source each face came from; ties go to the source
    that is most the user's own (user, then bundled, then system)."""
    if not faces:
        return None
    styled = [f for f in faces if f.italic == italic] or list(faces)
    best = min(styled, key=lambda f: (_weight_rank(f, weight), SOURCE_PRIORITY[f.source], f.path, f.index))
    value = min(max(weight, best.weight_min), best.weight_max)
    # As browsers do: a bold that the family cannot give is made by thickening the outlines.
    bold = weight >= SYNTHETIC_BOLD_FROM and best.weight_max < SYNTHETIC_BOLD_FROM
    return Match(face=best, weight=value, oblique=italic and not best.italic, bold=bold)
