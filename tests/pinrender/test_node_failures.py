"""Every node kind's failure path ends in a pinrender exception, never a raw pyvips, Pillow or
OS error (which the server would answer with a 500).

The kinds are listed from the package itself: a new kind without a case here fails
`test_every_node_kind_has_a_failure_case`.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pyvips
from PIL import Image

import pinrender
import pinrender._nodes
from pinrender._codecs.decode import FULL_WIDTH
from pinrender._graph import ExecutionContext, Node, digest, execute
from pinrender._model import TextLayer
from pinrender._nodes.clip import Clip
from pinrender._nodes.composite import Over
from pinrender._nodes.encode import Encode
from pinrender._nodes.frame import Frame, Matte
from pinrender._nodes.group import Group
from pinrender._nodes.hotspots import HotspotOverlay, Marker
from pinrender._nodes.image import Fit, Opacity, RoundCorners
from pinrender._nodes.resize import Resize
from pinrender._nodes.shadow import BoxShadow, DropShadow
from pinrender._nodes.shape import Fill, Shape
from pinrender._nodes.source import Decode, Orient, Source, ToSrgb
from pinrender._nodes.stroke import Stroke
from pinrender._nodes.text import Text
from pinrender._sources import SourceRef

pytestmark = pytest.mark.timeout(60)


def node_kinds() -> dict[str, type[Node]]:
    """Every concrete node kind defined in pinrender._nodes, by kind."""
    for module in pkgutil.walk_packages(pinrender._nodes.__path__, "pinrender._nodes."):
        importlib.import_module(module.name)
    found: dict[str, type[Node]] = {}
    pending = list(Node.__subclasses__())
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith("pinrender._nodes.") and "kind" in cls.__dict__:
            found[cls.kind] = cls
    return found


@dataclass(frozen=True)
class Given(Node):
    """A test input: hands a prepared value to the node under test."""

    name: str
    value: Any = field(compare=False)
    kind = "given"
    cacheable = False

    @property
    def key(self) -> str:
        return digest(self.kind, self.name)

    def run(self, ctx: ExecutionContext, *inputs: Any) -> Any:
        return self.value


class BrokenLoader:
    """A loader whose storage fails underneath it: the disk went away mid-request."""

    allow_local = False

    def load(self, ref: SourceRef) -> bytes:
        raise OSError(5, "Input/output error")


def jpeg(width: int = 120, height: int = 80) -> bytes:
    return bytes(pyvips.Image.black(width, height, bands=3).jpegsave_buffer())


def truncated_jpeg() -> bytes:
    """A JPEG cut after its header: the header probes fine, the pixels do not decode."""
    xy = pyvips.Image.xyz(300, 200)
    image = (xy[0] % 256).cast("uchar").bandjoin([(xy[1] % 256).cast("uchar")] * 2)
    data = bytes(image.copy(interpretation="srgb").jpegsave_buffer(Q=95))
    return data[: len(data) // 2]


def damaged_decode() -> Node:
    return ToSrgb(Orient(Decode(Given("damaged", truncated_jpeg()))))


def vips_with(name: str, value: str, bands: int = 3) -> pyvips.Image:
    image = pyvips.Image.black(60, 40, bands=bands).copy(interpretation="srgb")
    image.set_type(pyvips.GValue.gstr_type, name, value)
    return image


RGB = Image.new("RGB", (30, 20), (10, 20, 30))  # no alpha: the RGBA-only steps refuse it
RGBA = Image.new("RGBA", (30, 20), (10, 20, 30, 255))
TEXT = TextLayer(name="t", type="text", x=0, y=0, width=100, height=40, text="Hello",
                 fontFamily="No Such Family Anywhere")


@dataclass(frozen=True)
class Case:
    graph: Callable[[], Node]
    error: type[pinrender.PinrenderError]
    translated: bool = True  # the executor translates it (else the node raises its own)
    loader: Any = None


CASES: dict[str, Case] = {
    "source": Case(lambda: Source(SourceRef("bytes", b"", "gone")), pinrender.SourceError,
                   loader=BrokenLoader()),
    "decode": Case(lambda: Decode(Given("not-an-image", b"\x89PNG\r\n\x1a\nnot really")),
                   pinrender.DecodeError, translated=False),
    "orient": Case(lambda: Orient(Given("orientation", vips_with("orientation", "sideways"))),
                   pinrender.DecodeError),
    "to_srgb": Case(lambda: ToSrgb(Given("cmyk", pyvips.Image.black(8, 8).copy(
        interpretation="cmyk"))), pinrender.DecodeError),
    "resize": Case(lambda: Resize(Given("full-width", vips_with(FULL_WIDTH, "wide")),
                                  "width", 256), pinrender.DecodeError),
    "frame": Case(lambda: Frame(Given("full-width", vips_with(FULL_WIDTH, "wide")), 10, 10,
                                "crop"), pinrender.DecodeError),
    "matte": Case(lambda: Matte(Given("pillow", RGBA), (1, 2, 3, 255)), pinrender.RenderError,
                  translated=False),
    "fit": Case(lambda: Fit(damaged_decode(), 60, 40, "cover", "attention"),
                pinrender.DecodeError),
    "round": Case(lambda: RoundCorners(Given("rgb", RGB), (5.0, 5.0, 5.0, 5.0)),
                  pinrender.RenderError),
    "opacity": Case(lambda: Opacity(Given("rgb", RGB), 0.5), pinrender.RenderError),
    "over": Case(lambda: Over(Given("rgb", RGB), Given("rgba", RGBA), 0, 0),
                 pinrender.RenderError),
    "fill": Case(lambda: Fill(10, 10, "not-a-colour"), pinrender.RenderError),
    "shape": Case(lambda: Shape(10, 10, "#ffffff", 2.0, "not-a-colour"), pinrender.RenderError),
    "text": Case(lambda: Text(TEXT, "fonts"), pinrender.FontError, translated=False),
    "group": Case(lambda: Group(40, 40, (Given("rgb", RGB),), ((0, 0),)), pinrender.RenderError),
    "clip": Case(lambda: Clip(Given("rgb", RGB), Given("rgba", RGBA)), pinrender.RenderError),
    "drop_shadow": Case(lambda: DropShadow(Given("rgba", RGBA), 4.0, "not-a-colour", 8),
                        pinrender.RenderError),
    "box_shadow": Case(lambda: BoxShadow(10, 10, (0.0,) * 4, 1.0, 1.0, 2.0, 0.0, "not-a-colour",
                                         6), pinrender.RenderError),
    "stroke": Case(lambda: Stroke(Given("rgb", RGB), 2.0, "#000000"), pinrender.RenderError),
    "encode": Case(lambda: Encode(damaged_decode(), "png"), pinrender.DecodeError,
                   translated=False),
    "hotspots": Case(lambda: HotspotOverlay(damaged_decode(), (Marker(50, 50, (1, 2, 3, 255),
                                                                      "1"),)),
                     pinrender.DecodeError, translated=False),
}


def test_every_node_kind_has_a_failure_case() -> None:
    assert sorted(node_kinds()) == sorted(CASES)


@pytest.mark.parametrize("kind", sorted(CASES))
def test_failure_is_a_pinrender_error(kind: str) -> None:
    case = CASES[kind]
    loader = case.loader or pinrender.SafeLoader()
    ctx = ExecutionContext(pinrender.Services(loader, pinrender.default_fonts()))
    reserved = ctx.decode_budget.in_use
    with pytest.raises(pinrender.PinrenderError) as info:
        execute(case.graph(), ctx)
    assert isinstance(info.value, case.error), repr(info.value)
    if case.translated:
        assert kind in str(info.value)
        assert info.value.__cause__ is not None  # the library's own error stays attached
    assert ctx.decode_budget.in_use == reserved  # a failed decode gives its budget back


def test_programming_errors_are_not_disguised() -> None:
    """A bug (here an AttributeError) surfaces as itself: it is not the input that is wrong."""
    ctx = ExecutionContext(pinrender.Services(pinrender.SafeLoader(), pinrender.default_fonts()))
    with pytest.raises(AttributeError):
        execute(Opacity(Given("not-an-image", 42), 0.5), ctx)
