"""Resolve: template + overrides + variables -> one validated template, ready to plan.

Pure and cheap: no fonts, no images, no pixels. Every problem raises TemplateError naming the
field as the user wrote it (`layers.title.fontSize`, `variables.author`).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from os import PathLike
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ._errors import TemplateError
from ._limits import DEFAULT_LIMITS, Limits
from ._model import AUTO, LAYER_TYPES, AnyLayer, ImageLayer, RectLayer, StackLayer, Template, TextLayer, walk
from ._sources.ref import SourceRef

TemplateInput = Template | Mapping[str, Any] | str | PathLike[str]
Overrides = Mapping[str, Mapping[str, Any]]

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_TEMPLATE_BYTES = 2 * 1024 * 1024
# Properties a variable may appear in: the strings a user would template.
TEMPLATED_FIELDS = ("text", "image_url", "color", "fill")


def _path_of(loc: tuple[Any, ...], raw: Any, kind: str) -> str:
    """Turn a pydantic location into the path a user would write: layer names instead of list
    indexes, and without the labels pydantic adds for union members (`text`, `constrained-float`)."""
    parts: list[str] = []
    node = raw
    items = list(loc)
    i = 0
    while i < len(items):
        item, last = items[i], i == len(items) - 1
        i += 1
        if isinstance(item, int) and isinstance(node, list) and item < len(node):
            entry = node[item]
            name = entry.get("name") if isinstance(entry, Mapping) else None
            # Stack children are layers too, and users name them as `layers.<name>` as well.
            in_layers = parts == ["layers"] or (len(parts) > 1 and parts[-1] == "children")
            is_layer = in_layers and isinstance(name, str) and bool(name)
            if is_layer:
                parts = ["layers", str(name)]
            else:
                parts.append(str(item))
            node = entry
            if is_layer and i < len(items) and items[i] in LAYER_TYPES:
                i += 1  # the discriminated union's tag, not a field of the layer
        elif isinstance(node, Mapping) and item in node:
            parts.append(str(item))
            node = node[item]
        elif last and kind in ("missing", "extra_forbidden"):
            parts.append(str(item))
        else:
            break
    return ".".join(parts)


def template_error(exc: ValidationError, raw: Any, prefix: str = "") -> TemplateError:
    first = exc.errors(include_url=False)[0]
    path = _path_of(tuple(first["loc"]), raw, first["type"])
    if prefix:
        path = f"{prefix}.{path}" if path else prefix
    message = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        message = "unknown property"
    elif first["type"] == "missing":
        message = "required"
    extra = len(exc.errors()) - 1
    if extra:
        message += f" (and {extra} more problem{'s' if extra > 1 else ''})"
    return TemplateError(message, path)


def parse_template(data: TemplateInput) -> Template:
    """Validate a template's jsonData given as a Template, a dict, a JSON string or a file path."""
    if isinstance(data, Template):
        return data
    raw: Any = data
    base_dir: Path | None = None
    if isinstance(data, PathLike) or (isinstance(data, str) and not data.lstrip().startswith("{")):
        path = Path(data)
        try:
            if path.stat().st_size > MAX_TEMPLATE_BYTES:
                raise TemplateError(f"file is over {MAX_TEMPLATE_BYTES} bytes", str(path))
            raw = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise TemplateError(f"cannot read template file: {exc.strerror}", str(path)) from None
        base_dir = path.resolve().parent
    if isinstance(raw, str):
        raw = _loads(raw, "template")
    if not isinstance(raw, Mapping):
        raise TemplateError("a template must be a JSON object", "template")
    if base_dir is not None:
        raw = _rebase_paths(raw, base_dir)
    try:
        return Template.model_validate(raw)
    except ValidationError as exc:
        raise template_error(exc, raw) from None


def _is_relative_path(value: Any) -> bool:
    return (isinstance(value, str) and bool(value) and "://" not in value
            and not value.startswith("data:") and not Path(value).is_absolute())


def _rebase_paths(raw: Mapping[str, Any], base_dir: Path) -> dict[str, Any]:
    """Image paths in a template file are relative to the file, as in HTML or CSS."""
    out = dict(raw)
    canvas = out.get("canvas")
    if isinstance(canvas, Mapping) and isinstance(canvas.get("background"), Mapping):
        background = dict(canvas["background"])
        if _is_relative_path(background.get("image_url")):
            background["image_url"] = str(base_dir / background["image_url"])
        out["canvas"] = {**canvas, "background": background}
    if isinstance(out.get("layers"), list):
        out["layers"] = _rebase_layers(out["layers"], base_dir)
    return out


def _rebase_layers(layers: list[Any], base_dir: Path) -> list[Any]:
    out = []
    for layer in layers:
        if isinstance(layer, Mapping):
            layer = dict(layer)
            if _is_relative_path(layer.get("image_url")):
                layer["image_url"] = str(base_dir / layer["image_url"])
            if isinstance(layer.get("children"), list):
                layer["children"] = _rebase_layers(layer["children"], base_dir)
        out.append(layer)
    return out


def _loads(text: str, what: str) -> Any:
    if len(text) > MAX_TEMPLATE_BYTES:
        raise TemplateError(f"over {MAX_TEMPLATE_BYTES} bytes", what)
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except _NonFinite as exc:
        raise TemplateError(f"{exc} is not a number JSON allows", what) from None
    except (ValueError, RecursionError) as exc:
        raise TemplateError(f"not valid JSON: {exc}", what) from None


