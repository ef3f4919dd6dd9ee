"""The Renderer: for each output kind a pure, keyed plan and the one executor that runs it, with
shared services, a bounded result cache, the deadline and the decode budget.

    templates     render_key / render / render_result / layout
    transforms    transform_key / transform
    hotspot cards hotspot_card_key / hotspot_card
    any plan      result(plan): RenderResult
    sources       probe / verify
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from ._budget import ByteBudget, decode_budget
from ._errors import TemplateError
from ._formats import AUTO_FORMATS, FORMATS, RENDER_FORMATS, output_format, output_quality
from ._graph import ExecutionContext, Node, ResultCache, execute
from ._model import Template, TextLayer
from ._resolve import Overrides, TemplateInput, resolve
from ._services import Services, Store
from ._stack import Box, place_stacks, text_measure

if TYPE_CHECKING:
    from ._codecs import ProbeInfo
    from ._sources import SourceRef

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class LineSpan:
    """A part of a line drawn in one style (rich text spans; a plain line has one), in display
    order, in canvas coordinates. `color` None is the layer's colour; `synthetic` lists faces
    made up because the family lacks them ("bold", "oblique")."""

    text: str
    x: float
    width: float
    fontWeight: int
    fontStyle: str
    color: str | None
    underline: bool
    synthetic: tuple[str, ...] = ()


@dataclass(frozen=True)
class Line:
    """One laid-out line of text, in canvas coordinates (before any layer rotation)."""

    text: str
    x: float
    y: float
    width: float
    height: float
    spans: tuple[LineSpan, ...] = ()


@dataclass(frozen=True)
class TextBlock:
    name: str
    font_size: float
    lines: tuple[Line, ...]
    truncated: bool


@dataclass(frozen=True)
class Layout:
    width: int
    height: int
    layers: dict[str, TextBlock] = field(default_factory=dict)
    boxes: dict[str, Box] = field(default_factory=dict)  # every stack and stack child, placed


@dataclass(frozen=True)
class RenderResult:
    data: bytes
    key: str
    format: str
    media_type: str
    timings: dict[str, float]  # seconds: fetch, render, encode


def default_services() -> Services:
    from ._sources import SafeLoader
    from ._text import default_fonts

    return Services(loader=SafeLoader(), fonts=default_fonts())


class Renderer:
    """Renders templates, transforms and hotspot cards. One instance holds the services and
    cache that its outputs share, and the deadline (`timeout` seconds) each one runs under.

    `fonts` adds your own font files and folders (searched recursively for .ttf/.otf/.ttc/.otc)
    to the bundled and system fonts, for this renderer only: `Renderer(fonts=["Brand.ttf"])`.
    A family's faces merge across sources, so one bold file joins the regular and italic faces
    installed elsewhere. A missing, damaged, oversized or non-font file raises FontError naming it.

    `store` reads stored objects (`pinrender.stored(name, digest)`) by name: bytes, or None if
    there is no such object.
    """

    def __init__(self, services: Services | None = None, *,
                 fonts: Sequence[str | os.PathLike[str]] | None = None,
                 cache_bytes: int = DEFAULT_CACHE_BYTES, timeout: float | None = None,
                 store: Store | None = None) -> None:
        services = services or default_services()
        if fonts:
            from ._text import user_fonts

            services = replace(services, fonts=user_fonts(services.fonts, fonts))
        if store is not None:
            services = replace(services, store=store)
        self.services = services
        self.cache = ResultCache(cache_bytes)
        self.timeout = timeout
        self.stats: Counter[str] = Counter()

    # -- plans: pure, keyed, no bytes read -----------------------------------------------
    def resolve(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                variables: Any = None) -> Template:
        return resolve(template, layers, variables=variables, limits=self.services.limits)

    def plan(self, template: TemplateInput, layers: Overrides | str | None = None, *,
             variables: Any = None, format: str = "png", quality: int | None = None) -> Node:
        """The graph of a template render."""
        from ._pipelines import plan_render  # imports pyvips: only when something is rendered

        fmt = format if format in AUTO_FORMATS else output_format(format)
        q = output_quality(quality)
        spec, _ = self.place(self.resolve(template, layers, variables=variables))
        return plan_render(spec, format=fmt, quality=q, fonts=self.services.fonts.fingerprint,
                           allow_local=self.services.loader.allow_local)

    def place(self, spec: Template) -> tuple[Template, dict[str, Box]]:
        """Stacks laid out into positioned layers, text measured with this renderer's fonts."""
        return place_stacks(spec, text_measure(self.services.fonts))


    def plan_transform(self, source: Any, **options: Any) -> Node:
        """The graph of a transform: `size` s/m/l, `width`, `format`, `quality`,
        `keep_metadata`."""
        from ._pipelines import plan_transform

        return plan_transform(self._ref(source), **options)

    def plan_hotspot_card(self, source: Any, hotspots: Iterable[Mapping[str, Any]], *,
                          width: int | None = 1200, format: str = "png",
                          quality: int | None = None) -> Node:
        """The graph of a hotspot card: the image up to `width` wide (never upscaled) with a
        numbered marker at each hotspot ({x, y} in percent, optional color)."""
        from ._pipelines import plan_hotspot_card

        if width is not None and (isinstance(width, bool) or not isinstance(width, int)
                                  or width < 1):
            raise TemplateError("must be a positive whole number of pixels", "width")
        return plan_hotspot_card(self._ref(source), hotspots, width=width,
                                 format=output_format(format, allowed=RENDER_FORMATS),
                                 quality=output_quality(quality))

    def _ref(self, source: Any) -> SourceRef:
        from ._sources import source_ref

        return source_ref(source, allow_local=bool(getattr(self.services.loader, "allow_local",
                                                           False)))

    # -- the one executor ----------------------------------------------------------------
    @property
    def decode_budget(self) -> ByteBudget:
        """The process-wide decode memory budget this renderer's limits name
        (`Limits.max_decode_bytes`): `capacity`, `in_use`, `high_water` and `waits` in bytes."""
        return decode_budget(self.services.limits.max_decode_bytes)

    def execute(self, root: Node) -> tuple[Any, ExecutionContext]:
        """Run a planned graph within this renderer's deadline; its value and the context
        (run counts and timings by node kind)."""
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        ctx = ExecutionContext(self.services, self.cache, deadline=deadline, timeout=self.timeout)
        value = execute(root, ctx)
        self.stats.update(ctx.runs)
        return value, ctx

    def result(self, plan: Node) -> RenderResult:
        """Run any plan (`plan`, `plan_transform`, `plan_hotspot_card`): the encoded bytes,
        their key, format and media type, and where the time went."""
        data, ctx = self.execute(plan)
        fetch = ctx.timings.get("source", 0.0)
        encode = ctx.timings.get("encode", 0.0)
        render = sum(ctx.timings.values()) - fetch - encode
        planned = getattr(plan, "format", None)
        # None (the source's own format) or auto: the bytes say which
        fmt = str(planned) if planned in FORMATS else _format_of(data)
        return RenderResult(bytes(data), plan.key, fmt, FORMATS[fmt].media_type,
                            {"fetch": fetch, "render": render, "encode": encode})

    # -- templates -----------------------------------------------------------------------
    def render_key(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                   variables: Any = None, format: str = "png", quality: int | None = None) -> str:
        return self.plan(template, layers, variables=variables, format=format,
                         quality=quality).key

    def render_result(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                      variables: Any = None, format: str = "png",
                      quality: int | None = None) -> RenderResult:
        return self.result(self.plan(template, layers, variables=variables, format=format,
                                     quality=quality))

    def render(self, template: TemplateInput, layers: Overrides | str | None = None, *,
               variables: Any = None, format: str = "png", quality: int | None = None) -> bytes:
        return self.render_result(template, layers, variables=variables, format=format,
                                  quality=quality).data

    def layout(self, template: TemplateInput, layers: Overrides | str | None = None, *,
               variables: Any = None) -> Layout:
        from ._text import layout_text
        from ._text.layout import span_boxes

        spec, boxes = self.place(self.resolve(template, layers, variables=variables))
        blocks: dict[str, TextBlock] = {}
        for layer in spec.layers:
            if not isinstance(layer, TextLayer) or layer.hidden:
                continue
            text = layout_text(layer, self.services.fonts)
            lines = tuple(
                Line(line.text, layer.x + line.x, layer.y + line.y, line.width, line.height,
                     tuple(LineSpan(b.text, layer.x + line.x + b.x, b.width, b.weight,
                                    "italic" if b.italic else "normal", b.color, b.underline,
                                    b.synthetic) for b in span_boxes(layer, text, line)))
                for line in text.lines)
            blocks[layer.name] = TextBlock(layer.name, text.font_size, lines, text.truncated)
        return Layout(spec.canvas.width, spec.canvas.height, blocks, boxes)

    # -- transforms ----------------------------------------------------------------------
    def transform_key(self, source: Any, **options: Any) -> str:
        """The transform's content key (its ETag), computed without reading the source."""
        return self.plan_transform(source, **options).key

    def transform(self, source: Any, **options: Any) -> bytes:
        """Resize and convert an image: `size` s/m/l, `width`, `format`, `quality`,
        `keep_metadata`."""
        return self.result(self.plan_transform(source, **options)).data

    # -- hotspot cards -------------------------------------------------------------------
    def hotspot_card_key(self, source: Any, hotspots: Iterable[Mapping[str, Any]],
                         **options: Any) -> str:
        """The card's content key, computed without reading the source."""
        return self.plan_hotspot_card(source, hotspots, **options).key

    def hotspot_card(self, source: Any, hotspots: Iterable[Mapping[str, Any]],
                     **options: Any) -> bytes:
        """The image with numbered hotspot markers: `width` (default 1200), `format`, `quality`."""
        return self.result(self.plan_hotspot_card(source, hotspots, **options)).data

    # -- sources -------------------------------------------------------------------------
    def probe(self, source: Any) -> ProbeInfo:
        """Width, height, format, frames, alpha and orientation, read from the header."""
        from ._verify import probe

        return probe(source, self.services)

    def verify(self, source: Any, *, timeout: float | None = None) -> ProbeInfo:
        """Decode every pixel, shrunk on load, within `timeout` seconds (default: this renderer's
        deadline); returns what `probe` returns. DecodeError if the file is damaged."""
        from ._verify import verify

        return verify(source, self.services, timeout=self.timeout if timeout is None else timeout)


def _format_of(data: bytes) -> str:
    from ._codecs import sniff

    return sniff(data)
