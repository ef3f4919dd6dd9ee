"""The executor with shared inputs: one decode read by several consumers, in any order, cold or
warm, gives the pixels the same graph gives with every source duplicated."""

from __future__ import annotations

import base64

import pytest
import pyvips
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

import pinrender
from pinrender._graph import ExecutionContext, Node, ResultCache, execute
from pinrender._nodes.composite import Over
from pinrender._nodes.encode import Encode
from pinrender._nodes.image import Fit
from pinrender._nodes.shape import Fill
from pinrender._nodes.source import Decode, Orient, ShrinkHint, Source, ToSrgb
from pinrender._sources import SourceRef
from tests.conftest import decode

pytestmark = pytest.mark.timeout(120)

FITS = ("cover", "contain", "fill", "none", "scale-down")
HINT_MODES = {"cover": "cover", "fill": "cover", "contain": "contain", "scale-down": "contain"}


def photo(fmt: str, width: int = 160, height: int = 120) -> bytes:
    """A picture whose every region differs, so a wrong crop or scale changes pixels."""
    xy = pyvips.Image.xyz(width, height)
    image = (xy[0] * (255 / width)).cast("uchar").bandjoin(
        [(xy[1] * (255 / height)).cast("uchar"), ((xy[0] + xy[1]) % 256).cast("uchar")])
    image = image.copy(interpretation="srgb")
    return bytes(image.pngsave_buffer() if fmt == "png" else image.jpegsave_buffer(Q=90))


SOURCES = {"png": photo("png"), "jpeg": photo("jpeg"), "tall-png": photo("png", 60, 140)}


def fitted(ref: SourceRef, width: int, height: int, mode: str, position: str) -> Node:
    hint_mode = HINT_MODES.get(mode)
    hint = ShrinkHint(width, height, hint_mode) if hint_mode else None  # type: ignore[arg-type]
    return Fit(ToSrgb(Orient(Decode(Source(ref), hint))), width, height, mode, position)


