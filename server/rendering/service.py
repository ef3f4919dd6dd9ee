"""From a stored template and a request's overrides to image bytes, through every cache layer.

    prepare()  template + overrides -> result key (the ETag), no pixels; bad overrides raise here
    cached()   memory LRU -> stored result (blob store)
    produce()  the pool: off the event loop, single-flight, bounded, timed
    store()    blob first, then its row: a crash never leaves a row without its bytes
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import anyio.to_thread
from cachetools import LRUCache

import pinrender
from pinrender.graph import digest

from ..storage import BlobStore, MetaStore, ResultRecord, TemplateRecord
from .cache import Output, OutputCache
from .pool import RenderPool

FORMATS = {"png": "png", "jpeg": "jpeg", "jpg": "jpeg", "webp": "webp", "avif": "avif"}
MEDIA_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp", "avif": "image/avif"}
EXTENSIONS = {"png": "png", "jpeg": "jpg", "webp": "webp", "avif": "avif"}
BY_EXTENSION = {"png": "png", "jpg": "jpeg", "jpeg": "jpeg", "webp": "webp", "avif": "avif"}


def result_blob_key(key: str, fmt: str) -> str:
    return f"renders/{key[:2]}/{key}.{EXTENSIONS[fmt]}"


@dataclass(frozen=True)
class Prepared:
    key: str  # the result's content key: ETag, blob name and single-flight key
    template_id: str
    format: str
    call: Callable[[], Output]

    @property
    def etag(self) -> str:
        return f'"{self.key}"'

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.format]

    @property
    def blob_key(self) -> str:
        return result_blob_key(self.key, self.format)

    @property
    def extension(self) -> str:
        return EXTENSIONS[self.format]


class RenderService:
    def __init__(
        self, renderer: pinrender.Renderer, blobs: BlobStore, meta: MetaStore,
        pool: RenderPool[Output], cache: OutputCache,
    ) -> None:
        self.renderer = renderer
        self.blobs = blobs
        self.meta = meta
        self.pool = pool
        self.cache = cache
        self._parsed: LRUCache[tuple[str, int], pinrender.Template] = LRUCache(maxsize=512)
        self._parsed_lock = threading.Lock()

    def template(self, record: TemplateRecord) -> pinrender.Template:
        """The parsed template, once per (id, version): parsing is most of a key's cost."""
        cache_key = (record.id, record.version)
        with self._parsed_lock:
            hit = self._parsed.get(cache_key)
        if hit is None:
            hit = pinrender.parse_template(record.json_data)
            with self._parsed_lock:
                self._parsed[cache_key] = hit
        return hit

    def prepare(
        self, record: TemplateRecord, layers: Any = None, variables: Any = None,
        format: str = "png", quality: int | None = None,
    ) -> Prepared:
        fmt = FORMATS[format]
        template = self.template(record)
        renderer = self.renderer
        core_key = renderer.render_key(template, layers, variables=variables, format=fmt,
                                       quality=quality)
        # The version is in the key so an edited template never answers with an old ETag, even
        # where the core key alone would not change (a source URL whose bytes were replaced).
        key = digest("template-result", record.id, str(record.version), core_key)

        def call() -> Output:
            result = renderer.render_result(template, layers, variables=variables, format=fmt,
                                            quality=quality)
            return Output(result.data, result.media_type, fmt, dict(result.timings))

        return Prepared(key=key, template_id=record.id, format=fmt, call=call)

    async def cached(self, prepared: Prepared) -> Output | None:
        hit = self.cache.get(prepared.key)
        if hit is not None:
            return hit
        return await self.load_stored(prepared.key)

    async def load_stored(self, key: str) -> Output | None:
        hit = self.cache.get(key)
        if hit is not None:
            return hit
        record = self.meta.results.get(key)
        if record is None:
            return None
        data = await anyio.to_thread.run_sync(self.blobs.get, record.blob_key)
        if data is None:
            return None
        fmt = BY_EXTENSION[record.blob_key.rsplit(".", 1)[-1]]
        output = Output(data, record.media_type, fmt, {})
        self.cache.put(key, output)
        return output

    async def produce(self, prepared: Prepared) -> tuple[Output, bool]:
        """Render (or join an identical render in flight); True if this call started it."""
        output, started = await self.pool.run(prepared.key, prepared.call)
        self.cache.put(prepared.key, output)
        return output, started

    async def store(self, prepared: Prepared, output: Output, account_id: int | None) -> None:
        record = ResultRecord(
            key=prepared.key, blob_key=prepared.blob_key, media_type=output.media_type,
            size=len(output.data), account_id=account_id, template_id=prepared.template_id,
        )

        def write() -> None:
            if not self.blobs.exists(record.blob_key):
                self.blobs.put(record.blob_key, output.data)
            self.meta.results.put(record)

        await anyio.to_thread.run_sync(write)

    def stats(self) -> dict[str, Any]:
        return {
            "renders": self.pool.jobs,
            "shared": self.pool.shared,
            "pending": self.pool.pending,
            "nodes": dict(self.renderer.stats),
            "cacheBytes": self.cache.bytes_used,
            "cacheEntries": len(self.cache),
        }
