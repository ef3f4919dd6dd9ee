"""Hotspot cards (`Renderer.hotspot_card`) and their node: markers where the hotspots say, in
their colours, planned and run like every other output."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from PIL import Image

import pinrender
from pinrender import TemplateError
from pinrender._hotspots import markers_of
from pinrender._nodes.hotspots import marker_radius
from tests.conftest import decode


def grey_png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(buf, "PNG")
    return buf.getvalue()


RENDERER = pinrender.Renderer(cache_bytes=0)
SPOTS = [
    {"x": 25, "y": 30, "color": "#e63946"},
    {"x": 75, "y": 60, "color": "#1d3557"},
    {"x": 50, "y": 90},  # the default colour
]


def near(pixel: tuple[int, ...], rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb))


def test_markers_sit_at_their_percentages_in_their_colours() -> None:
    data = RENDERER.hotspot_card(grey_png(800, 400), SPOTS, width=None, format="png")
    image = decode(data).convert("RGB")
    assert image.size == (800, 400)
    r = marker_radius(800, 400)
    for spot, rgb in zip(SPOTS, [(0xE6, 0x39, 0x46), (0x1D, 0x35, 0x57), (0x2A, 0x9D, 0x8F)]):
        cx, cy = round(800 * spot["x"] / 100), round(400 * spot["y"] / 100)
        # Inside the disc but clear of the digit: the hotspot's own colour.
        for dx in (-0.65 * r, 0.65 * r):
            assert near(image.getpixel((round(cx + dx), cy)), rgb), (spot, dx)
        # The white ring, then the untouched background beyond it.
        assert near(image.getpixel((cx, round(cy - 0.92 * r))), (255, 255, 255), 40)
        assert near(image.getpixel((cx + 2 * r, cy)), (128, 128, 128), 2)
    # The digit is drawn: the centre of marker 1 has white ink nearby.
    cx, cy = 200, 120
    centre = [image.getpixel((cx + dx, cy + dy)) for dx in range(-3, 4) for dy in range(-r // 2, r // 2)]
    assert any(min(p) > 200 for p in centre)


def test_edges_are_anti_aliased() -> None:
    data = RENDERER.hotspot_card(grey_png(600, 600), [{"x": 50, "y": 50, "color": "#000"}],
                                 width=None, format="png")
    image = decode(data).convert("RGB")
    r = marker_radius(600, 600)
    row = [image.getpixel((300 + r - 3 + i, 300))[0] for i in range(6)]
    # From the white ring out to grey there are intermediate values, not a hard step.
    assert any(129 < v < 254 for v in row), row


def test_width_caps_and_never_upscales() -> None:
    small = decode(RENDERER.hotspot_card(grey_png(300, 200), SPOTS, width=1200, format="png"))
    assert small.size == (300, 200)
    big = decode(RENDERER.hotspot_card(grey_png(2400, 1200), SPOTS, width=1200, format="webp"))
    assert big.size == (1200, 600) and big.format == "WEBP"


def test_key_changes_with_hotspots_not_with_equal_input() -> None:
    ref = grey_png(10, 10)
    key = RENDERER.hotspot_card_key
    a = key(ref, SPOTS)
    assert a == key(ref, [dict(s) for s in SPOTS])
    moved = [dict(SPOTS[0], x=26), *SPOTS[1:]]
    assert key(ref, moved) != a
    recoloured = [dict(SPOTS[0], color="#000000"), *SPOTS[1:]]
    assert key(ref, recoloured) != a
    assert key(ref, SPOTS, format="webp") != a


@pytest.mark.parametrize("spots, path", [
    ([{"x": 101, "y": 1}], "hotspots[0]"),
    ([{"x": 1}], "hotspots[0]"),
    ([{"x": 1, "y": 1}, {"x": 1, "y": 1, "color": "nope"}], "hotspots[1].color"),
])
def test_bad_hotspots_name_the_index(spots: list[dict[str, object]], path: str) -> None:
    with pytest.raises(TemplateError) as info:
        markers_of(spots)
    assert info.value.path == path


def test_numbers_run_from_one() -> None:
    assert [m.label for m in markers_of(SPOTS)] == ["1", "2", "3"]


@pytest.mark.parametrize("hotspots, path", [
    ({"x": 1, "y": 1}, "hotspots"),
    ("x=1", "hotspots"),
    ([1, 2], "hotspots[0]"),
])
def test_hotspots_that_are_not_a_list_of_objects_name_the_field(hotspots: object,
                                                                path: str) -> None:
    with pytest.raises(TemplateError) as info:
        RENDERER.hotspot_card_key(grey_png(10, 10), hotspots)  # type: ignore[arg-type]
    assert info.value.path == path


@pytest.mark.parametrize("options, path", [
    ({"width": 0}, "width"), ({"width": "wide"}, "width"), ({"format": "bmp"}, "format"),
    ({"quality": 101}, "quality"),
])
def test_bad_card_options_name_the_option(options: dict[str, object], path: str) -> None:
    with pytest.raises(TemplateError) as info:
        RENDERER.hotspot_card_key(grey_png(10, 10), SPOTS, **options)
    assert info.value.path == path


def test_cards_run_under_the_renderers_deadline() -> None:
    late = pinrender.Renderer(cache_bytes=0, timeout=1e-9)
    with pytest.raises(pinrender.RenderTimeout):
        late.hotspot_card(grey_png(400, 300), SPOTS)
    assert late.stats["hotspots"] == 0


def test_cards_reserve_decode_memory_and_give_it_back() -> None:
    # A capacity no other test uses: this renderer's budget is its own, fresh.
    limits = replace(pinrender.DEFAULT_LIMITS, max_decode_bytes=987_654_321)
    renderer = pinrender.Renderer(pinrender.Services(pinrender.SafeLoader(),
                                                     pinrender.default_fonts(), limits),
                                  cache_bytes=0)
    decode(renderer.hotspot_card(grey_png(1600, 1200), SPOTS, width=400))
    budget = renderer.decode_budget
    assert budget.capacity == 987_654_321
    assert budget.high_water > 0 and budget.in_use == 0
