"""draw_text: paint a TextLayout into a transparent RGBA image the size of the layer box.

Outline glyphs are drawn into one coverage mask and coloured at the end, so anti-aliased edges keep
the text colour (no dark fringes when composited). Colour emoji are drawn at their bitmap strike
size, scaled, and composited on top.
"""

from __future__ import annotations

import math
from dataclasses import replace

from PIL import Image, ImageChops, ImageDraw

from .._color import parse_color
from .._model import TextLayer
from .layout import ShapedLine, TextLayout
from .loader import direction_arg, get_font, language_arg, measure, scale_for
from .registry import FontRegistry
from .runs import Run
from .segment import clusters, is_cursive

OBLIQUE_SLANT = math.tan(math.radians(12))  # close to what browsers use for synthetic oblique
# Underline placement and thickness per em, near what common fonts' `post` tables give.
UNDERLINE_OFFSET = 0.1
UNDERLINE_THICKNESS = 0.06


def draw_text(layer: TextLayer, layout: TextLayout, fonts: FontRegistry) -> Image.Image:
    size = (max(1, math.ceil(layer.width)), max(1, math.ceil(layer.height)))
    # A gradient colour is painted through the glyphs by the planner (a Clip node); here, solid.
    r, g, b, a = parse_color(layer.color if isinstance(layer.color, str) else "#000000")
    if any(span.color is not None or span.underline for span in layout.spans):
        return _draw_painted(layout, size, (r, g, b, a))
    mask = Image.new("L", size, 0)
    colour = Image.new("RGBA", size, (0, 0, 0, 0))
    has_colour = False
    for line in layout.lines:
        for run in line.runs:
            if run.match.face.bitmap:
                _draw_bitmap_run(colour, line, run, layout.font_size)
                has_colour = True
            elif run.match.oblique:
                _draw_oblique_run(mask, line, run, layout.font_size)
            else:
                _draw_outline_run(ImageDraw.Draw(mask), line, run, layout.font_size, (0.0, 0.0))
    out = Image.new("RGBA", size, (r, g, b, 0))
    out.putalpha(mask if a == 255 else mask.point(lambda v: v * a // 255))
    if has_colour:
        if a != 255:
            colour.putalpha(colour.getchannel("A").point(lambda v: v * a // 255))
        out = Image.alpha_composite(out, colour)
    return out


def _draw_painted(
    layout: TextLayout, size: tuple[int, int], base: tuple[int, int, int, int]
) -> Image.Image:
    """Rich text with colour or underline spans: each line is drawn into a band of its own and
    coloured by its segments' x ranges, so a run shaped across a colour change keeps its kerning
    and joining, and a descender never takes the colour of the line below."""
    out = Image.new("RGBA", size, (0, 0, 0, 0))
    emoji = Image.new("RGBA", size, (0, 0, 0, 0))
    has_emoji = False
    em = layout.font_size
    for line in layout.lines:
        top = max(0, math.floor(line.y - line.height))
        bottom = min(size[1], math.ceil(line.y + 2 * line.height))
        if bottom <= top:
            continue
        band = (size[0], bottom - top)
        shifted = replace(line, y=line.y - top, baseline=line.baseline - top)
        mask = Image.new("L", band, 0)
        for run in line.runs:
            if run.match.face.bitmap:
                _draw_bitmap_run(emoji, line, run, em)
                has_emoji = True
            elif run.match.oblique:
                _draw_oblique_run(mask, shifted, run, em)
            else:
                _draw_outline_run(ImageDraw.Draw(mask), shifted, run, em, (0.0, 0.0))
        paint = Image.new("RGBA", band, base)
        draw_paint = ImageDraw.Draw(paint)
        draw_mask = ImageDraw.Draw(mask)
        for segment in line.segments:
            span = layout.spans[segment.span]
            left = line.x + segment.x
            right = left + segment.width
            if span.color is not None:
                draw_paint.rectangle((round(left), 0, round(right) - 1, band[1]),
                                     fill=parse_color(span.color))
            if span.underline and right > left:
                y = shifted.baseline + UNDERLINE_OFFSET * em
                thickness = max(1.0, UNDERLINE_THICKNESS * em)
                draw_mask.rectangle((round(left), round(y), round(right) - 1,
                                     round(y + thickness) - 1), fill=255)
        paint.putalpha(ImageChops.multiply(mask, paint.getchannel("A")))
        out.alpha_composite(paint, dest=(0, top))
    if has_emoji:
        if base[3] != 255:
            emoji.putalpha(emoji.getchannel("A").point(lambda v: v * base[3] // 255))
        out = Image.alpha_composite(out, emoji)
    return out


def _pieces(run: Run, size: float) -> list[tuple[str, float]]:
    """(text, left x relative to the run) for each separately drawn piece of a run.

    Without letter-spacing the run is drawn whole. With it, each cluster goes at its shaped
    position plus the spacing so far, which keeps kerning. Joined (cursive) scripts stay whole.
    """
    parts = clusters(run.text)
    if not run.spacing or any(is_cursive(c) for c in parts):
        return [(run.text, 0.0)]
    out: list[tuple[str, float]] = []
    advance = 0.0  # logical advance so far, spacing included
    prefix = ""
    start = 0.0
    for cluster in parts:
        prefix += cluster
        end = measure(run.match, size, prefix, run.rtl, run.lang)
        glyph = end - start
        # In RTL the logical order runs leftwards from the run's right edge.
        out.append((cluster, run.width - advance - glyph if run.rtl else advance))
        advance += glyph + run.spacing
        start = end
    return out


def _draw_outline_run(
    draw: ImageDraw.ImageDraw, line: ShapedLine, run: Run, size: float, offset: tuple[float, float]
) -> None:
    font = get_font(run.match, size)
    stroke = synthetic_bold_stroke(size) if run.match.bold else 0.0
    for text, dx in _pieces(run, size):
        draw.text(
            (line.x + run.x + dx + offset[0], line.baseline + offset[1]),
            text,
            font=font,
            fill=255,
            anchor="ls",
            direction=direction_arg(run.rtl),
            language=language_arg(run.lang),
            stroke_width=stroke,
            stroke_fill=255,
        )


def synthetic_bold_stroke(size: float) -> float:
    """How far synthetic bold grows each outline, as Skia's fake bold does: 1/24 of the size at
    9 px down to 1/32 at 36 px and above, split over both sides of the stroke."""
    ratio = 1 / 24 + (1 / 32 - 1 / 24) * min(1.0, max(0.0, (size - 9) / (36 - 9)))
    return size * ratio / 2


def _draw_oblique_run(mask: Image.Image, line: ShapedLine, run: Run, size: float) -> None:
    """Synthetic oblique for a family without italics: shear the upright glyphs about the baseline."""
    band = Image.new("L", mask.size, 0)
    _draw_outline_run(ImageDraw.Draw(band), line, run, size, (0.0, 0.0))
    # AFFINE maps output to input: x_in = x_out - slant * (baseline - y), so ink above the
    # baseline leans right.
    sheared = band.transform(
        band.size,
        Image.Transform.AFFINE,
        (1, OBLIQUE_SLANT, -OBLIQUE_SLANT * line.baseline, 0, 1, 0),
        resample=Image.Resampling.BILINEAR,
    )
    mask.paste(ImageChops.lighter(mask, sheared))


def _draw_bitmap_run(colour: Image.Image, line: ShapedLine, run: Run, size: float) -> None:
    font = get_font(run.match, size)
    scale = scale_for(run.match, size)
    for text, dx in _pieces(run, size):
        box = font.getbbox(text, mode="RGBA", anchor="ls")
        left, top = math.floor(box[0]), math.floor(box[1])
        width, height = math.ceil(box[2]) - left, math.ceil(box[3]) - top
        if width <= 0 or height <= 0:
            continue
        tile = Image.new("RGBA", (width, height), (0, 0, 0, 0))
        ImageDraw.Draw(tile).text(
            (-left, -top), text, font=font, anchor="ls", embedded_color=True, fill=(0, 0, 0, 255)
        )
        w, h = max(1, round(width * scale)), max(1, round(height * scale))
        tile = tile.resize((w, h), Image.Resampling.LANCZOS)
        x = round(line.x + run.x + dx + left * scale)
        y = round(line.baseline + top * scale)
        _composite(colour, tile, x, y)


def _composite(base: Image.Image, tile: Image.Image, x: int, y: int) -> None:
    """alpha_composite at (x, y), clipping a tile that hangs off any edge of `base`."""
    left, top = max(0, -x), max(0, -y)
    right = min(tile.width, base.width - x)
    bottom = min(tile.height, base.height - y)
    if right <= left or bottom <= top:
        return
    base.alpha_composite(tile, dest=(x + left, y + top), source=(left, top, right, bottom))
