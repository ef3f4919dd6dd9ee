"""Which decoder may read some bytes: decided from magic bytes against an allowlist, never from a
file name. Anything not recognised here is refused before a decoder sees it."""

from __future__ import annotations

import re

from .._errors import DecodeError

# ISO-BMFF brands (the `ftyp` box) that mean a still or sequence AVIF or HEIF image.
_AVIF_BRANDS = {b"avif", b"avis"}
_HEIC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1"}

# An SVG document may open with a BOM, whitespace, an XML declaration and comments before <svg.
_SVG_PROLOGUE = re.compile(
    rb"^(?:\xef\xbb\xbf)?\s*(?:<\?xml[^>]{0,200}\?>\s*)?(?:<!--.*?-->\s*)*<svg[\s>]", re.DOTALL | re.IGNORECASE)


def sniff(data: bytes) -> str:
    """The format of `data`: jpeg, png, webp, gif, tiff, avif, heic, svg or bmp."""
    if not data:
        raise DecodeError("the source is empty (0 bytes)")
    head = data[:32]
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if head[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if head[:2] == b"BM" and len(data) >= 26:
        return "bmp"
    if head[4:8] == b"ftyp":
        return _isobmff(data)
    if _SVG_PROLOGUE.match(data[:4096].lstrip()):
        return "svg"
    raise DecodeError("unsupported image format: expected JPEG, PNG, WebP, GIF, TIFF, AVIF, "
                      "HEIC, SVG or BMP")


def _isobmff(data: bytes) -> str:
    size = int.from_bytes(data[:4], "big")
    box = data[8:min(max(size, 16), 256)]
    major, compatible = box[:4], {box[i:i + 4] for i in range(8, len(box) - 3, 4)}
    # The major brand decides; compatible brands settle files that declare a generic major brand.
    if major in _AVIF_BRANDS:
        return "avif"
    if major in _HEIC_BRANDS - {b"mif1", b"msf1"}:
        return "heic"
    if compatible & _AVIF_BRANDS:
        return "avif"
    if compatible & _HEIC_BRANDS:
        return "heic"
    raise DecodeError(f"unsupported ISO-BMFF brand {major.decode('latin-1')!r}")
