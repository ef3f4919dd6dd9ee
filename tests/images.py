"""Every test's images, generated at test time (no committed binaries): flat colours and known
quadrants, every input format, EXIF orientations, colour profiles, alpha, animation, noise, and
hand-made bad files. One place, used by the core's and the server's tests alike."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pyvips
from PIL import Image, ImageDraw

# Quadrant colours of the displayed image: which corner is where proves the orientation.
RED, GREEN, BLUE, WHITE = (230, 20, 20), (20, 200, 20), (20, 20, 230), (250, 250, 250)
# How each EXIF orientation is undone (Pillow's exif_transpose), and the inverse used to store.
_DISPLAY = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}
_STORE = {**_DISPLAY, 6: Image.Transpose.ROTATE_90, 8: Image.Transpose.ROTATE_270}


def quadrants(width: int = 300, height: int = 200, mode: str = "RGB") -> Image.Image:
    im = Image.new(mode, (width, height), WHITE)
    d = ImageDraw.Draw(im)
    d.rectangle((0, 0, width // 2 - 1, height // 2 - 1), fill=RED)
    d.rectangle((width // 2, 0, width - 1, height // 2 - 1), fill=GREEN)
    d.rectangle((0, height // 2, width // 2 - 1, height - 1), fill=BLUE)
    return im


def encoded(im: Image.Image, fmt: str = "PNG", **options: Any) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **options)
    return out.getvalue()


def jpeg(width: int = 300, height: int = 200, *, orientation: int = 1, quality: int = 92,
         gps: bool = False, **options: object) -> bytes:
    """A JPEG that *displays* as `quadrants(width, height)` under EXIF `orientation`."""
    im = quadrants(width, height)
    if orientation != 1:
        im = im.transpose(_STORE[orientation])
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "pinrender-test-camera"
    if gps:
        exif.get_ifd(0x8825)[2] = (52.0, 22.0, 1.0)
    return encoded(im, "JPEG", quality=quality, exif=exif.tobytes(), **options)


def cmyk_jpeg(width: int = 64, height: int = 48) -> bytes:
    im = Image.new("CMYK", (width, height), (0, 255, 255, 0))  # pure red ink
    return encoded(im, "JPEG", quality=95)


def png(width: int = 300, height: int = 200, mode: str = "RGB") -> bytes:
    if mode == "P":
        return encoded(quadrants(width, height).convert("P", palette=Image.Palette.ADAPTIVE,
                                                      colors=4), "PNG")
    if mode == "RGBA":
        im = quadrants(width, height).convert("RGBA")
        im.putalpha(Image.linear_gradient("L").resize((width, height)))
        return encoded(im, "PNG")
    if mode == "16":
        vim = pyvips.Image.new_from_array([[0, 65535], [32768, 65535]]).cast("ushort")
        vim = vim.resize(width / 2, vscale=height / 2, kernel="nearest")
        vim = vim.bandjoin([vim, vim]).copy(interpretation="rgb16")
        return bytes(vim.pngsave_buffer(bitdepth=16))
    return encoded(quadrants(width, height).convert(mode), "PNG")


def vips_of(im: Image.Image) -> pyvips.Image:
    bands = len(im.mode)
    out = pyvips.Image.new_from_memory(im.tobytes(), im.width, im.height, bands, "uchar")
    return out.copy(interpretation="srgb")


def animation(fmt: str, frames: int = 4, width: int = 120, height: int = 80) -> bytes:
    colours = [RED, GREEN, BLUE, WHITE]
    images = [Image.new("RGB", (width, height), colours[i % 4]) for i in range(frames)]
    return encoded(images[0], fmt.upper(), save_all=True, append_images=images[1:], duration=80,
                loop=0)


def tiff(width: int = 300, height: int = 200) -> bytes:
    return bytes(vips_of(quadrants(width, height)).tiffsave_buffer())


def avif(width: int = 300, height: int = 200) -> bytes:
    return encoded(quadrants(width, height), "AVIF", quality=90)


def heic(width: int = 300, height: int = 200) -> bytes:
    import pillow_heif

    out = io.BytesIO()
    pillow_heif.from_pillow(quadrants(width, height)).save(out, quality=90)
    return out.getvalue()


def bmp(width: int = 300, height: int = 200) -> bytes:
    return encoded(quadrants(width, height), "BMP")


def svg(width: int = 300, height: int = 200, extra: str = "") -> bytes:
    w2, h2 = width // 2, height // 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
            f'<rect width="{width}" height="{height}" fill="rgb{WHITE}"/>'
            f'<rect width="{w2}" height="{h2}" fill="rgb{RED}"/>'
            f'<rect x="{w2}" width="{w2}" height="{h2}" fill="rgb{GREEN}"/>'
            f'<rect y="{h2}" width="{w2}" height="{h2}" fill="rgb{BLUE}"/>{extra}</svg>'
            ).encode()


ALL_FORMATS = {
    "jpeg": jpeg, "png": png, "webp": lambda w=300, h=200: encoded(quadrants(w, h), "WEBP",
                                                                 quality=95),
    "gif": lambda w=300, h=200: encoded(quadrants(w, h), "GIF"), "tiff": tiff, "avif": avif,
    "heic": heic, "bmp": bmp, "svg": svg,
}


def png_header_lie(width: int = 50_000, height: int = 50_000) -> bytes:
    """A tiny PNG whose IHDR claims a huge image."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return (struct.pack(">I", len(body)) + kind + body
                + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1000)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND",
                                                                                    b"")


