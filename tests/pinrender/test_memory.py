"""Pixel memory is given back when an execution ends, without the cyclic garbage collector:
nothing the executor builds forms a reference cycle around decoded images."""

from __future__ import annotations

import base64
import gc
import json
import subprocess
import sys
import textwrap

import pytest
import pyvips

import pinrender

pytestmark = pytest.mark.timeout(120)

MB = 2**20

# 20 distinct transforms (no cache hit) of a progressive JPEG whose decode holds ~27 MB of
# coefficients, with the collector off. Were each execution's values kept by a cycle, RSS
# would grow by that much per transform (~500 MB in all).
SOAK = textwrap.dedent("""
    import gc, json, sys
    gc.disable()
    import pyvips, pinrender

    def status(field):
        for line in open("/proc/self/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024

    side = 3000
    xy = pyvips.Image.xyz(side, side)
    image = (xy[0] % 256).cast("uchar").bandjoin([(xy[1] % 256).cast("uchar")] * 2)
    data = bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=80, interlace=True))
    del xy, image
    options = [{"size": s} for s in "sml"] + [{"width": w} for w in (256, 512, 720, 1024)]
    peaks, sizes = [], []
    for i in range(20):
        out = pinrender.transform(data, format=("jpeg", "webp")[i % 2], quality=50 + i,
                                  **options[i % len(options)])
        sizes.append(pyvips.Image.new_from_buffer(out, "").width)
        peaks.append(status("VmHWM"))
    json.dump({"peaks": peaks, "rss": status("VmRSS"), "widths": sizes,
               "garbage": gc.collect()}, sys.stdout)
""")


def test_twenty_large_transforms_without_the_collector_stay_bounded() -> None:
    done = subprocess.run([sys.executable, "-c", SOAK], capture_output=True, text=True,
                          timeout=110, check=False)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    first, last = result["peaks"][0], result["peaks"][-1]
    assert last - first < 300 * MB, f"peak grew {(last - first) / MB:.0f} MB: {result}"
    assert result["widths"][:3] == [320, 640, 1080]  # the transforms really ran


def cycles_holding_images(call) -> list[object]:  # type: ignore[no-untyped-def]
    """The pyvips images that only the cyclic collector would free after `call()`."""
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        try:
            call()
        except pinrender.PinrenderError:
            pass
        gc.collect()
        return [o for o in gc.garbage if isinstance(o, pyvips.Image)]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()


def photo() -> bytes:
    xy = pyvips.Image.xyz(300, 200)
    image = (xy[0] % 256).cast("uchar").bandjoin([(xy[1] % 256).cast("uchar")] * 2)
    return bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=90))


def test_no_cycle_keeps_images_after_a_transform_a_render_or_a_failure() -> None:
    renderer = pinrender.Renderer(cache_bytes=0)
    data = photo()
    url = "data:image/jpeg;base64," + base64.b64encode(data).decode()
    template = {"canvas": {"width": 200, "height": 100, "background": "#fff"},
                "layers": [{"name": n, "type": "image", "x": x, "y": 0, "width": 100,
                            "height": 100, "image_url": url, "objectFit": fit}
                           for n, x, fit in (("a", 0, "cover"), ("b", 100, "fill"))]}
    broken = data[: len(data) // 2]
    calls = {
        "transform": lambda: renderer.transform(data, size="s", format="webp"),
        "render": lambda: renderer.render(template),
        "failure": lambda: renderer.transform(broken, size="s", format="png"),
    }
    for name, call in calls.items():
        assert cycles_holding_images(call) == [], name
