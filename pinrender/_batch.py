"""Many renders of one template: one result per row, in input order, on a shared renderer.

    for result in pinrender.render_many("card.json", rows, format="webp", workers=2):
        if result.ok:
            Path(f"{result.index}.webp").write_bytes(result.data)

A row is a mapping of columns. A column that names a declared variable fills it; a column
`layer.property` overrides that property of that layer (`title.fontSize`, `avatar.image_url`); a
column naming a layer whose value is a mapping overrides several properties at once. Any other
column is left alone (a row may carry its own id or slug); `columns()` says which is which.

Rows are consumed lazily and at most `window` of them are in flight, so memory stays bounded
however many rows there are. The first row renders alone before the others fan out across the
workers: what every row shares (a decoded, fitted background) is then in the renderer's cache
once, not decoded by each worker that started before any had finished.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from itertools import islice
from typing import Any

from ._errors import PinrenderError, TemplateError
from ._formats import output_format, output_quality
from ._model import Template, walk
from ._renderer import Renderer
from ._resolve import parse_template

__all__ = ["BatchResult", "Columns", "columns", "render_many"]


@dataclass(frozen=True)
class BatchResult:
    """One row's outcome: `data` and `key`, or `error` (and the `column` it names, when it names
    one); `skipped` when the caller's `skip` said the output already exists."""

    index: int
    row: Mapping[str, Any]
    key: str | None = None
    data: bytes | None = None
    error: PinrenderError | None = None
    column: str | None = None
    skipped: bool = False

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class Columns:
    """How a template reads a row's columns."""

    variables: frozenset[str]
    layers: frozenset[str]
    ignored: tuple[str, ...] = field(default=())

    def split(self, row: Mapping[str, Any]) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
        """The row as (layer overrides, variables). An empty cell in an override column keeps
        the template's value: a spreadsheet cannot leave a cell out, only empty it."""
        overrides: dict[str, dict[str, Any]] = {}
        variables: dict[str, Any] = {}
        for name, value in row.items():
            name = str(name)
            layer, dot, prop = name.partition(".")
            if dot and layer in self.layers and prop:
                if value is not None and value != "":
                    overrides.setdefault(layer, {})[prop] = value
            elif name in self.layers and isinstance(value, Mapping):
                overrides.setdefault(name, {}).update(value)
            elif name in self.variables:
                if value is not None:
                    variables[name] = value
        return overrides, variables


def columns(template: Any, header: Iterable[str] = ()) -> Columns:
    """The template's variable and layer names; with a `header`, the columns it will ignore."""
    spec = template if isinstance(template, Template) else parse_template(template)
    variables = frozenset(v.name for v in spec.variables)
    layers = frozenset(layer.name for layer, _ in walk(spec.layers))  # type: ignore[arg-type]
    ignored = tuple(c for c in header
                    if c not in variables and c.partition(".")[0] not in layers)
    return Columns(variables, layers, ignored)


def _column_of(error: PinrenderError, row: Mapping[str, Any]) -> str | None:
    """The row's column an error names: `variables.author` -> author, `layers.title.fontSize`
    -> title.fontSize (or title, when the row gave the layer as one mapping)."""
    path = getattr(error, "path", "") or ""
    kind, _, rest = path.partition(".")
    if kind == "variables" and rest in row:
        return rest
    if kind == "layers" and rest:
        layer, _, prop = rest.partition(".")
        prop = prop.partition(".")[0]
        for candidate in (f"{layer}.{prop}", layer):
            if candidate in row:
                return candidate
    return None


def render_many(template: Any, rows: Iterable[Mapping[str, Any]], *, format: str = "png",
                quality: int | None = None, workers: int = 1, window: int | None = None,
                renderer: Renderer | None = None,
                skip: Callable[[int, Mapping[str, Any], str], bool] | None = None,
                ) -> Iterator[BatchResult]:
    """Render `template` once per row, yielding a BatchResult per row in input order.

    The template, `format` and `quality` are checked when called (TemplateError); a bad row
    yields its error and the batch goes on. `workers` threads render at once (libvips releases
    the GIL while it works); at most `window` rows (default 4 per worker) are held at a time.
    `renderer` defaults to the process-wide one; its cache is what the rows share.
    `skip(index, row, key)` is asked before each render (on a worker thread): True yields the row
    as skipped, unrendered (the command line's `--resume` uses it).
    """
    if workers < 1:
        raise ValueError("workers must be at least 1")
    if renderer is None:
        from . import default_renderer

        renderer = default_renderer()
    output_format(format)  # a bad format or quality fails the call, not every row
    output_quality(quality)
    spec = template if isinstance(template, Template) else parse_template(template)
    reads = columns(spec)
    held = max(window or 4 * workers, workers)
    # Checked above, when called; the rows are read only as the results are asked for.
    return _results(_one_row(renderer, spec, reads, format, quality, skip), rows, workers, held)


def _one_row(renderer: Renderer, spec: Template, reads: Columns, format: str,
             quality: int | None, skip: Callable[[int, Mapping[str, Any], str], bool] | None,
             ) -> Callable[[int, Any], BatchResult]:
    def one(index: int, row: Any) -> BatchResult:
        key: str | None = None
        try:
            if not isinstance(row, Mapping):
                raise TemplateError(f"a row must be an object of columns, not {type(row).__name__}")
            overrides, variables = reads.split(row)
            plan = renderer.plan(spec, overrides, variables=variables, format=format,
                                 quality=quality)
            key = plan.key
            if skip is not None and skip(index, row, key):
                return BatchResult(index, row, key=key, skipped=True)
            return BatchResult(index, row, key=key, data=renderer.result(plan).data)
        except PinrenderError as exc:
            return BatchResult(index, row, key=key, error=exc, column=_column_of(exc, row))

    return one


def _results(one: Callable[[int, Any], BatchResult], rows: Iterable[Any], workers: int,
             held: int) -> Iterator[BatchResult]:
    numbered = enumerate(rows)
    if workers == 1:
        for index, row in numbered:
            yield one(index, row)
        return
    # Rendered alone, the first row fills the cache with what the others share.
    for index, row in islice(numbered, 1):
        yield one(index, row)
    with ThreadPoolExecutor(workers, thread_name_prefix="pinrender-batch") as pool:
        pending: deque[Future[BatchResult]] = deque()
        try:
            for index, row in numbered:
                pending.append(pool.submit(one, index, row))
                if len(pending) >= held:
                    yield pending.popleft().result()
            while pending:
                yield pending.popleft().result()
        finally:
            # A consumer that stops early (break, an exception) cancels what has not started.
            for future in pending:
                future.cancel()

