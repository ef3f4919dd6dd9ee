"""The hotspot-overlay node and its planner: markers where the hotspots say, in their colours."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from pinrender import SafeLoader, Services, TemplateError
from pinrender._hotspots import markers_of, plan_hotspot_overlay, render_hotspot_overlay
from pinrender._nodes.hotspots import marker_radius
from pinrender._sources import SourceRef
from tests.conftest import decode


def grey_png(width: int, height: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), (128, 128, 128)).save(buf, "PNG")
    return buf.getvalue()


def ref_of(data: bytes) -> SourceRef:
    return SourceRef("bytes", data, "test:" + str(len(data)))


SERVICES = Services(loader=SafeLoader(allow_local=False), fonts=None)  # type: ignore[arg-type]
SPOTS = [
    {"x": 25, "y": 30, "color": "#e63946"},
    {"x": 75, "y": 60, "color": "#1d3557"},
    {"x": 50, "y": 90},  # the default colour
]


def near(pixel: tuple[int, ...], rgb: tuple[int, int, int], tolerance: int = 12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel[:3], rgb))


def test_markers_sit_at_their_percentages_in_their_colours() -> None:
    data = render_hotspot_overlay(ref_of(grey_png(800, 400)), SPOTS, services=SERVICES,
                                  width=None, format="png")
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
    data = render_hotspot_overlay(ref_of(grey_png(600, 600)), [{"x": 50, "y": 50, "color": "#000"}],
                                  services=SERVICES, width=None, format="png")
    image = decode(data).convert("RGB")
    r = marker_radius(600, 600)
    row = [image.getpixel((300 + r - 3 + i, 300))[0] for i in range(6)]
    # From the white ring out to grey there are intermediate values, not a hard step.
    assert any(129 < v < 254 for v in row), row


def test_width_caps_and_never_upscales() -> None:
    small = decode(render_hotspot_overlay(ref_of(grey_png(300, 200)), SPOTS, services=SERVICES,
                                          width=1200, format="png"))
    assert small.size == (300, 200)
    big = decode(render_hotspot_overlay(ref_of(grey_png(2400, 1200)), SPOTS, services=SERVICES,
                                        width=1200, format="webp"))
    assert big.size == (1200, 600) and big.format == "WEBP"


def test_key_changes_with_hotspots_not_with_equal_input() -> None:
    ref = ref_of(grey_png(10, 10))
    a = plan_hotspot_overlay(ref, SPOTS).key
    assert a == plan_hotspot_overlay(ref, [dict(s) for s in SPOTS]).key
    moved = [dict(SPOTS[0], x=26), *SPOTS[1:]]
    assert plan_hotspot_overlay(ref, moved).key != a
    recoloured = [dict(SPOTS[0], color="#000000"), *SPOTS[1:]]
    assert plan_hotspot_overlay(ref, recoloured).key != a
    assert plan_hotspot_overlay(ref, SPOTS, format="webp").key != a


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
