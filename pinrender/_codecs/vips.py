"""libvips set-up: which loaders may run at all, and the options every load uses.

Loading goes through named `*load_buffer` operations chosen by `sniff`, never libvips' own
format detection; blocking every other loader as well means a caller elsewhere in the process
that does use detection cannot reach magick, pdf, matrix, csv, raw or vips files either.
"""

from __future__ import annotations

import threading

import pyvips

from .._errors import DecodeError, LimitError

# The parent classes of the loaders `sniff` can route to (blocking is inherited by subclasses).
ALLOWED_LOADERS = ("VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp",
                   "VipsForeignLoadNsgif", "VipsForeignLoadTiff", "VipsForeignLoadHeif",
                   "VipsForeignLoadSvg")

_lock = threading.Lock()
_ready = False


def setup() -> None:
    """Idempotent process-wide libvips configuration."""
    global _ready
    if _ready:
        return
    with _lock:
        if _ready:
            return
        pyvips.block_untrusted_set(True)
        pyvips.operation_block_set("VipsForeignLoad", True)
        for name in ALLOWED_LOADERS:
            pyvips.operation_block_set(name, False)
        # Results are cached by content key in the render graph; libvips' own operation cache
        # would only pin decoded buffers in memory behind our byte limits.
        pyvips.cache_set_max(0)
        _ready = True


def load(operation: str, data: bytes, **options: object) -> pyvips.Image:
    """Run one named buffer loader (lazily: only the header is read here)."""
    setup()
    try:
        image = pyvips.Operation.call(operation, data, **options)
    except pyvips.Error as exc:
        raise DecodeError(f"cannot read the {operation.split('load')[0]} image: "
                          f"{vips_message(exc)}") from None
    assert isinstance(image, pyvips.Image)
    return image


def vips_message(exc: pyvips.Error) -> str:
    """libvips' own detail, one line; libvips often has none beyond 'unable to call X'."""
    text = f"{exc.message}\n{exc.detail or ''}"
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    useful = [line for line in lines if not line.startswith("unable to call")]
    return "; ".join(useful[:3])[:300] or "the data is damaged or uses an unsupported feature"


def check_pixels(width: int, height: int, what: str, limit: int) -> None:
    if width * height > limit:
        raise LimitError(f"{what} is {width}x{height} pixels, over the limit of {limit}")
