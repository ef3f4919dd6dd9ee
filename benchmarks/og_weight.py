"""How heavy the example cards are at their default format, and how close to lossless.

    python benchmarks/og_weight.py [--accept-webp] [--png-settings]

For every `examples/*.json`: the format a server answers with when the request names none (the
template's `format`, else `auto`: the smallest of JPEG and a libimagequant palette PNG whose SSIM
against the lossless render is >= 0.985), its bytes, its SSIM against the lossless PNG (Wang et
al. 2004 on luma, Gaussian window sigma 1.5, as scikit-image computes it), and the encode time
(the auto encoder tries candidates: that time is all of them). Goal: < 250 KB, SSIM >= 0.98.
`--accept-webp` answers as for a client whose Accept takes WebP (`auto-webp`);
`--png-settings` adds the PNG settings measured: lossless zlib levels and palette qualities.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

import numpy as np
from PIL import Image
from skimage.metrics import structural_similarity

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
LIMIT_BYTES = 250 * 1024
MIN_SSIM = 0.98


def luma(data: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(data))
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        base = Image.new("RGBA", image.size, (255, 255, 255, 255))
        image = Image.alpha_composite(base, image)
    return np.asarray(image.convert("L"))


def ssim(reference: bytes, candidate: bytes) -> float:
    return float(structural_similarity(luma(reference), luma(candidate), data_range=255,
                                       gaussian_weights=True, sigma=1.5,
                                       use_sample_covariance=False))


def default_format(path: Path, accept_webp: bool) -> str:
    import pinrender

    fmt = pinrender.parse_template(path.read_text()).format or "auto"
    return "auto-webp" if fmt == "auto" and accept_webp else fmt


def weigh(path: Path, accept_webp: bool) -> dict[str, object]:
    import pinrender

    renderer = pinrender.Renderer()
    lossless = renderer.render_result(path, format="png")
    fmt = default_format(path, accept_webp)
    renderer = pinrender.Renderer()  # cold: nothing from the lossless render is reused
    started = time.perf_counter()
    light = renderer.render_result(path, format=fmt)
    total = time.perf_counter() - started
    return {"name": path.stem, "asked": fmt, "format": light.format, "bytes": len(light.data),
            "lossless": len(lossless.data), "ssim": ssim(lossless.data, light.data),
            "encode_ms": light.timings["encode"] * 1000, "total_ms": total * 1000}


def png_settings(path: Path) -> list[tuple[str, int, float, float]]:
    import pyvips

    import pinrender

    lossless = pinrender.Renderer().render(path, format="png")
    image = pyvips.Image.new_from_buffer(lossless, "").copy_memory()
    rows = []
    options: list[tuple[str, dict[str, object]]] = [
        (f"lossless zlib {level}", {"compression": level}) for level in (2, 6, 9)]
    options += [(f"palette Q{q} effort {e} dither {d:g}",
                 {"palette": True, "Q": q, "effort": e, "dither": d, "compression": 9})
                for q, e, d in ((75, 7, 0), (75, 10, 0), (90, 7, 0), (75, 7, 1.0))]
    for name, kwargs in options:
        started = time.perf_counter()
        data = image.pngsave_buffer(keep="none", **kwargs)
        ms = (time.perf_counter() - started) * 1000
        rows.append((name, len(data), ssim(lossless, data), ms))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--accept-webp", action="store_true")
    parser.add_argument("--png-settings", action="store_true")
    args = parser.parse_args(argv)
    paths = sorted(EXAMPLES.glob("*.json"))
    print("| card | asked | format | bytes | lossless PNG | SSIM | encode ms | render ms | ok |")
    print("|---|---|---|---|---|---|---|---|---|")
    failed = 0
    for path in paths:
        row = weigh(path, args.accept_webp)
        ok = int(row["bytes"]) < LIMIT_BYTES and float(row["ssim"]) >= MIN_SSIM  # type: ignore[arg-type]
        failed += not ok
        print(f"| {row['name']} | {row['asked']} | {row['format']} | {row['bytes']:,} | "
              f"{row['lossless']:,} | {row['ssim']:.4f} | {row['encode_ms']:.0f} | "
              f"{row['total_ms']:.0f} | {'yes' if ok else 'NO'} |")
    if args.png_settings:
        print("\n| card | PNG setting | bytes | SSIM | encode ms |")
        print("|---|---|---|---|---|")
        for path in paths:
            for name, size, score, ms in png_settings(path):
                print(f"| {path.stem} | {name} | {size:,} | {score:.4f} | {ms:.0f} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
