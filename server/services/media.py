"""One media ingest for every family: a staged file becomes a stored original and its row.

    staging_dir()  where bytes land first: inside the blob root when it is a folder
    stage()        bytes already in memory (a base64 field, a fetched URL) written to staging
    check_file()   the header (its limits, before any decoder runs), then every pixel
    commit()       the file renamed into place as the row's blob, then the row with its quota
                   claims in one transaction; any failure removes the blob or the staged file

Order matters for "nothing lost": the blob is whole and in place before its row commits, and the
claims commit in the row's own transaction, so a refusal or a failure writes neither and a crash
leaves at most an orphan blob, which the start-up sweep removes. Each family turns the exceptions
into its own answers (seed 000 and seed 001 word them differently); the steps are the same.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import anyio.to_thread

import pinrender
from pinrender import ProbeInfo

from ..backends import BlobStore, Claim, CounterStore, ImageRecord, MetaStore, new_unique_id
from . import ledger

EXTENSIONS = {f.name: f.extension for f in pinrender.FORMATS.values()}
MEDIA_TYPES = {f.name: f.media_type for f in pinrender.FORMATS.values()}
WEB_FORMATS = {f.name for f in pinrender.FORMATS.values() if f.web}


class Damaged(Exception):
    """The header is fine but the pixels do not decode (truncated, corrupt)."""


class CapReached(Exception):
    """The account already has as many live images as its plan allows; nothing was stored."""


def new_id() -> str:
    # All-digit ids would read as numeric row ids (`ImageRepo.get`): always include a letter.
    while (uid := new_unique_id()).isdigit():
        pass
    return uid


def blob_key(team: str, unique_id: str, fmt: str) -> str:
    """Where a new original lives, for every family (rows written before keep their keys)."""
    return f"originals/{team}/{unique_id}.{EXTENSIONS.get(fmt, fmt)}"


def cdn_extension(image: ImageRecord) -> str:
    """The format's name as seed 001 spells extensions (`jpeg`, not the stored `jpg`)."""
    return "jpeg" if image.ext in ("jpg", "jpeg") else image.ext


def cdn_path(team: str, image: ImageRecord, ext: str | None = None,
             size: str | None = None) -> str:
    """The CDN path (`/src/…`, seed 001's scheme, served by the hosting family for every family's
    images) of `image` as `ext` (default: the original's own, or JPEG for originals browsers
    cannot show: HEIC, TIFF, BMP), optionally at a `size`."""
    if ext is None:
        own = cdn_extension(image)
        ext = own if own in WEB_FORMATS else "jpeg"
    return f"/src/{team}/{image.unique_id}.{ext}" + (f"?size={size}" if size else "")


def staging_dir(blobs: BlobStore, data_dir: str | Path) -> Path:
    """Where uploads stream to: the blob store's own staging folder when it has one, so the final
    step is a rename on one file system."""
    return blobs.staging() or Path(data_dir) / "staging"


def stage(folder: Path, data: bytes, prefix: str = ".import-") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=prefix, dir=folder)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    return Path(tmp)


def discard(staged: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        staged.unlink()


def check_file(path: Path, limit: int, timeout: float) -> ProbeInfo:
    """The header first (its limits, before any decoder runs), then every pixel: a file cut after
    its header probes fine and would fail at every delivery, so it is refused here."""
    limits = pinrender.Limits(max_source_bytes=max(limit, 1))
    if path.stat().st_size == 0:
        raise pinrender.DecodeError("the file is empty")
    data = path.read_bytes()  # at most the caller's file limit, already enforced while streaming
    info = pinrender.probe(data, limits=limits)
    try:
        pinrender.verify(data, limits=limits, timeout=timeout)
    except pinrender.DecodeError as exc:
        raise Damaged(str(exc)) from None
    return info


async def commit(meta: MetaStore, counters: CounterStore, blobs: BlobStore, record: ImageRecord,
                 staged: Path, *, claims: tuple[Claim, ...], max_live: int | None = None,
                 now: float = 0.0) -> ImageRecord:
    """Move `staged` into place as `record.blob_key`, then insert the row with `claims` (and, with
    `max_live`, the account's image cap checked in the same transaction: `CapReached`). `staged`
    is consumed; on any failure neither the blob nor the row remains."""
    stored = False
    try:
        await anyio.to_thread.run_sync(blobs.put_file, record.blob_key, staged)
        stored = True
        created = insert(meta, counters, record, claims, max_live, now)
    except BaseException:
        if stored:
            await anyio.to_thread.run_sync(blobs.delete, record.blob_key)
        else:
            discard(staged)
        raise
    return created


def insert(meta: MetaStore, counters: CounterStore, record: ImageRecord, claims: tuple[Claim, ...],
            max_live: int | None, now: float) -> ImageRecord:
    if counters is meta.counters or record.account_id is None or not claims:
        # One transaction: the row and its claims, or neither.
        created = meta.images.create(record, max_live=max_live, now=now, claims=claims)
    else:
        # Counters kept elsewhere: claimed first, given back if the row is not written.
        with ledger.claimed(counters, record.account_id, claims):
            created = meta.images.create(record, max_live=max_live, now=now)
            if created is None:
                raise CapReached()
    if created is None:
        raise CapReached()
    return created
