"""Every limit pinrender enforces, in one place, applied before work is done."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    # Output canvas of a template render.
    max_canvas_side: int = 8192
    max_canvas_pixels: int = 40_000_000
    max_layers: int = 100
    max_text_length: int = 5_000
    # Image sources: checked from the header, before any pixel is decoded.
    max_source_bytes: int = 25 * 1024 * 1024
    max_source_pixels: int = 100_000_000
    max_source_side: int = 30_000
    max_frames: int = 500
    max_animation_pixels: int = 400_000_000  # width * height * frames
    max_svg_bytes: int = 10 * 1024 * 1024
    # Decoded pixels held at once by all concurrent decodes in the process, estimated from each
    # header (after shrink-on-load; a progressive JPEG's coefficients at full size). A decode
    # waits for room until the render's deadline; one larger than the whole budget runs alone.
    max_decode_bytes: int = 1024 * 1024 * 1024
    # Transform outputs.
    max_output_pixels: int = 100_000_000
    # Remote fetches.
    fetch_timeout: float = 30.0
    fetch_max_redirects: int = 5


DEFAULT_LIMITS = Limits()
