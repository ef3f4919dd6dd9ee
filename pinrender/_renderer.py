"""The Renderer: resolve, plan and execute with shared services and a bounded result cache."""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from ._budget import ByteBudget, decode_budget
from ._formats import MEDIA_TYPES, output_format, output_quality
from ._graph import ExecutionContext, Node, ResultCache, execute
from ._model import Template, TextLayer
from ._resolve import Overrides, TemplateInput, resolve
from ._services import Services
from ._stack import Box, place_stacks, text_measure

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024


@dataclass(frozen=True)
class Line:
    """One laid-out line of text, in canvas coordinates (before any layer rotation)."""

    text: str
    x: float
    y: float
    width: float
    height: float


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
    """Renders templates. One instance holds the services and cache that its renders share.

    `fonts` adds your own font files and folders (searched recursively for .ttf/.otf/.ttc/.otc)
    to the bundled and system fonts, for this renderer only: `Renderer(fonts=["Brand.ttf"])`.
    A family's faces merge across sources, so one bold file joins the regular and italic faces
    installed elsewhere. A missing, damaged, oversized or non-font file raises FontError naming it.
    """

    def __init__(self, services: Services | None = None, *,
                 fonts: Sequence[str | os.PathLike[str]] | None = None,
                 cache_bytes: int = DEFAULT_CACHE_BYTES, timeout: float | None = None) -> None:
        services = services or default_services()
        if fonts:
            from ._text import user_fonts

            services = replace(services, fonts=user_fonts(services.fonts, fonts))
        self.services = services
        self.cache = ResultCache(cache_bytes)
        self.timeout = timeout
        self.stats: Counter[str] = Counter()

    # -- phases --------------------------------------------------------------------------
    def resolve(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                variables: Any = None) -> Template:
        return resolve(template, layers, variables=variables, limits=self.services.limits)

    def plan(self, template: TemplateInput, layers: Overrides | str | None = None, *,
             variables: Any = None, format: str = "png", quality: int | None = None) -> Node:
        from ._plan import plan_render  # imports pyvips: only when something is rendered

        fmt = output_format(format)
        q = output_quality(quality)
        spec, _ = self.place(self.resolve(template, layers, variables=variables))
        return plan_render(spec, format=fmt, quality=q, fonts=self.services.fonts.fingerprint,
                           allow_local=self.services.loader.allow_local)

    def place(self, spec: Template) -> tuple[Template, dict[str, Box]]:
        """Stacks laid out into positioned layers, text measured with this renderer's fonts."""
        return place_stacks(spec, text_measure(self.services.fonts))

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

    # -- public calls --------------------------------------------------------------------
    def render_key(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                   variables: Any = None, format: str = "png", quality: int | None = None) -> str:
        return self.plan(template, layers, variables=variables, format=format,
                         quality=quality).key

    def render_result(self, template: TemplateInput, layers: Overrides | str | None = None, *,
                      variables: Any = None, format: str = "png",
                      quality: int | None = None) -> RenderResult:
        root = self.plan(template, layers, variables=variables, format=format, quality=quality)
        data, ctx = self.execute(root)
        fetch = ctx.timings.get("source", 0.0)
        encode = ctx.timings.get("encode", 0.0)
        render = sum(ctx.timings.values()) - fetch - encode
        fmt = root.format  # type: ignore[attr-defined]
        return RenderResult(data, root.key, fmt, MEDIA_TYPES[fmt],
                            {"fetch": fetch, "render": render, "encode": encode})

    def render(self, template: TemplateInput, layers: Overrides | str | None = None, *,
               variables: Any = None, format: str = "png", quality: int | None = None) -> bytes:
        return self.render_result(template, layers, variables=variables, format=format,
                                  quality=quality).data

    def layout(self, template: TemplateInput, layers: Overrides | str | None = None, *,
               variables: Any = None) -> Layout:
        from ._text import layout_text

        spec, boxes = self.place(self.resolve(template, layers, variables=variables))
        blocks: dict[str, TextBlock] = {}
        for layer in spec.layers:
            if not isinstance(layer, TextLayer) or layer.hidden:
                continue
            text = layout_text(layer, self.services.fonts)
            lines = tuple(Line(line.text, layer.x + line.x, layer.y + line.y, line.width,
                               line.height) for line in text.lines)
            blocks[layer.name] = TextBlock(layer.name, text.font_size, lines, text.truncated)
        return Layout(spec.canvas.width, spec.canvas.height, blocks, boxes)

    def transform(self, source: Any, **options: Any) -> bytes:
        """Resize and convert an image: `size` s/m/l, `width`, `format`, `quality`,
        `keep_metadata`."""
        from ._transform import plan_source_transform

        value, _ = self.execute(plan_source_transform(source, self.services, **options))
        return bytes(value)

    def transform_key(self, source: Any, **options: Any) -> str:
        """The transform's content key (its ETag), computed without decoding anything."""
        from ._transform import plan_source_transform

        return plan_source_transform(source, self.services, **options).key

    def probe(self, source: Any) -> Any:
        """Width, height, format, frames, alpha and orientation, read from the header."""
        from ._transform import probe

        return probe(source, self.services)
