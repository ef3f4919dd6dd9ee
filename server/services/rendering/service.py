"""From a stored template and a request's overrides to image bytes, through every cache layer.

    prepare()  template + overrides -> result key (the ETag), no pixels; bad overrides raise here
    cached()   memory LRU -> stored result (blob store)
    produce()  the pool: off the event loop, single-flight, bounded, timed
    store()    blob first, then its row: a crash never leaves a row without its bytes
    obtain()   the one way a route gets pixels: cached() else produce(), stored when asked
    generate() obtain() for an account, metered by the ledger and always stored
"""

from __future__ import annotations

import hashlib
import json
import secrets
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

import anyio.to_thread
from cachetools import LRUCache

import pinrender

from ...backends import BlobStore, CounterStore, ImageRecord, MetaStore, ResultRecord, TemplateRecord
from .. import ledger, metrics
from ..stored_images import StoredImages, Uses, mentions
from .cache import Output, OutputCache
from .pool import RenderPool

# Every format the core writes, by name and extension (gif: only the re-encoded originals of GIF
# uploads, `/src/…/{uid}.gif`, ask for it).
FORMATS = {name: f.name for f in pinrender.FORMATS.values() if f.encodable
           for name in (f.name, f.extension, *f.aliases)}
BY_EXTENSION = FORMATS


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), allow_nan=False)


def image_origin(image: ImageRecord) -> str:
    """What the results derived from a stored image are filed under."""
    return f"image:{image.id}"


class NotReady(Exception):
    """The image has no pixels yet (a background job is making them) or never will (it failed)."""


def stored_original(image: ImageRecord) -> pinrender.SourceRef:
    """The original as a core source: read from the blob store (`RenderService` hands the core
    its reader), keyed without reading it, since a stored original's blob never changes."""
    if not image.ready:
        raise NotReady(image.unique_id)
    return pinrender.stored(image.blob_key, f"blob:{image.blob_key}")


def result_blob_key(key: str, fmt: str) -> str:
    return f"renders/{key[:2]}/{key}.{pinrender.FORMATS[fmt].extension}"


@dataclass(frozen=True)
class Obtained:
    output: Output
    cached: bool  # from a cache or an identical render in flight: this call rendered nothing


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
        return pinrender.FORMATS[self.format].media_type

    @property
    def blob_key(self) -> str:
        return result_blob_key(self.key, self.format)

    @property
    def extension(self) -> str:
        return pinrender.FORMATS[self.format].extension


