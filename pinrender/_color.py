"""CSS colour strings to RGBA tuples."""

from __future__ import annotations

from functools import lru_cache

from PIL import ImageColor
from pydantic_extra_types.color import Color

RGBA = tuple[int, int, int, int]


@lru_cache(maxsize=1024)
def parse_color(value: str) -> RGBA:
    """Parse `#rgb`, `#rgba`, `#rrggbb`, `#rrggbbaa`, `rgb()`, `rgba()`, `hsl()` or a CSS name.

    Raises ValueError naming the value when it is not a colour.
    """
    text = value.strip()
    try:
        r, g, b, *alpha = Color(text).as_rgb_tuple(alpha=True)
        a = alpha[0] if alpha else 1.0
        return (int(r), int(g), int(b), round(float(a) * 255))
    except ValueError:
        pass
    # pydantic's table predates CSS Color 4 names such as rebeccapurple; Pillow's has them.
    try:
        rgb = ImageColor.getrgb(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a colour (use #rrggbb, rgb(), rgba() or a CSS name)"
                         ) from None
    return (rgb[0], rgb[1], rgb[2], rgb[3] if len(rgb) == 4 else 255)


def canonical_color(value: str) -> str:
    """One spelling per colour (`#rrggbb`, or `#rrggbbaa` when not opaque), so equal colours
    written differently (`red`, `#f00`, `rgb(255,0,0)`) give equal models and keys."""
    r, g, b, a = parse_color(value)
    return f"#{r:02x}{g:02x}{b:02x}" + ("" if a == 255 else f"{a:02x}")