def card(layers: list[tuple[str, int, int, str, str]], *, duplicate: bool) -> Node:
    """Layers (source name, width, height, fit, position) side by side on a canvas. With
    `duplicate`, each layer reads its own copy of its source (a distinct digest, so a distinct
    key): nothing is shared."""
    node: Node = Fill(400, 200, "#204060")
    x = 0
    for i, (name, width, height, mode, position) in enumerate(layers):
        digest = f"{name}-layer{i}" if duplicate else name
        ref = SourceRef("bytes", SOURCES[name], digest)
        node = Over(node, fitted(ref, width, height, mode, position), x % 360, (x // 360) * 60)
        x += 40
    return Encode(node, "png")


def services() -> pinrender.Services:
    return pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts())


def run(root: Node, cache: ResultCache | None = None) -> tuple[bytes, ExecutionContext]:
    ctx = ExecutionContext(services(), cache)
    return execute(root, ctx), ctx


def pixels(data: bytes) -> bytes:
    return decode(data).convert("RGBA").tobytes()


@pytest.mark.parametrize("source", ["png", "jpeg"])
@pytest.mark.parametrize("pair", [("cover", "fill"), ("contain", "scale-down"),
                                  ("cover", "cover attention")])
def test_one_decode_read_by_two_fits(source: str, pair: tuple[str, str]) -> None:
    (fit_a, *pos_a), (fit_b, *pos_b) = (p.split(" ") for p in pair)
    layers = [(source, 120, 90, fit_a, pos_a[0] if pos_a else "center"),
              (source, 120, 90, fit_b, pos_b[0] if pos_b else "center")]
    value, ctx = run(card(layers, duplicate=False))
    assert ctx.runs["decode"] == 1  # the shared decode really was shared
    assert pixels(value) == pixels(run(card(layers, duplicate=True))[0])


def test_shared_decode_with_a_warm_consumer_and_a_cold_one() -> None:
    """The order a warm cache hides: one consumer comes from the cache, the other runs."""
    cache = ResultCache(64 * 2**20)
    first = [("jpeg", 120, 90, "cover", "center")]
    run(card(first, duplicate=False), cache)
    both = first + [("jpeg", 120, 90, "fill", "center")]
    value, ctx = run(card(both, duplicate=False), cache)
    assert ctx.runs["fit"] == 1
    assert pixels(value) == pixels(run(card(both, duplicate=True))[0])


def test_a_node_read_twice_by_one_consumer() -> None:
    ref = SourceRef("bytes", SOURCES["png"], "png")
    fit = fitted(ref, 80, 60, "cover", "center")
    value, ctx = run(Encode(Over(fit, fit, 10, 10), "png"))
    assert ctx.runs["fit"] == 1
    assert decode(value).size == (80, 60)


LAYER = st.tuples(st.sampled_from(sorted(SOURCES)), st.integers(20, 140), st.integers(20, 140),
                  st.sampled_from(FITS), st.sampled_from(["center", "top left", "25% 75%",
                                                          "attention", "entropy"]))


@given(layers=st.lists(LAYER, min_size=2, max_size=5),
       repeat=st.lists(st.integers(0, 4), max_size=3))
@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_sharing_sources_never_changes_pixels(layers: list, repeat: list[int]) -> None:
    # repeat some layers exactly, so whole fitted nodes are shared as well as decodes
    layers = layers + [layers[i % len(layers)] for i in repeat]
    shared, _ = run(card(layers, duplicate=False))
    alone, _ = run(card(layers, duplicate=True))
    assert pixels(shared) == pixels(alone)


# -- templates: the same image file in two layers, cold cache ---------------------------------

def data_url(data: bytes, fmt: str) -> str:
    return f"data:image/{fmt};base64," + base64.b64encode(data).decode()


def layer(name: str, url: str, x: int, fit: str) -> dict:
    return {"name": name, "type": "image", "x": x, "y": 20, "width": 150, "height": 110,
            "image_url": url, "objectFit": fit}


@pytest.mark.parametrize("fmt", ["png", "jpeg"])
@pytest.mark.parametrize("case", ["cover+fill", "contain+scale-down", "background+fill"])
def test_the_same_image_in_two_layers_renders_cold(fmt: str, case: str) -> None:
    url = data_url(SOURCES[fmt], fmt)
    canvas: dict = {"width": 340, "height": 150, "background": "#ffffff"}
    if case == "background+fill":
        canvas["background"] = {"type": "image", "image_url": url, "objectFit": "cover"}
        layers = [layer("b", url, 170, "fill")]
    else:
        first, second = case.split("+")
        layers = [layer("a", url, 10, first), layer("b", url, 170, second)]
    template = {"canvas": canvas, "layers": layers}
    out = decode(pinrender.Renderer().render(template)).convert("RGBA")
    assert out.size == (340, 150)
    # each layer alone, on a fresh renderer too, paints the same pixels in its box
    for one in layers:
        alone = {"canvas": {**canvas, "background": "#ffffff"}, "layers": [one]}
        expected = decode(pinrender.Renderer().render(alone)).convert("RGBA")
        box = (one["x"], one["y"], one["x"] + 150, one["y"] + 110)  # opaque layers: no blending
        assert ImageChops.difference(out.crop(box), expected.crop(box)).getbbox() is None
    if case == "background+fill":
        background = {"canvas": canvas, "layers": []}
        expected = decode(pinrender.Renderer().render(background)).convert("RGBA")
        assert ImageChops.difference(out.crop((0, 0, 170, 150)),
                                     expected.crop((0, 0, 170, 150))).getbbox() is None


def test_smart_crop_of_a_damaged_source_is_a_decode_error() -> None:
    broken = SOURCES["jpeg"][: len(SOURCES["jpeg"]) // 2]
    for position in ("attention", "entropy"):
        template = {"canvas": {"width": 200, "height": 100, "background": "#fff"},
                    "layers": [{**layer("a", data_url(broken, "jpeg"), 0, "cover"),
                                "objectPosition": position}]}
        with pytest.raises(pinrender.DecodeError, match="fit"):
            pinrender.Renderer().render(template)


def test_only_lazy_values_are_materialised_for_sharing() -> None:
    from pinrender._graph import shareable

    assert shareable(b"abc") == b"abc"
    im = Image.new("RGBA", (2, 2))
    assert shareable(im) is im
    lazy = pyvips.Image.black(4, 4)
    copied = shareable(lazy)
    assert copied is not lazy and copied.avg() == 0
