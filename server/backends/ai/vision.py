"""Salient regions of an image, for the offline backend's hotspots.

The image is decoded by pinrender (limits, EXIF orientation, sRGB, shrink-on-load) to a small
copy. On a plain background (one colour holds half the border) a pixel stands out by its colour
distance (CIE dE76) from that colour or by a strong Sobel edge; in a busy picture, by
frequency-tuned saliency: its slightly blurred colour's distance from the picture's mean colour.
libvips closes small gaps and labels the connected regions (`labelregions`); each is described by
what can be said of it truthfully: where it is, its average colour's name, how much of the image
it covers. When nothing stands out, libvips' attention crop gives one point of interest."""

from __future__ import annotations

import colorsys
from array import array
from collections import Counter
from dataclasses import dataclass

import pyvips

import pinrender

ANALYSIS_SIDE = 160  # pixels of the longest side the regions are measured on
CONTRAST = 20.0  # dE76 from the background that counts as standing out
EDGE = 160  # Sobel magnitude (0-255) that counts as an edge on a plain background
MIN_AREA = 0.002  # regions smaller than this share of the image are noise
FLAT = 8  # a picture whose channels all span less than this (0-255) has nothing to point at


@dataclass(frozen=True)
class Region:
    x: float  # centre, percent of width
    y: float  # centre, percent of height
    area: float  # share of the image, 0-1
    color: tuple[int, int, int]  # mean sRGB
    box: tuple[float, float, float, float]  # left, top, right, bottom in percent
    score: float
    attention: bool = False  # from libvips' attention measure, not a labelled region


def load_small(image: bytes) -> pyvips.Image:
    """The image as 8-bit sRGB on white, at most ANALYSIS_SIDE on its longest side."""
    # pinrender decodes within its limits and shrinks on load; a 50-megapixel upload never
    # sits in memory whole.
    preview = pinrender.transform(image, width=256, format="png")
    small = pyvips.Image.new_from_buffer(preview, "")
    small = small.thumbnail_image(ANALYSIS_SIDE, height=ANALYSIS_SIDE, size="down")
    if small.hasalpha():
        small = small.flatten(background=[255, 255, 255])
    if small.bands < 3:
        small = small.colourspace("srgb")
    return small.extract_band(0, n=3).cast("uchar").copy_memory()


