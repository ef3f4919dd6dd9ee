"""The offline backend's images: a card drawn by pinrender from the prompt, never a pretend photo.

Its palette comes from the colour words in the prompt (the first two named) or else from a hash
of the text, so one prompt always gives the same card; its big line is the prompt's key words, its
small line the prompt itself, and a label in the corner says it is a placeholder."""

from __future__ import annotations

import colorsys
import hashlib
import re
from typing import Any

import pinrender

from . import text as textlib

LABEL = "placeholder — offline AI"
# Colour words a prompt may use, as the stops they give the background.
COLOR_WORDS = {
    "red": "#dc2626", "crimson": "#b91c1c", "maroon": "#7f1d1d", "orange": "#ea580c", "amber": "#d97706",
    "gold": "#ca8a04", "golden": "#ca8a04", "yellow": "#eab308", "olive": "#65a30d", "lime": "#84cc16",
    "green": "#16a34a", "emerald": "#059669", "teal": "#0d9488", "turquoise": "#14b8a6", "cyan": "#06b6d4",
    "blue": "#2563eb", "azure": "#0284c7", "navy": "#1e3a8a", "indigo": "#4f46e5", "violet": "#7c3aed",
    "purple": "#9333ea", "magenta": "#c026d3", "pink": "#db2777", "rose": "#e11d48", "brown": "#78350f",
    "beige": "#d6c7a1", "black": "#111827", "white": "#f3f4f6", "grey": "#6b7280", "gray": "#6b7280",
    "silver": "#9ca3af",
}


def palette(prompt: str) -> tuple[str, str]:
    """Two background stops: named colours in order of mention, filled up from the text's hash."""
    named = [COLOR_WORDS[w] for w in re.findall(r"[a-z]+", prompt.lower()) if w in COLOR_WORDS]
    named = list(dict.fromkeys(named))
    digest = hashlib.sha256(prompt.encode()).digest()
    hue = digest[0] / 255
    hashed = [_hsl(hue, 0.55, 0.42), _hsl((hue + 0.08 + digest[1] / 2550) % 1, 0.6, 0.22)]
    stops = (named + hashed)[:2]
    return stops[0], stops[1]


def _hsl(h: float, s: float, lightness: float) -> str:
    r, g, b = colorsys.hls_to_rgb(h, lightness, s)
    return f"#{round(r * 255):02x}{round(g * 255):02x}{round(b * 255):02x}"


def _light(color: str) -> bool:
    r, g, b = (int(color[i:i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.6


def card(prompt: str, width: int, height: int) -> dict[str, Any]:
    """The template of the placeholder card for `prompt` at width x height. The text's hash picks
    the gradient's angle, a disc's place and size, and the alignment, so cards differ at a glance."""
    weights = textlib.keywords(textlib.sentences(prompt) or [prompt])
    words = weights.top(5) or ["image"]
    first, second = palette(prompt)
    ink = "#111827" if _light(first) and _light(second) else "#ffffff"
    shadow = [] if ink != "#ffffff" else [{"x": 0, "y": 2, "blur": 8, "color": "rgba(0,0,0,0.35)"}]
    side = min(width, height)
    margin = round(side * 0.07)
    inner = width - 2 * margin
    label_size = max(12, round(side / 36))
    digest = hashlib.sha256(prompt.encode()).digest()
    align = ("center", "left", "center")[digest[3] % 3]
    disc = round(side * (0.4 + digest[4] / 255 * 0.5))
    return {
        "canvas": {"width": width, "height": height, "background": {
            "type": "linear-gradient", "angle": 90 + digest[2] % 180,
            "stops": [{"color": first, "offset": 0}, {"color": second, "offset": 1}]}},
        "layers": [
            {"name": "disc", "type": "rect", "x": round((width - disc / 2) * digest[5] / 255 - disc / 4),
             "y": round((height - disc / 2) * digest[6] / 255 - disc / 4), "width": disc, "height": disc,
             "fill": "rgba(255,255,255,0.10)", "borderRadius": disc // 2},
            {"name": "frame", "type": "rect", "x": margin // 2, "y": margin // 2, "width": width - margin,
             "height": height - margin, "fill": "rgba(255,255,255,0.06)", "borderRadius": margin // 2},
            {"name": "keywords", "type": "text", "richText": False, "x": margin, "y": margin,
             "width": inner, "height": round(height * 0.5) - margin, "text": "\u00a0· ".join(words),
             "fontSize": max(16, round(side / 7)), "fontWeight": 700, "color": ink, "autoFit": True,
             "minFontSize": 12, "textAlign": align, "verticalAlign": "bottom", "textWrap": "balance",
             "lineHeight": 1.1, "textShadow": shadow},
            {"name": "prompt", "type": "text", "richText": False, "x": margin,
             "y": round(height * 0.5) + margin // 3, "width": inner,
             "height": height - round(height * 0.5) - margin // 3 - 2 * margin - label_size,
             "text": textlib.first_words(prompt, 40), "fontSize": max(12, round(side / 24)), "color": ink,
             "autoFit": True, "minFontSize": 10, "textAlign": align, "lineHeight": 1.3, "maxLines": 6,
             "textShadow": shadow},
            {"name": "label", "type": "text", "richText": False, "x": margin,
             "y": height - margin - label_size * 3 // 2, "width": inner, "height": label_size * 3 // 2,
             "text": LABEL, "fontSize": label_size, "color": ink, "textAlign": "right",
             "verticalAlign": "bottom"},
        ],
    }


def render(prompt: str, width: int, height: int) -> bytes:
    """The placeholder card as WebP bytes."""
    try:
        return pinrender.render(card(prompt, width, height), format="webp")
    except pinrender.PinrenderError:
        # A script this process cannot shape (no HarfBuzz): the card still comes, without the
        # prompt's own words, and still says what it is.
        return pinrender.render(card("image", width, height), format="webp")