def many_frame_gif(frames: int = 3000) -> bytes:
    """A GIF of `frames` 1x1 frames, written by hand so making it costs nothing."""
    head = b"GIF89a" + struct.pack("<HHBBB", 1, 1, 0x80, 0, 0) + b"\x00\x00\x00\xff\xff\xff"
    loop = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
    frame = (b"\x21\xf9\x04\x00\x01\x00\x00\x00" + b"\x2c" + struct.pack("<HHHHB", 0, 0, 1, 1, 0)
             + b"\x02\x02\x44\x01\x00")
    return head + loop + frame * frames + b"\x3b"


def pixel(im: Image.Image, x: float, y: float) -> tuple[int, ...]:
    """The colour at a fractional position of an image."""
    rgb = im.convert("RGB")
    return rgb.getpixel((int(x * (im.width - 1)), int(y * (im.height - 1))))  # type: ignore


def close(a: tuple[int, ...], b: tuple[int, ...], tolerance: int = 40) -> bool:
    return all(abs(x - y) <= tolerance for x, y in zip(a, b))


def decoded(data: bytes) -> Image.Image:
    """Decode an output fully with Pillow (AVIF included), so a broken file fails here."""
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def solid(width: int = 64, height: int = 48, color: tuple[int, ...] = (200, 80, 40),
          fmt: str = "PNG", mode: str = "RGB") -> bytes:
    """One flat colour: the cheapest valid image of a given size."""
    return encoded(Image.new(mode, (width, height), color), fmt)


def two_tone(width: int = 640, height: int = 480, fmt: str = "JPEG") -> bytes:
    """A flat colour with its top-left quarter in another, so a crop or flip shows in the pixels."""
    image = Image.new("RGB", (width, height), (200, 80, 40))
    image.paste((20, 90, 200), (0, 0, width // 2, height // 2))
    return encoded(image, fmt)


def noisy(width: int = 160, height: int = 120, fmt: str = "JPEG", sigma: float = 60,
          **options: Any) -> bytes:
    """Noise in every band: compresses badly, so its bytes are many and every byte matters
    (a cut file is truly damaged, a slow upload takes many packets)."""
    bands = [Image.effect_noise((width, height), sigma) for _ in range(3)]
    return encoded(Image.merge("RGB", bands), fmt, **options)
