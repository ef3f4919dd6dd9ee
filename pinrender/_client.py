"""A client for a pinrender server's HTTP API, on httpx: `Client` and its async twin.

    with pinrender.Client("https://img.example.com", api_key="pk_...") as client:
        template = client.create_template("Card", json_data)
        result = client.generate(template.id, {"title": {"text": "Hello"}})
        png = client.render(template.id, {"title": {"text": "Hello"}})

Results are small dataclasses defined here that mirror the server's JSON, not the server's own
pydantic models: the core never imports the server (a program that only talks to a service has no
use for its settings and stores), and the server's request models forbid unknown fields where a
client must be lenient, so a newer server with a field more still reads. Every result keeps the
whole JSON object in `raw`.

Errors are one tree, whatever family answered (seed 000's `{"success": false, "error", "code"}`,
seed 001's `{"error": code, "message"}`):

    ApiError                 .status, .code, .message, .field, .body
    ├── BadRequest           400, 413, 415, 422: the request names a bad field or file
    ├── Unauthorized         401, 403: no key, a bad key, or not allowed
    ├── NotFound             404
    ├── LimitExceeded        429 (.retry_after seconds, when the server says)
    └── Unavailable          5xx (.retry_after on a busy 503)

Transport failures stay httpx's own exceptions (`httpx.TransportError`).
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from . import urls

__all__ = [
    "ApiError", "AsyncClient", "BadRequest", "Client", "Deleted", "Generated", "Image",
    "ImagePage", "LimitExceeded", "Media", "NotFound", "TemplateInfo", "TemplatePage",
    "Unauthorized", "Unavailable",
]

_STATUS_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
                 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
                 422: "invalid", 429: "rate_limited", 500: "internal", 503: "unavailable"}


class ApiError(Exception):
    """The server refused or failed a request: its HTTP status, error code and message."""

    def __init__(self, status: int, code: str, message: str, *, field: str | None = None,
                 body: Any = None, retry_after: float | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.body = body
        self.retry_after = retry_after


class BadRequest(ApiError):
    """400, 413, 415 or 422: `field` names what was wrong when the server said."""


class Unauthorized(ApiError):
    """401 or 403."""


class NotFound(ApiError):
    """404."""


class LimitExceeded(ApiError):
    """429: a rate limit or a monthly allowance; `retry_after` in seconds."""


class Unavailable(ApiError):
    """5xx: the server is busy (503, `retry_after`) or failed."""


def _error_class(status: int) -> type[ApiError]:
    if status in (401, 403):
        return Unauthorized
    if status == 404:
        return NotFound
    if status == 429:
        return LimitExceeded
    if status >= 500:
        return Unavailable
    if status in (400, 413, 415, 422):
        return BadRequest
    return ApiError


def error_of(response: httpx.Response) -> ApiError:
    """The ApiError for a failed response, read from either family's envelope."""
    status = response.status_code
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    code = _STATUS_CODES.get(status, "error")
    message = response.reason_phrase or "request failed"
    found: str | None = None
    if isinstance(body, Mapping):
        if "message" in body:  # seed 001: {"error": code, "message": ...}
            code = str(body.get("error") or code)
            message = str(body["message"])
        elif isinstance(body.get("error"), str):  # seed 000: {"success": false, "error": ...}
            message = body["error"]
        found = body.get("field") if isinstance(body.get("field"), str) else None
    elif isinstance(body, str) and body.strip():
        message = body.strip()[:500]
    retry = response.headers.get("retry-after")
    retry_after = float(retry) if retry and retry.replace(".", "", 1).isdigit() else None
    return _error_class(status)(status, code, message, field=found, body=body,
                                retry_after=retry_after)


# -- results ------------------------------------------------------------------------------

def _data(response: httpx.Response) -> Any:
    body = response.json()
    # Seed 000/003 wrap results in {"success": true, "data": ...}; seed 001 answers them bare.
    if isinstance(body, Mapping) and body.get("success") is True and "data" in body:
        return body["data"]
    return body


@dataclass(frozen=True)
class TemplateInfo:
    id: str
    name: str
    description: str
    json_data: dict[str, Any]
    public: bool
    require_signature: bool
    version: int
    preview_url: str | None
    created_at: str
    updated_at: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> TemplateInfo:
        return cls(str(d["id"]), d["name"], d.get("description", ""), d.get("jsonData", {}),
                   bool(d.get("public")), bool(d.get("requireSignature")), int(d["version"]),
                   d.get("previewUrl"), d.get("createdAt", ""), d.get("updatedAt", ""), dict(d))