class _NonFinite(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise _NonFinite(name)


def parse_overrides(value: Overrides | str | None) -> dict[str, dict[str, Any]]:
    """Accept the override object as a mapping or as its JSON text (as `/api/render` gets it)."""
    if value is None:
        return {}
    if isinstance(value, str):
        value = _loads(value, "layers") if value.strip() else {}
    if not isinstance(value, Mapping):
        raise TemplateError("must be an object mapping layer names to properties", "layers")
    result: dict[str, dict[str, Any]] = {}
    for name, props in value.items():
        if not isinstance(props, Mapping):
            raise TemplateError("must be an object of properties", f"layers.{name}")
        result[str(name)] = dict(props)
    return result


def parse_variables(value: Mapping[str, Any] | str | None) -> dict[str, str]:
    if value is None:
        return {}
    if isinstance(value, str):
        value = _loads(value, "variables") if value.strip() else {}
    if not isinstance(value, Mapping):
        raise TemplateError("must be an object mapping variable names to values", "variables")
    result: dict[str, str] = {}
    for name, raw in value.items():
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise TemplateError("must be a string or a number", f"variables.{name}")
        if isinstance(raw, float) and not math.isfinite(raw):
            raise TemplateError("must be a finite number", f"variables.{name}")
        result[str(name)] = raw if isinstance(raw, str) else format(raw, "g")
    return result


def _substitute(value: str, values: Mapping[str, str], path: str, rich: bool = False) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise TemplateError(f"uses {{{{{name}}}}}, which the template does not declare", path)
        if rich:
            # A value is text, never markup: "A*B*" must not italicise B.
            from ._text.markup import escape

            return escape(values[name])
        return values[name]

    return PLACEHOLDER.sub(replace, value)


def resolve(
    template: TemplateInput,
    layers: Overrides | str | None = None,
    *,
    variables: Mapping[str, Any] | str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Template:
    """Merge overrides and variables into the template and validate the result against limits."""
    base = parse_template(template)
    overrides = parse_overrides(layers)
    given = parse_variables(variables)

    declared = {v.name: v.default for v in base.variables}
    for name in given:
        if name not in declared:
            known = ", ".join(sorted(declared)) or "none"
            raise TemplateError(f"is not declared by the template (declared: {known})",
                                f"variables.{name}")
    values = declared | given

    names = {layer.name for layer, _ in walk(base.layers)}  # type: ignore[arg-type]
    for name in overrides:
        if name not in names:
            known = ", ".join(sorted(names)) or "none"
            raise TemplateError(f"no layer has this name (layers: {known})", f"layers.{name}")

    def apply(layer: AnyLayer) -> AnyLayer:
        props = overrides.get(layer.name)
        raw = layer.model_dump()
        source = getattr(layer, "image_url", None)
        if isinstance(source, SourceRef):
            raw["image_url"] = source  # a dump would flatten it into a plain dict
        if props:
            for key in ("name", "type", "children"):
                if key in props and props[key] != raw.get(key):
                    raise TemplateError("cannot be overridden", f"layers.{layer.name}.{key}")
            raw |= props
        for key in TEMPLATED_FIELDS:
            rich = key == "text" and raw.get("richText", True) is not False
            if isinstance(raw.get(key), str):
                raw[key] = _substitute(raw[key], values, f"layers.{layer.name}.{key}", rich)
            elif rich and isinstance(raw.get(key), list):
                # Rich text given as runs (an override): each run's text is templated as plain text.
                raw[key] = [run | {"text": _substitute(run["text"], values,
                                                       f"layers.{layer.name}.{key}.{n}.text")}
                            if isinstance(run, dict) and isinstance(run.get("text"), str) else run
                            for n, run in enumerate(raw[key])]
        if isinstance(layer, StackLayer):
            raw["children"] = [apply(child) for child in layer.children]
        try:
            return type(layer).model_validate(raw)
        except ValidationError as exc:
            raise template_error(exc, raw, prefix=f"layers.{layer.name}") from None

    resolved = [apply(layer) for layer in base.layers]  # type: ignore[arg-type]

    spec = base.model_copy(update={"layers": resolved})
    check_limits(spec, limits)
    return spec


def check_limits(spec: Template, limits: Limits) -> None:
    canvas = spec.canvas
    side = limits.max_canvas_side
    if canvas.width > side or canvas.height > side:
        raise TemplateError(f"{canvas.width}x{canvas.height} is over the {side}x{side} limit",
                            "canvas")
    if canvas.width * canvas.height > limits.max_canvas_pixels:
        raise TemplateError(f"{canvas.width * canvas.height} pixels is over the "
                            f"{limits.max_canvas_pixels} pixel limit", "canvas")
    every = [layer for layer, _ in walk(spec.layers)]  # type: ignore[arg-type]
    if len(every) > limits.max_layers:
        raise TemplateError(f"{len(every)} layers is over the limit of {limits.max_layers}",
                            "layers")
    for layer in every:
        # A layer box may hang off the canvas, but not be absurdly larger than it. (AUTO is a
        # stack child's "as the stack gives", bounded by the stack when it is placed.)
        sides = [v for v in (layer.width, layer.height) if v is not None and v != AUTO]
        if any(v > 4 * side for v in sides):
            raise TemplateError(f"layer box is over {4 * side} pixels", f"layers.{layer.name}")
        if isinstance(layer, TextLayer) and len(layer.text) > limits.max_text_length:
            raise TemplateError(f"{len(layer.text)} characters is over the limit of "
                                f"{limits.max_text_length}", f"layers.{layer.name}.text")
        if isinstance(layer, TextLayer) and layer.autoFit and layer.minFontSize > layer.fontSize:
            raise TemplateError("must not be larger than fontSize",
                                f"layers.{layer.name}.minFontSize")


__all__ = [
    "ImageLayer",
    "RectLayer",
    "TextLayer",
    "parse_overrides",
    "parse_template",
    "parse_variables",
    "resolve",
]
