"""Bringing an image in: fetch or decode its bytes, probe them, store the blob, then the row.

The blob is written (atomically) before the row commits, so a crash can leave an orphan file (the
start-up sweep removes it) but never a row whose original is missing; the stored bytes are counted
in the row's own transaction.
"""

from __future__ import annotations

import base64
import binascii
import re
import time
from pathlib import Path
from urllib.parse import urlsplit

import anyio.to_thread
from starlette.requests import Request

import pinrender
from pinrender import ProbeInfo

from ...backends import Account, Claim, ImageRecord
from ...context import AppContext
from ...http.errors import ApiError
from ...services import media
from ...services.ledger import FOREVER, STORAGE
from .schemas import ImageCreate

FETCH_TIMEOUT = 30.0  # seed 000: image_url is fetched with a 30 s timeout
_ASSET = re.compile(r"^/renders/([0-9a-f]{16,64})\.[a-z]{3,4}$")
_DATA_URL = re.compile(r"^data:[\w.+/-]*(;[\w=.+-]+)*;base64,", re.IGNORECASE)
EXTENSIONS = {f.name: f.extension for f in pinrender.FORMATS.values()}
MEDIA_TYPES = {f.name: f.media_type for f in pinrender.FORMATS.values()}


def limits(ctx: AppContext) -> pinrender.Limits:
    return pinrender.Limits(fetch_timeout=FETCH_TIMEOUT,
                            max_source_bytes=ctx.settings.max_source_bytes)


def loader(request: Request, ctx: AppContext) -> pinrender.SafeLoader:
    # On app.state so tests can give it a mock transport; never reads local files.
    found: pinrender.SafeLoader | None = getattr(request.app.state, "images_loader", None)
    if found is None:
        found = pinrender.SafeLoader(limits(ctx), allow_local=False)
        request.app.state.images_loader = found
    return found


def decode_base64(text: str, max_bytes: int) -> bytes:
    payload = _DATA_URL.sub("", text.strip(), count=1)
    payload = "".join(payload.split())  # MIME-style line breaks are common in pasted base64
    if len(payload) * 3 // 4 > max_bytes + 3:
        raise ApiError(413, f"image_data: too large (at most {max_bytes} bytes decoded)",
                       field="image_data")
    try:
        data = base64.b64decode(payload + "=" * (-len(payload) % 4), validate=True)
    except (binascii.Error, ValueError):
        try:
            data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
        except (binascii.Error, ValueError):
            raise ApiError(400, "image_data: not valid base64", field="image_data") from None
    if not data:
        raise ApiError(400, "image_data: empty", field="image_data")
    if len(data) > max_bytes:
        raise ApiError(413, f"image_data: too large (at most {max_bytes} bytes decoded)",
                       field="image_data")
    return data


async def source_bytes(request: Request, ctx: AppContext, body: ImageCreate,
                       account_id: int) -> tuple[bytes, str]:
    """The uploaded bytes and the field they came from."""
    if body.image_data is not None:
        return decode_base64(body.image_data, ctx.settings.max_source_bytes), "image_data"
    url = (body.image_url or "").strip()
    if not url.lower().startswith(("https://", "http://")):
        raise ApiError(400, "image_url: must be an http(s) URL", field="image_url")
    kept = await own_asset(ctx, url, account_id)
    if kept is not None:
        return kept, "image_url"
    fetcher = loader(request, ctx)
    try:
        data = await anyio.to_thread.run_sync(fetcher.fetch, url)
    except pinrender.LimitError as exc:
        raise ApiError(413, f"image_url: {exc}", field="image_url") from None
    except pinrender.SourceError as exc:
        raise ApiError(400, f"image_url: {exc}", field="image_url") from None
    return data, "image_url"


async def own_asset(ctx: AppContext, url: str, account_id: int) -> bytes | None:
    """An image this server keeps for the account at `/renders/{key}.{ext}` (what ai/generate-image
    returns), read from the store: fetching our own URL over HTTP is what the SSRF-safe loader
    rightly refuses."""
    found = _ASSET.match(urlsplit(url).path)
    record = ctx.meta.results.get(found.group(1)) if found else None
    if record is None or record.account_id != account_id:
        return None
    return await anyio.to_thread.run_sync(ctx.blobs.get, record.blob_key)


async def check_image(ctx: AppContext, data: bytes, field: str) -> tuple[Path, ProbeInfo]:
    """`data` staged and checked by the one media ingest (header, then every pixel: a damaged file
    is refused before anything is stored or counted); the staged file, for `store_image`."""
    staged = await anyio.to_thread.run_sync(
        media.stage, media.staging_dir(ctx.blobs, ctx.settings.data_dir), data)
    try:
        info = await anyio.to_thread.run_sync(media.check_file, staged,
                                              ctx.settings.max_source_bytes,
                                              ctx.settings.render_timeout)
    except BaseException as exc:
        media.discard(staged)
        raise _refusal(ctx, exc, field) from None
    return staged, info


def _refusal(ctx: AppContext, exc: BaseException, field: str) -> BaseException:
    """Seed 000's answer to a file the media ingest refused."""
    if isinstance(exc, pinrender.LimitError):
        return ApiError(413, f"{field}: {exc}", field=field)
    if isinstance(exc, media.Damaged):
        return ApiError(400, f"{field}: the image is damaged and cannot be decoded ({exc})",
                        field=field)
    if isinstance(exc, pinrender.RenderTimeout):
        return ApiError(503, f"{field}: decoding the image took too long; retry later",
                        field=field, headers={"Retry-After": str(ctx.settings.retry_after)})
    if isinstance(exc, pinrender.SourceError):
        return ApiError(400, f"{field}: not a supported image ({exc})", field=field)
    return exc


async def store_image(ctx: AppContext, account: Account, body: ImageCreate, staged: Path,
                      info: ProbeInfo, *, max_images: int) -> ImageRecord:
    """The staged file stored through the one media ingest, with the image cap and the storage
    claim checked in the insert's transaction: exact under concurrency."""
    now = time.time()
    uid = media.new_id()
    record = ImageRecord(
        id=0, unique_id=uid, account_id=account.id,
        blob_key=media.blob_key(account.team_hash, uid, info.format),
        media_type=media.MEDIA_TYPES.get(info.format, "application/octet-stream"),
        ext=media.EXTENSIONS.get(info.format, info.format),
        width=info.oriented_width, height=info.oriented_height, size=staged.stat().st_size,
        title=body.title, description=body.description, category=body.category,
        hotspots=tuple(h.stored() for h in body.hotspots), source="api",
        created_at=now, updated_at=now,
    )
    try:
        return await media.commit(ctx.meta, ctx.counters, ctx.blobs, record, staged, max_live=max_images,
                                  now=now, claims=(Claim(STORAGE, FOREVER, record.size),))
    except media.CapReached:
        raise ApiError(403, "Image limit reached") from None
