"""`probe` reads a source's header; `verify` decodes every pixel before trusting it, cheaply.

A header probe accepts a JPEG cut after its scan header or a PNG cut mid-IDAT; only decoding the
pixels finds the damage, and a transform would then fail on every delivery. So an upload is
decoded once, as strictly as a transform decodes (`fail_on="warning"`), but shrunk on load to a
thumbnail where the format allows and streamed top to bottom, with a deadline that kills the
decode in libvips itself.
"""

from __future__ import annotations

import time

import pyvips

from ._budget import decode_budget
from ._codecs import ProbeInfo, pillow, vips
from ._codecs import probe as probe_bytes
from ._codecs.decode import decoded_bytes, jpeg_shrink
from ._codecs.probe import VIPS_LOADERS, probe_prepared
from ._errors import DecodeError, RenderTimeout
from ._services import Services
from ._sources import SourceRef, source_ref

# The box a verification decodes into: as small as each format's shrink-on-load allows.
VERIFY_BOX = 64


def verify(source: bytes | str | SourceRef, services: Services, *,
           timeout: float | None = None) -> ProbeInfo:
    """Decode every pixel of `source`, every frame, and return its probe. Raises DecodeError if
    the data is damaged, SourceError/LimitError as `probe` does, and RenderTimeout once `timeout`
    seconds have passed. Memory: pixels stream top to bottom, and JPEG, WebP and SVG decode
    straight to a thumbnail (a progressive JPEG still holds its coefficients, as any decode does)."""
    data = _load(source, services)
    info, prepared = probe_prepared(data, services.limits)
    deadline = None if timeout is None else time.monotonic() + timeout
    # Uploads share the process's decode budget with renders: eight large uploads at once queue
    # instead of decoding side by side.
    options = _options_for_verify(info)
    reservation = decode_budget(services.limits.max_decode_bytes).acquire(
        decoded_bytes(info, options, all_frames=info.format in ("gif", "webp")), deadline=deadline)
    try:
        return _decode_all(prepared, info, options, deadline, timeout)
    finally:
        reservation.release()


def probe(source: bytes | str | SourceRef, services: Services) -> ProbeInfo:
    """Width, height, format, frames, alpha and orientation, from the header alone."""
    return probe_bytes(_load(source, services), services.limits)


def _load(source: bytes | str | SourceRef, services: Services) -> bytes:
    allow_local = bool(getattr(services.loader, "allow_local", False))
    return services.load(source_ref(source, allow_local=allow_local))


def _decode_all(prepared: bytes, info: ProbeInfo, options: dict[str, object],
                deadline: float | None, timeout: float | None) -> ProbeInfo:
    image = _load_for_verify(prepared, info, options)
    if deadline is not None:
        # libvips reports progress while it computes; killing the image stops the decode there.
        image.set_progress(True)
        image.signal_connect("eval", lambda img, _progress: img.set_kill(time.monotonic() > deadline))
    try:
        image.avg()  # pulls every pixel through the decoder
    except pyvips.Error as exc:
        if deadline is not None and time.monotonic() > deadline:
            raise RenderTimeout(f"decoding took longer than {timeout:g} s") from None
        raise DecodeError(f"the {info.format} image is damaged: {vips.vips_message(exc)}") from None
    return info


def _load_for_verify(data: bytes, info: ProbeInfo, options: dict[str, object]) -> pyvips.Image:
    if info.format == "heic":  # Pillow decodes these whole, and raises on damage itself
        return pillow.decode_heic(data)
    if info.format == "bmp":
        return pillow.decode_bmp(data)
    return vips.load(VIPS_LOADERS[info.format], data, **options)


def _options_for_verify(info: ProbeInfo) -> dict[str, object]:
    fmt = info.format
    scale = min(1.0, VERIFY_BOX / max(info.width, info.height))
    options: dict[str, object] = {"fail_on": "warning", "access": "sequential"}
    if fmt in ("gif", "webp"):
        options["n"] = -1
    if fmt == "jpeg":
        options["shrink"] = jpeg_shrink(info.width, info.height, scale)
    elif fmt in ("webp", "svg") and scale < 1.0:
        options["scale"] = scale
    if fmt == "svg":
        options["unlimited"] = False
    elif fmt == "tiff":
        options["page"] = 0
    return options