class RenderService:
    def __init__(
        self, renderer: pinrender.Renderer, blobs: BlobStore, meta: MetaStore,
        counters: CounterStore, pool: RenderPool[Output], cache: OutputCache,
    ) -> None:
        if renderer.services.store is None:
            # The core reads stored originals (`pinrender.stored`) through the blob store.
            renderer.services = replace(renderer.services, store=blobs.get)
        self.renderer = renderer
        self.blobs = blobs
        self.meta = meta
        self.counters = counters
        self.pool = pool
        self.cache = cache
        self._lock = threading.Lock()
        self._parsed: LRUCache[tuple[str, int], pinrender.Template] = LRUCache(maxsize=512)
        self._keys: LRUCache[tuple[Any, ...], str] = LRUCache(maxsize=50_000)
        self._stored_names: LRUCache[tuple[str, int], bool] = LRUCache(maxsize=512)
        # Resolved templates hold their overrides (inlined images too): few are kept.
        self._resolved: LRUCache[tuple[Any, ...], tuple[str, pinrender.Template, Uses]] = \
            LRUCache(maxsize=256)

    def template(self, record: TemplateRecord) -> tuple[pinrender.Template, TemplateRecord]:
        """The parsed template, once per (id, version): parsing is most of a key's cost.

        `record` may come without its jsonData (see TemplateRepo.get); on a miss the full row is
        read, and the version returned is the one that was parsed.
        """
        with self._lock:
            hit = self._parsed.get((record.id, record.version))
        if hit is not None:
            return hit, record
        if not record.json_data:
            record = self.meta.templates.get(record.id) or record
        parsed = pinrender.parse_template(record.json_data)
        with self._lock:
            self._parsed[(record.id, record.version)] = parsed
        return parsed, record

    def prepare(
        self, record: TemplateRecord, layers: Any = None, variables: Any = None,
        format: str = "png", quality: int | None = None, images: StoredImages | None = None,
    ) -> Prepared:
        # `auto` formats are the core's too: the bytes say which format came out (`Output.format`).
        fmt = format if format in pinrender.AUTO_FORMATS else FORMATS[format]
        template, record = self.template(record)
        renderer = self.renderer
        if images is not None and (mentions(layers, variables)
                                   or self._names_stored(record, template)):
            return self._prepare_stored(record, template, layers, variables, fmt, quality, images)

        def call() -> Output:
            result = renderer.render_result(template, layers, variables=variables, format=fmt,
                                            quality=quality)
            return Output(result.data, result.media_type, fmt, dict(result.timings))

        # Keys are pure functions of (template version, overrides, format), so they are memoised:
        # the core hashes every source (inlined images included) to build one, which would
        # otherwise dominate the cost of a 304. Failures are not memoised; they raise each time.
        memo = (record.id, record.version, _canonical(layers), _canonical(variables), fmt, quality)
        with self._lock:
            key = self._keys.get(memo)
        if key is None:
            core_key = renderer.render_key(template, layers, variables=variables, format=fmt,
                                           quality=quality)
            # The version is in the key so an edited template never answers with an old ETag,
            # even where the core key alone would not change (a URL whose bytes were replaced).
            key = pinrender.content_key("template-result", record.id, str(record.version), core_key)
            with self._lock:
                self._keys[memo] = key
        return Prepared(key=key, template_id=record.id, format=fmt, call=call)

    def _names_stored(self, record: TemplateRecord, template: pinrender.Template) -> bool:
        """Whether the template itself may name a stored image, once per (id, version)."""
        memo = (record.id, record.version)
        with self._lock:
            found = self._stored_names.get(memo)
        if found is None:
            found = mentions(template.model_dump())
            with self._lock:
                self._stored_names[memo] = found
        return found

    def _prepare_stored(self, record: TemplateRecord, template: pinrender.Template, layers: Any,
                        variables: Any, fmt: str, quality: int | None,
                        images: StoredImages) -> Prepared:
        """A render whose layers may name stored images: resolved, the images swapped for their
        stored sources, keyed. The resolution is memoised like keys (an image id's blob never
        changes), but who may use each image is checked again on every call."""
        renderer = self.renderer
        memo = ("stored", record.id, record.version, _canonical(layers), _canonical(variables),
                fmt, quality, images.account_id)
        with self._lock:
            hit = self._resolved.get(memo)
        if hit is not None:
            key, spec, used = hit
            images.check(used)
        else:
            spec, used = images.apply(renderer.resolve(template, layers, variables=variables))
            core_key = renderer.render_key(spec, format=fmt, quality=quality)
            key = pinrender.content_key("template-result", record.id, str(record.version),
                                        core_key)
            with self._lock:
                self._resolved[memo] = (key, spec, used)

        def call() -> Output:
            result = renderer.render_result(spec, format=fmt, quality=quality)
            return Output(result.data, result.media_type, fmt, dict(result.timings))

        return Prepared(key=key, template_id=record.id, format=fmt, call=call)

    def prepare_transform(
        self, image: ImageRecord, *, size: str | None = None, width: int | str | None = None,
        format: str = "webp", quality: int | None = None, frame: Mapping[str, Any] | None = None,
    ) -> Prepared:
        """A size/format variant of a stored original, keyed like a render (see `prepare`);
        `frame` holds the core's imgix-style options (`w`, `h`, `fit`, `crop`, `focal`, ...)."""
        plan = self.renderer.plan_transform(stored_original(image), size=size, width=width,
                                            format=FORMATS[format], quality=quality,
                                            **dict(frame or {}))
        return self.prepared(pinrender.content_key("image-variant", plan.key), plan, image)

    def prepare_card(self, image: ImageRecord, *, width: int) -> Prepared:
        """The share card of an interactive image: its hotspots drawn in, as PNG."""
        plan = self.renderer.plan_hotspot_card(stored_original(image),
                                               [dict(h) for h in image.hotspots], width=width)
        return self.prepared(pinrender.content_key("hotspot-card", plan.key), plan, image)

    def prepared(self, key: str, plan: Any, image: ImageRecord) -> Prepared:
        """A core plan of a stored image's output, run by the core when `call` is."""
        renderer = self.renderer

        def call() -> Output:
            result = renderer.result(plan)
            return Output(result.data, result.media_type, result.format, dict(result.timings))

        return Prepared(key=key, template_id=image_origin(image), format=plan.format, call=call)

    async def cached(self, prepared: Prepared) -> Output | None:
        hit = self.cache.get(prepared.key)
        if hit is not None:
            metrics.CACHE_LOOKUPS.labels("memory").inc()
            return hit
        stored = await self.load_stored(prepared.key)
        metrics.CACHE_LOOKUPS.labels("stored" if stored is not None else "miss").inc()
        return stored

    async def load_stored(self, key: str) -> Output | None:
        hit = self.cache.get(key)
        if hit is not None:
            return hit

        def read() -> Output | None:
            # The row and its blob in one step off the event loop: both may be network calls.
            record = self.meta.results.get(key)
            data = self.blobs.get(record.blob_key) if record is not None else None
            if record is None or data is None:
                return None
            return Output(data, record.media_type, BY_EXTENSION[record.blob_key.rsplit(".", 1)[-1]], {})

        output = await anyio.to_thread.run_sync(read)
        if output is not None:
            self.cache.put(key, output)
        return output

    async def produce(self, prepared: Prepared) -> tuple[Output, bool]:
        """Render (or join an identical render in flight); True if this call started it."""
        output, started = await self.pool.run(prepared.key, prepared.call)
        self.cache.put(prepared.key, output)
        return output, started

    async def obtain(self, prepared: Prepared, account_id: int | None = None, *,
                     keep: bool = True, fresh: bool = False) -> Obtained:
        """The output of `prepared`: from a cache, else produced, and stored when `keep` and this
        call rendered it.

        With `fresh` every call does the full work, joining no other call and keeping nothing:
        what a benchmark of the uncached path needs (`store_transforms=false`).
        """
        if fresh:
            output, _ = await self.pool.run(f"{prepared.key}:{secrets.token_hex(6)}",
                                            prepared.call)
            return Obtained(output, cached=False)
        hit = await self.cached(prepared)
        if hit is not None:
            return Obtained(hit, cached=True)
        output, started = await self.produce(prepared)
        if started and keep:
            await self.store(prepared, output, account_id)
        return Obtained(output, cached=not started)

    async def generate(self, prepared: Prepared, account_id: int, allowance: int) -> Obtained:
        """`prepared` stored for the account (its result URL then serves it), a fresh render
        counted against its monthly `allowance`: claimed before rendering so concurrent requests
        cannot overspend, given back on any failure and when an identical render in flight did
        the work. A cached result costs nothing, even past the allowance."""
        hit = await self.cached(prepared)
        if hit is not None:
            await self.store(prepared, hit, account_id)
            return Obtained(hit, cached=True)
        with ledger.monthly_render(self.counters, account_id, allowance) as charge:
            output, started = await self.produce(prepared)
            await self.store(prepared, output, account_id)
            if not started:
                charge.release()
        return Obtained(output, cached=not started)

    def forget_derived(self, origin: str) -> int:
        """Delete every stored result made from `origin` (blob first, then its row) and drop it
        from memory; returns how many. For a deleted or expired image: its variants, transforms
        and cards of every past version."""
        records = self.meta.results.derived_from(origin)
        for record in records:
            self.blobs.delete(record.blob_key)
            self.meta.results.delete(record.key)
            self.cache.discard(record.key)
        return len(records)

    async def keep_asset(self, data: bytes, account_id: int, origin: str) -> tuple[str, str]:
        """Bytes made outside a render (a generated image) kept as a stored result of the account,
        served immutable at `/renders/{key}.{ext}`; returns (key, format). Probed first: the
        bytes came from elsewhere."""
        info = pinrender.probe(data)
        key = pinrender.content_key("asset", origin, hashlib.sha256(data).hexdigest())
        record = ResultRecord(key=key, blob_key=result_blob_key(key, info.format),
                              media_type=pinrender.FORMATS[info.format].media_type, size=len(data),
                              account_id=account_id, template_id=origin)

        def write() -> None:
            self.blobs.put(record.blob_key, data)
            self.meta.results.put(record)

        await anyio.to_thread.run_sync(write)
        return key, info.format

    async def store(self, prepared: Prepared, output: Output, account_id: int | None) -> None:
        record = ResultRecord(
            key=prepared.key, blob_key=result_blob_key(prepared.key, output.format),
            media_type=output.media_type,
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
            "decodeBytes": self.renderer.decode_budget.in_use,
            "decodeBytesHighWater": self.renderer.decode_budget.high_water,
        }