def background(pixels: bytes, width: int, height: int) -> tuple[tuple[int, int, int], float]:
    """The dominant colour along the border and the share of the border it holds."""
    border = [i for i in range(width)] + [(height - 1) * width + i for i in range(width)]
    border += [r * width for r in range(height)] + [r * width + width - 1 for r in range(height)]
    bins: Counter[tuple[int, int, int]] = Counter()
    sums: dict[tuple[int, int, int], list[int]] = {}
    for index in border:
        r, g, b = pixels[3 * index], pixels[3 * index + 1], pixels[3 * index + 2]
        key = (r >> 5, g >> 5, b >> 5)
        bins[key] += 1
        acc = sums.setdefault(key, [0, 0, 0])
        acc[0] += r
        acc[1] += g
        acc[2] += b
    key, count = bins.most_common(1)[0]
    acc = sums[key]
    return (acc[0] // count, acc[1] // count, acc[2] // count), count / len(border)


def salient_regions(image: bytes, limit: int) -> tuple[list[Region], tuple[int, int, int] | None]:
    """Up to `limit` regions that stand out, most salient first, and the background colour
    (None when the border has no dominant colour)."""
    small = load_small(image)
    width, height = small.width, small.height
    pixels = bytes(small.write_to_memory())
    bg, share = background(pixels, width, height)
    lab = small.copy(interpretation="srgb").colourspace("lab")
    if share >= 0.5:
        # A plain background: what differs from it in colour, or has strong edges, stands out.
        plain = small.new_from_image(list(bg)).copy(interpretation="srgb").colourspace("lab")
        contrast = lab.dE76(plain)
        edges = small.colourspace("b-w").extract_band(0).sobel()
        mask = (contrast > CONTRAST) | (edges > EDGE)
        # Close small gaps (anti-aliasing, thin seams) so one object is one region.
        mask = _morph(mask, ((3, 8), (3, 0)))
    else:
        # A busy picture: frequency-tuned saliency (Achanta et al. 2009), the slightly blurred
        # colour's distance from the picture's mean colour; the most distant 15% stand out.
        mean = small.new_from_image([lab[i].avg() for i in range(3)]).copy(interpretation="lab")
        contrast = lab.gaussblur(1.5).dE76(mean)
        mask = contrast > max(CONTRAST * 0.75, contrast.cast("uchar").percent(85))
        # Open (drop specks and thin lines), then close (join a broken object).
        mask = _morph(mask, ((3, 0), (3, 8), (5, 24), (5, 0)))
    labels = array("i")
    labels.frombytes(mask.labelregions().cast("int").write_to_memory())
    flags = bytes(mask.write_to_memory())
    strength = array("f")
    strength.frombytes(contrast.cast("float").write_to_memory())

    stats: dict[int, list[float]] = {}
    for index, label in enumerate(labels):
        if not flags[index]:
            continue
        x, y = index % width, index // width
        s = stats.get(label)
        if s is None:
            # count, sum x, sum y, r, g, b, contrast, left, top, right, bottom
            s = stats[label] = [0, 0, 0, 0, 0, 0, 0.0, x, y, x, y]
        s[0] += 1
        s[1] += x
        s[2] += y
        s[3] += pixels[3 * index]
        s[4] += pixels[3 * index + 1]
        s[5] += pixels[3 * index + 2]
        s[6] += strength[index]
        s[7], s[8], s[9], s[10] = min(s[7], x), min(s[8], y), max(s[9], x), max(s[10], y)

    total = width * height
    regions = []
    for label, s in stats.items():
        count = int(s[0])
        area = count / total
        touches = (s[7] == 0) + (s[8] == 0) + (s[9] == width - 1) + (s[10] == height - 1)
        if count < 4 or area < MIN_AREA or (area > 0.5 and touches >= 3):
            continue  # noise, or the background itself
        cx, cy = _inside(labels, label, width, s[1] / count, s[2] / count, s)
        regions.append(Region(
            x=100 * (cx + 0.5) / width, y=100 * (cy + 0.5) / height, area=area,
            color=(int(s[3] // count), int(s[4] // count), int(s[5] // count)),
            box=(100 * s[7] / width, 100 * s[8] / height, 100 * (s[9] + 1) / width,
                 100 * (s[10] + 1) / height),
            score=area * (s[6] / count + 1.0)))
    regions.sort(key=lambda r: (-r.score, r.y, r.x))
    if not regions and max(max(pixels[b::3]) - min(pixels[b::3]) for b in range(3)) >= FLAT:
        # Nothing stands out: libvips' attention point (edges, skin tones, saturation) instead.
        # A flat picture gets nothing: there is nothing to point at.
        regions.append(_attention(small))
    return regions[:limit], bg if share >= 0.5 else None


def _morph(mask: pyvips.Image, steps: tuple[tuple[int, int], ...]) -> pyvips.Image:
    """Rank filters (size, index: 0 erodes, size*size-1 dilates), skipped on a picture too thin
    for the window (a 3000x10 strip is 160x1 here)."""
    for size, index in steps:
        if min(mask.width, mask.height) >= size:
            mask = mask.rank(size, size, index)
    return mask


def _inside(labels: array[int], label: int, width: int, cx: float, cy: float,
            s: list[float]) -> tuple[int, int]:
    """The region's centroid, or the region's pixel nearest to it when the centroid falls
    outside (a ring, a crescent): a hotspot must sit on what it describes."""
    x, y = round(cx), round(cy)
    if labels[y * width + x] == label:
        return x, y
    best, where = float("inf"), (x, y)
    for py in range(int(s[8]), int(s[10]) + 1):
        for px in range(int(s[7]), int(s[9]) + 1):
            if labels[py * width + px] == label:
                d = (px - cx) ** 2 + (py - cy) ** 2
                if d < best:
                    best, where = d, (px, py)
    return where


def _attention(small: pyvips.Image) -> Region:
    # libvips' attention measure: edges, skin tones and saturated colour, as a crop centre.
    side = max(1, min(small.width, small.height) // 3)
    _, info = small.smartcrop(side, side, interesting="attention", attention_x=True, attention_y=True)
    x = 100 * (info["attention_x"] + 0.5) / small.width
    y = 100 * (info["attention_y"] + 0.5) / small.height
    r, g, b = (int(v) for v in small.crop(min(small.width - 1, int(info["attention_x"])),
                                          min(small.height - 1, int(info["attention_y"])), 1, 1)
               .getpoint(0, 0))
    return Region(x, y, 0.0, (r, g, b), (x, y, x, y), 0.0, attention=True)


def color_name(rgb: tuple[int, int, int]) -> str:
    """A plain English name for an sRGB colour (by hue, saturation and value)."""
    h, s, v = colorsys.rgb_to_hsv(*(c / 255 for c in rgb))
    if v < 0.18:
        return "black"
    if s < 0.15 or (s < 0.25 and v < 0.35):
        return "white" if v > 0.88 else "light grey" if v > 0.6 else "grey" if v > 0.35 else "dark grey"
    hue = h * 360
    if hue < 15 or hue >= 345:
        return "red" if v > 0.35 else "dark red"
    if hue < 40:
        return "orange" if v > 0.65 else "brown"
    if hue < 68:
        return "yellow" if v > 0.6 else "olive"
    if hue < 165:
        return "green"
    if hue < 195:
        return "teal" if v < 0.7 else "cyan"
    if hue < 255:
        return "blue"
    if hue < 290:
        return "purple"
    return "pink" if v > 0.6 else "magenta"


COLOUR_WORDS = frozenset(("black", "white", "grey", "red", "orange", "brown", "yellow", "olive", "green", "teal",
                          "cyan", "blue", "purple", "pink", "magenta"))


def colours_named(text: str) -> set[str]:
    """The colour names `color_name` can give that `text` mentions ("gray" counts as grey)."""
    words = set(text.lower().replace("gray", "grey").replace(",", " ").replace(".", " ").split())
    return words & COLOUR_WORDS


def position_name(x: float, y: float) -> str:
    row = "top" if y < 100 / 3 else "bottom" if y > 200 / 3 else ""
    col = "left" if x < 100 / 3 else "right" if x > 200 / 3 else ""
    return " ".join(p for p in (row, col) if p) or "centre"


def size_name(area: float) -> str:
    return "Large" if area >= 0.15 else "Medium" if area >= 0.03 else "Small"


def describe(region: Region, bg: tuple[int, int, int] | None) -> tuple[str, str]:
    """A truthful title and description: position, colour name, relative size."""
    colour, where = color_name(region.color), position_name(region.x, region.y)
    if region.attention:
        return (f"Point of interest, {where}",
                f"The most detailed area of the image by edges and colour, {where}; around it is mostly "
                f"{colour}.")
    against = f" against the {color_name(bg)} background" if bg else " from the rest of the picture by its colour"
    return (f"{size_name(region.area)} {colour} region, {where}",
            f"{'An' if colour[:1] in 'aeiou' else 'A'} {colour} area covering about "
            f"{max(1, round(100 * region.area))}% of the image, {where}; "
            f"it stands out{against}.")
