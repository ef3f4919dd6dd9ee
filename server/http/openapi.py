"""`/openapi.json`, built from the routes' own pydantic models.

Each handler is tagged with `@operation(...)` naming the models it validates with; the document is
assembled from those tags, so what is documented is exactly what is enforced. Error responses are
documented in the envelope of the path's family (`errors.speaks_seed_001`), the same rule the
exception handlers answer by.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.routing import BaseRoute, Route

from .errors import speaks_seed_001, speaks_seed_002
from .schemas import Envelope, ErrorOut, Seed002ErrorOut

F = TypeVar("F", bound=Callable[..., Any])
REF = "#/components/schemas/{model}"


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    body: type[BaseModel] | None = None
    form: type[BaseModel] | None = None  # a multipart/form-data body
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    enveloped: bool = True  # the response model sits under `data`
    media: tuple[str, ...] = ()  # binary responses (images, HTML)
    auth: bool = True
    status: int = 200
    errors: tuple[int, ...] = ()
    extra_params: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    # The security schemes that authenticate this operation (the ext family: X-API-Key only).
    security: tuple[str, ...] = ("bearer", "apiKeyHeader", "apiKeyQuery")
    operation_id: str | None = None  # default: from the method and path (`getV1MediaById`)
    example: Any = None  # a request body, shown (and sent by "Try it out") in /docs


def operation(**kwargs: Any) -> Callable[[F], F]:
    def tag(fn: F) -> F:
        fn.__openapi__ = Operation(**kwargs)  # type: ignore[attr-defined]
        return fn

    return tag


def operation_id(method: str, path: str) -> str:
    """`GET /v1/media/{id}` -> `getV1MediaById`: unique per route and method, stable."""
    words = [method.lower()]
    for part in path.strip("/").split("/"):
        if part.startswith("{") and part.endswith("}"):
            words.append("By" + _camel(part[1:-1]))
        elif part:
            words.append(_camel(part))
    return "".join(words)


def _camel(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", text) if w)


def _query_params(model: type[BaseModel], schema: dict[str, Any]) -> list[dict[str, Any]]:
    params = []
    required = set(schema.get("required", []))
    for name, prop in schema.get("properties", {}).items():
        param = {"name": name, "in": "query", "required": name in required,
                 "description": prop.get("description", "")}
        if prop.get("examples"):
            param["example"] = prop["examples"][0]
        # A parameter whose value is JSON text says so with `content`, and the JSON's own schema.
        if prop.get("contentMediaType") == "application/json" and "contentSchema" in prop:
            media: dict[str, Any] = {"schema": prop["contentSchema"]}
            if "example" in param:  # JSON text in the model: the parsed value here
                media["example"] = json.loads(param.pop("example"))
            param["content"] = {"application/json": media}
        else:
            param["schema"] = prop
        params.append(param)
    return params


def _allows_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    return (kind == "null" or (isinstance(kind, list) and "null" in kind)
            or any(_allows_null(o) for o in schema.get("anyOf", []) + schema.get("oneOf", [])))


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    """A field that may be left out but not sent as null has pydantic's `default: null`, which its
    own schema forbids: it is not part of the contract, so it is not documented."""
    for prop in schema.get("properties", {}).values():
        if "default" in prop and prop["default"] is None and not _allows_null(prop):
            del prop["default"]


def build_openapi(routes: Iterable[BaseRoute], *, title: str, version: str) -> dict[str, Any]:
    ops: list[tuple[Route, str, Operation]] = []
    for route in routes:
        if not isinstance(route, Route):
            continue
        op = getattr(route.endpoint, "__openapi__", None)
        if op is None:
            continue
        for method in sorted((route.methods or set()) - {"HEAD"}):
            ops.append((route, method.lower(), op))

    # Imported here: the hosting package imports this module for `operation`.
    from ..families.hosting.models import ProblemOut

    models: set[type[BaseModel]] = {ErrorOut, ProblemOut, Seed002ErrorOut}
    for _, _, op in ops:
        models.update(m for m in (op.body, op.form, op.response) if m is not None)
    # Two families may name a model alike (UsageOut): pydantic then gives each its own
    # component name, so references come from its mapping, never from `__name__`.
    schemas, defs = models_json_schema([(m, "validation") for m in models], ref_template=REF)
    components: dict[str, Any] = dict(defs.get("$defs", {}))
    for component in components.values():
        _drop_null_defaults(component)
    ref_of = {model: schema for (model, _), schema in schemas.items()}

    paths: dict[str, dict[str, Any]] = {}
    for route, method, op in ops:
        item: dict[str, Any] = {"operationId": op.operation_id or operation_id(method, route.path),
                                "summary": op.summary, "tags": [op.tag], "responses": {}}
        params: list[dict[str, Any]] = [
            {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
            for name in route.param_convertors
        ]
        if op.query is not None:
            params += _query_params(op.query, op.query.model_json_schema(ref_template=REF))
        params += list(op.extra_params)
        if params:
            item["parameters"] = params
        if op.body is not None:
            body: dict[str, Any] = {"schema": ref_of[op.body]}
            if op.example is not None:
                body["example"] = op.example
            item["requestBody"] = {"required": True, "content": {"application/json": body}}
        elif op.form is not None:
            item["requestBody"] = {"required": True, "content": {
                "multipart/form-data": {"schema": ref_of[op.form]}}}
        content: dict[str, Any]
        if op.media:
            content = {m: {"schema": {"type": "string", "format": "binary"}} for m in op.media}
        elif op.response is not None and op.enveloped:
            data = ref_of[op.response]
            content = {"application/json": {"schema": {
                "type": "object", "required": ["success", "data"],
                "properties": {"success": {"const": True}, "data": data}}}}
        elif op.response is not None:
            content = {"application/json": {"schema": ref_of[op.response]}}
        else:
            content = {"application/json": {"schema": Envelope.model_json_schema()}}
        item["responses"][str(op.status)] = {"description": "Success", "content": content}
        family = (ProblemOut if speaks_seed_001(route.path)
                  else Seed002ErrorOut if speaks_seed_002(route.path) else ErrorOut)
        error = {"application/json": {"schema": ref_of[family]}}
        for code in sorted({400, *op.errors} | ({401} if op.auth else set())):
            reason = _REASONS.get(code, "Error")
            # A 304 has no body; every other error carries the family's envelope.
            item["responses"][str(code)] = ({"description": reason} if code == 304
                                            else {"description": reason, "content": error})
        if op.auth:
            item["security"] = [{scheme: []} for scheme in op.security]
        paths.setdefault(route.path, {})[method] = item
    taken = [op["operationId"] for item in paths.values() for op in item.values()]
    duplicates = sorted({name for name in taken if taken.count(name) > 1})
    if duplicates:  # a programming error: two handlers named alike
        raise ValueError(f"operationId used twice: {', '.join(duplicates)}")

    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer"},
                "apiKeyHeader": {"type": "apiKey", "in": "header", "name": "X-API-Key"},
                "apiKeyQuery": {"type": "apiKey", "in": "query", "name": "api_key"},
            },
        },
    }


_REASONS = {
    304: "Not modified: the ETag in If-None-Match still matches (no body, nothing rendered)",
    400: "Missing or malformed field", 401: "API key missing, unknown or inactive",
    403: "Not allowed", 404: "Not found", 413: "Too large", 422: "Invalid template or overrides",
    429: "Rate limit or monthly render allowance exceeded", 503: "Busy: retry after Retry-After",
}