@dataclass(frozen=True)
class TemplatePage:
    items: list[TemplateInfo]
    page: int
    limit: int
    total: int
    has_more: bool

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> TemplatePage:
        return cls([TemplateInfo.of(t) for t in d["items"]], d["page"], d["limit"], d["total"],
                   d["hasMore"])


@dataclass(frozen=True)
class Generated:
    """`/api/generate`: where the image is, and whether it was already rendered (not metered)."""

    image_url: str
    cached: bool
    key: str
    format: str

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> Generated:
        return cls(d["imageUrl"], bool(d["cached"]), d.get("key", ""), d.get("format", ""))


@dataclass(frozen=True)
class BatchJob:
    """`/api/generate/batch`: a batch's progress; when completed, each row's image or error
    (`results`: one mapping per row with `row` and `imageUrl` or `error`) and the ZIP's URL."""

    job_id: int
    status: str  # queued | running | completed | failed
    done: int
    total: int
    results: tuple[Mapping[str, Any], ...] = ()
    zip_url: str | None = None
    error: str | None = None

    @property
    def finished(self) -> bool:
        return self.status in ("completed", "failed")

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> BatchJob:
        return cls(int(d["job_id"]), d["status"], int(d["done"]), int(d["total"]),
                   tuple(d.get("results") or ()), d.get("zipUrl"), d.get("error"))


ProgressCallback = Callable[["BatchJob"], None]


def _batch_body(template_id: str, rows: Sequence[Mapping[str, Any]], format: str,
                quality: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"templateId": template_id, "rows": [dict(r) for r in rows],
                            "format": format}
    if quality is not None:
        body["quality"] = quality
    return body


@dataclass(frozen=True)
class Image:
    """An interactive image (`/api/images`)."""

    id: int
    unique_id: str
    title: str
    description: str
    category: str
    image_url: str
    share_url: str
    embed_url: str
    hotspots: list[dict[str, Any]]
    created_at: str
    updated_at: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> Image:
        return cls(int(d["id"]), d["unique_id"], d.get("title", ""), d.get("description", ""),
                   d.get("category", ""), d.get("image_url", ""), d.get("share_url", ""),
                   d.get("embed_url", ""), list(d.get("hotspots", [])), d.get("created_at", ""),
                   d.get("updated_at", ""), dict(d))


@dataclass(frozen=True)
class ImagePage:
    images: list[Image]
    page: int
    limit: int
    total: int | None
    has_more: bool
    next_cursor: str | None

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> ImagePage:
        return cls([Image.of(i) for i in d["images"]], d["page"], d["limit"], d.get("total"),
                   bool(d["has_more"]), d.get("next_cursor"))


@dataclass(frozen=True)
class Media:
    """A hosted file (`/v1/upload`): `url` is its page, `src` the CDN file."""

    id: str
    name: str
    url: str
    src: str
    width: int
    height: int
    filesize: int
    extension: str
    raw: dict[str, Any] = field(repr=False, compare=False)

    @classmethod
    def of(cls, d: Mapping[str, Any]) -> Media:
        return cls(d["id"], d["name"], d["url"], d["src"], int(d["width"]), int(d["height"]),
                   int(d.get("filesize", 0)), d.get("extension", ""), dict(d))


@dataclass(frozen=True)
class Deleted:
    id: str
    deleted: bool


# -- requests: built once, sent by either client ---------------------------------------------

def _template_body(name: str | None = None, json_data: Mapping[str, Any] | None = None, *,
                   description: str | None = None, public: bool | None = None,
                   require_signature: bool | None = None,
                   preview_url: str | None = None) -> dict[str, Any]:
    given = {"name": name, "jsonData": json_data, "description": description, "public": public,
             "requireSignature": require_signature, "previewUrl": preview_url}
    return {k: v for k, v in given.items() if v is not None}


def _generate_body(template_id: str, layers: Mapping[str, Any] | None,
                   variables: Mapping[str, Any] | None, format: str,
                   quality: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"templateId": str(template_id), "format": format}
    if layers:
        body["layers"] = dict(layers)
    if variables:
        body["variables"] = dict(variables)
    if quality is not None:
        body["quality"] = quality
    return body


