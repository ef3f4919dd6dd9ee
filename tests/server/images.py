"""The server tests' image factories, in one place: encoded bytes from Pillow, small and fast."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image


def encoded(image: Image.Image, fmt: str, **options: Any) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def solid(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 80, 40),
          fmt: str = "PNG") -> bytes:
    """One flat colour: the cheapest valid image of a given size."""
    return encoded(Image.new("RGB", (width, height), color), fmt)


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