def _render_params(template_id: str, layers: Mapping[str, Any] | None,
                   variables: Mapping[str, Any] | None, format: str | None,
                   secret: str | None) -> str:
    query = urls.canonical_query(template_id, layers, variables, format)
    return query + ("&signature=" + urls.sign(query, secret) if secret else "")


def _image_body(image_url: str | None, image_data: bytes | str | None, title: str | None,
                description: str | None, category: str | None,
                hotspots: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    import base64

    data = (base64.b64encode(image_data).decode() if isinstance(image_data, bytes)
            else image_data)
    given = {"image_url": image_url, "image_data": data, "title": title,
             "description": description, "category": category,
             "hotspots": [dict(h) for h in hotspots] if hotspots is not None else None}
    return {k: v for k, v in given.items() if v is not None}


def _upload_parts(file: bytes | str | Path, filename: str | None,
                  fields: Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(file, (str, Path)):
        path = Path(file)
        content, name = path.read_bytes(), filename or path.name
    else:
        content, name = file, filename or "upload"
    data = {k: (json.dumps(v) if isinstance(v, Mapping) else
                ",".join(v) if isinstance(v, (list, tuple)) else
                str(v).lower() if isinstance(v, bool) else str(v))
            for k, v in fields.items() if v is not None}
    return {"files": {"file": (name, content)}, "data": data}


class _Base:
    def __init__(self, base_url: str, api_key: str | None, secret: str | None) -> None:
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}

    def render_url(self, template_id: str, layers: Mapping[str, Any] | None = None,
                   variables: Mapping[str, Any] | None = None, format: str | None = None) -> str:
        """The `/api/render` URL of a public template (an `og:image`), signed when the client
        was given the account's `secret`. No request is made."""
        return urls.render_url(self.base_url, template_id, layers, variables, format,
                               secret=self.secret)

    def og_tags(self, template_id: str, layers: Mapping[str, Any] | None = None,
                variables: Mapping[str, Any] | None = None, *, width: int | None = None,
                height: int | None = None, alt: str | None = None) -> str:
        """`og:image` and `twitter:image` meta tags pointing at `render_url(...)`."""
        return urls.meta_tags(self.render_url(template_id, layers, variables), width=width,
                              height=height, alt=alt)

    @staticmethod
    def _checked(response: httpx.Response) -> httpx.Response:
        if response.is_error:
            raise error_of(response)
        return response


class Client(_Base):
    """A synchronous client. `transport` is for tests and special set-ups (httpx's own)."""

    def __init__(self, base_url: str, api_key: str | None = None, *, secret: str | None = None,
                 timeout: float = 30.0, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(base_url, api_key, secret)
        self._http = httpx.Client(base_url=self.base_url, headers=self._headers,
                                  timeout=timeout, transport=transport)

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._checked(self._http.request(method, path, **kwargs))

    # templates (seed 003)
    def list_templates(self, page: int = 1, limit: int = 20) -> TemplatePage:
        r = self._send("GET", "/api/templates", params={"page": page, "limit": limit})
        return TemplatePage.of(_data(r))

    def get_template(self, template_id: str) -> TemplateInfo:
        return TemplateInfo.of(_data(self._send("GET", f"/api/templates/{template_id}")))

    def create_template(self, name: str, json_data: Mapping[str, Any], *,
                        description: str | None = None, public: bool | None = None,
                        require_signature: bool | None = None,
                        preview_url: str | None = None) -> TemplateInfo:
        body = _template_body(name, json_data, description=description, public=public,
                              require_signature=require_signature, preview_url=preview_url)
        return TemplateInfo.of(_data(self._send("POST", "/api/templates", json=body)))

    def update_template(self, template_id: str, *, name: str | None = None,
                        json_data: Mapping[str, Any] | None = None,
                        description: str | None = None, public: bool | None = None,
                        require_signature: bool | None = None,
                        preview_url: str | None = None) -> TemplateInfo:
        """Change the given fields; the server bumps the template's version."""
        body = _template_body(name, json_data, description=description, public=public,
                              require_signature=require_signature, preview_url=preview_url)
        return TemplateInfo.of(_data(self._send("PUT", f"/api/templates/{template_id}",
                                                json=body)))

    def delete_template(self, template_id: str) -> Deleted:
        data = _data(self._send("DELETE", f"/api/templates/{template_id}"))
        return Deleted(str(data["id"]), bool(data["deleted"]))

    def generate(self, template_id: str, layers: Mapping[str, Any] | None = None, *,
                 variables: Mapping[str, Any] | None = None, format: str = "png",
                 quality: int | None = None) -> Generated:
        """Render and store (metered unless already rendered); where the image is."""
        body = _generate_body(template_id, layers, variables, format, quality)
        return Generated.of(_data(self._send("POST", "/api/generate", json=body)))

    def render(self, template_id: str, layers: Mapping[str, Any] | None = None, *,
               variables: Mapping[str, Any] | None = None, format: str | None = None) -> bytes:
        """The image bytes from `/api/render` (signed when the client has the `secret`)."""
        query = _render_params(template_id, layers, variables, format, self.secret)
        return self._send("GET", f"{urls.RENDER_PATH}?{query}").content

    def batch(self, template_id: str, rows: Sequence[Mapping[str, Any]], *, format: str = "png",
              quality: int | None = None, wait: bool = True, poll: float = 1.0,
              on_progress: ProgressCallback | None = None) -> BatchJob:
        """Render `template_id` once per row in a background job (metered like `generate`).
        With `wait`, poll until it finishes, calling `on_progress` with each new state."""
        body = _batch_body(template_id, rows, format, quality)
        job = BatchJob.of(_data(self._send("POST", "/api/generate/batch", json=body)))
        while wait and not job.finished:
            if on_progress is not None:
                on_progress(job)
            time.sleep(poll)
            job = self.batch_status(job.job_id)
        if on_progress is not None:
            on_progress(job)
        return job

    def batch_status(self, job_id: int) -> BatchJob:
        return BatchJob.of(_data(self._send("GET", f"/api/generate/batch/{job_id}")))

    def batch_zip(self, job_id: int) -> bytes:
        """Every image of a completed batch, as one ZIP (row order, `000001.png`, …)."""
        return self._send("GET", f"/api/generate/batch/{job_id}.zip").content

    # interactive images (seed 000)
    def list_images(self, page: int = 1, limit: int = 20) -> ImagePage:
        r = self._send("GET", "/api/images", params={"page": page, "limit": limit})
        return ImagePage.of(_data(r))

    def create_image(self, *, image_url: str | None = None,
                     image_data: bytes | str | None = None, title: str | None = None,
                     description: str | None = None, category: str | None = None,
                     hotspots: Sequence[Mapping[str, Any]] | None = None) -> Image:
        """From a URL the server fetches or from the bytes (sent base64, as the API takes)."""
        body = _image_body(image_url, image_data, title, description, category, hotspots)
        return Image.of(_data(self._send("POST", "/api/images", json=body)))

    def get_image(self, image_id: int | str) -> Image:
        return Image.of(_data(self._send("GET", f"/api/images/{image_id}")))

    def update_image(self, image_id: int | str, *, title: str | None = None,
                     description: str | None = None,
                     hotspots: Sequence[Mapping[str, Any]] | None = None) -> Image:
        body = _image_body(None, None, title, description, None, hotspots)
        return Image.of(_data(self._send("PUT", f"/api/images/{image_id}", json=body)))

    def delete_image(self, image_id: int | str) -> Deleted:
        data = _data(self._send("DELETE", f"/api/images/{image_id}"))
        return Deleted(str(data.get("unique_id", data.get("id"))), bool(data["deleted"]))

    # hosting (seed 001)
    def upload(self, file: bytes | str | Path, *, filename: str | None = None,
               **fields: Any) -> Media:
        """Upload a file (bytes or a path) to `/v1/upload`; `fields` are the form's (name, tags,
        namespace, public, ttl, metadata...)."""
        return Media.of(_data(self._send("POST", "/v1/upload",
                                         **_upload_parts(file, filename, fields))))


class AsyncClient(_Base):
    """The asynchronous twin of `Client`: the same methods, awaited."""

    def __init__(self, base_url: str, api_key: str | None = None, *, secret: str | None = None,
                 timeout: float = 30.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        super().__init__(base_url, api_key, secret)
        self._http = httpx.AsyncClient(base_url=self.base_url, headers=self._headers,
                                       timeout=timeout, transport=transport)

    async def __aenter__(self) -> AsyncClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    async def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self._checked(await self._http.request(method, path, **kwargs))

    async def list_templates(self, page: int = 1, limit: int = 20) -> TemplatePage:
        r = await self._send("GET", "/api/templates", params={"page": page, "limit": limit})
        return TemplatePage.of(_data(r))

    async def get_template(self, template_id: str) -> TemplateInfo:
        return TemplateInfo.of(_data(await self._send("GET", f"/api/templates/{template_id}")))

    async def create_template(self, name: str, json_data: Mapping[str, Any], *,
                              description: str | None = None, public: bool | None = None,
                              require_signature: bool | None = None,
                              preview_url: str | None = None) -> TemplateInfo:
        body = _template_body(name, json_data, description=description, public=public,
                              require_signature=require_signature, preview_url=preview_url)
        return TemplateInfo.of(_data(await self._send("POST", "/api/templates", json=body)))

    async def update_template(self, template_id: str, *, name: str | None = None,
                              json_data: Mapping[str, Any] | None = None,
                              description: str | None = None, public: bool | None = None,
                              require_signature: bool | None = None,
                              preview_url: str | None = None) -> TemplateInfo:
        body = _template_body(name, json_data, description=description, public=public,
                              require_signature=require_signature, preview_url=preview_url)
        return TemplateInfo.of(_data(await self._send("PUT", f"/api/templates/{template_id}",
                                                      json=body)))

    async def delete_template(self, template_id: str) -> Deleted:
        data = _data(await self._send("DELETE", f"/api/templates/{template_id}"))
        return Deleted(str(data["id"]), bool(data["deleted"]))

    async def generate(self, template_id: str, layers: Mapping[str, Any] | None = None, *,
                       variables: Mapping[str, Any] | None = None, format: str = "png",
                       quality: int | None = None) -> Generated:
        body = _generate_body(template_id, layers, variables, format, quality)
        return Generated.of(_data(await self._send("POST", "/api/generate", json=body)))

    async def render(self, template_id: str, layers: Mapping[str, Any] | None = None, *,
                     variables: Mapping[str, Any] | None = None,
                     format: str | None = None) -> bytes:
        query = _render_params(template_id, layers, variables, format, self.secret)
        return (await self._send("GET", f"{urls.RENDER_PATH}?{query}")).content

    async def batch(self, template_id: str, rows: Sequence[Mapping[str, Any]], *,
                    format: str = "png", quality: int | None = None, wait: bool = True,
                    poll: float = 1.0, on_progress: ProgressCallback | None = None) -> BatchJob:
        body = _batch_body(template_id, rows, format, quality)
        job = BatchJob.of(_data(await self._send("POST", "/api/generate/batch", json=body)))
        while wait and not job.finished:
            if on_progress is not None:
                on_progress(job)
            await asyncio.sleep(poll)
            job = await self.batch_status(job.job_id)
        if on_progress is not None:
            on_progress(job)
        return job

    async def batch_status(self, job_id: int) -> BatchJob:
        return BatchJob.of(_data(await self._send("GET", f"/api/generate/batch/{job_id}")))

    async def batch_zip(self, job_id: int) -> bytes:
        return (await self._send("GET", f"/api/generate/batch/{job_id}.zip")).content

    async def list_images(self, page: int = 1, limit: int = 20) -> ImagePage:
        r = await self._send("GET", "/api/images", params={"page": page, "limit": limit})
        return ImagePage.of(_data(r))

    async def create_image(self, *, image_url: str | None = None,
                           image_data: bytes | str | None = None, title: str | None = None,
                           description: str | None = None, category: str | None = None,
                           hotspots: Sequence[Mapping[str, Any]] | None = None) -> Image:
        body = _image_body(image_url, image_data, title, description, category, hotspots)
        return Image.of(_data(await self._send("POST", "/api/images", json=body)))

    async def get_image(self, image_id: int | str) -> Image:
        return Image.of(_data(await self._send("GET", f"/api/images/{image_id}")))

    async def update_image(self, image_id: int | str, *, title: str | None = None,
                           description: str | None = None,
                           hotspots: Sequence[Mapping[str, Any]] | None = None) -> Image:
        body = _image_body(None, None, title, description, None, hotspots)
        return Image.of(_data(await self._send("PUT", f"/api/images/{image_id}", json=body)))

    async def delete_image(self, image_id: int | str) -> Deleted:
        data = _data(await self._send("DELETE", f"/api/images/{image_id}"))
        return Deleted(str(data.get("unique_id", data.get("id"))), bool(data["deleted"]))

    async def upload(self, file: bytes | str | Path, *, filename: str | None = None,
                     **fields: Any) -> Media:
        return Media.of(_data(await self._send("POST", "/v1/upload",
                                               **_upload_parts(file, filename, fields))))
