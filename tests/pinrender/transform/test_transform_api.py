"""transform / transform_key / probe: sizes, formats, orientation, colour, alpha, metadata,
animation, every input format, refusals — each checked by decoding the result."""

from __future__ import annotations

import io

import pytest
import pyvips
from PIL import Image

import pinrender
from pinrender import (
    DecodeError,
    LimitError,
    Limits,
    SafeLoader,
    Services,
    SourceError,
    TemplateError,
    probe,
    source_ref,
    transform,
    transform_key,
)
from pinrender._pipelines import plan_transform
from tests import images as g

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize("size,short", [("s", 320), ("m", 640), ("l", 1080)])
def test_size_presets_set_the_short_edge(size: str, short: int) -> None:
    for w, h in ((3000, 2000), (1200, 1800)):
        out = g.decoded(transform(g.jpeg(w, h), size=size, format="png"))
        assert min(out.size) == short
        assert abs(out.width / out.height - w / h) < 0.01


@pytest.mark.parametrize("width", [256, 512, 720, 1024, 1500, 2000, "thumbnail", "xlarge",
                                   "512"])
def test_width_variants(width: int | str) -> None:
    expected = {"thumbnail": 256, "xlarge": 2000, "512": 512}.get(str(width), width)
    out = g.decoded(transform(g.jpeg(2400, 1600), width=width, format="webp"))
    assert out.size == (expected, round(1600 * int(expected) / 2400))


def test_never_upscales() -> None:
    assert g.decoded(transform(g.png(200, 100), size="l")).size == (200, 100)
    assert g.decoded(transform(g.png(200, 100), width=2000)).size == (200, 100)


@pytest.mark.parametrize("options,path", [({"size": "xl"}, "size"), ({"width": 300}, "width"),
                                          ({"width": "huge"}, "width"),
                                          ({"format": "bmp"}, "format"),
                                          ({"quality": 0}, "quality"),
                                          ({"size": "s", "width": 256}, "size")])
def test_bad_options_name_the_field(options: dict, path: str) -> None:
    with pytest.raises(TemplateError) as info:
        transform_key(b"not decoded", **options)
    assert info.value.path == path


def test_key_needs_no_decoding_and_follows_options() -> None:
    garbage = b"\x00" * 10
    key = transform_key(garbage, size="m", format="webp")
    assert key == transform_key(garbage, size="m", format="webp")
    assert key != transform_key(garbage, size="s", format="webp")
    assert key != transform_key(garbage, size="m", format="png")
    assert key != transform_key(b"\x01" * 10, size="m", format="webp")
    assert transform_key(garbage, format="jpg") == transform_key(garbage, format="jpeg")


def test_key_of_a_file_is_the_key_of_its_bytes(tmp_path) -> None:
    data = g.jpeg()
    path = tmp_path / "a.jpg"
    path.write_bytes(data)
    assert transform_key(path, size="s") == transform_key(data, size="s")
    assert transform_key(str(path), size="s") == transform_key(data, size="s")


def test_plan_reads_like_the_pipeline() -> None:
    root = plan_transform(source_ref(b"x", allow_local=False), size="m", format="webp")
    kinds = []
    node = root
    while True:
        kinds.append(node.kind)
        if not node.inputs():
            break
        (node,) = node.inputs()
    assert kinds == ["encode", "resize", "to_srgb", "orient", "decode", "source"]


@pytest.mark.parametrize("fmt", list(g.ALL_FORMATS))
def test_every_input_format(fmt: str) -> None:
    data = g.ALL_FORMATS[fmt]()
    info = probe(data)
    assert (info.width, info.height, info.format) == (300, 200, fmt)
    out = g.decoded(transform(data, size="s", format="png"))
    assert out.size == (300, 200)
    lossy = fmt in ("jpeg", "webp", "avif", "heic")
    tol = 45 if lossy else 12
    assert g.close(g.pixel(out, 0.2, 0.2), g.RED, tol)
    assert g.close(g.pixel(out, 0.8, 0.2), g.GREEN, tol)
    assert g.close(g.pixel(out, 0.2, 0.8), g.BLUE, tol)


@pytest.mark.parametrize("fmt,expected", [("jpeg", "JPEG"), ("png", "PNG"), ("webp", "WEBP"),
                                          ("gif", "GIF"), ("svg", "PNG"), ("bmp", "PNG"),
                                          ("tiff", "PNG"), ("heic", "JPEG"), ("avif", "AVIF")])
def test_format_none_keeps_the_format_where_it_can(fmt: str, expected: str) -> None:
    out = g.decoded(transform(g.ALL_FORMATS[fmt](), size="s"))
    assert out.format == expected


@pytest.mark.parametrize("fmt", ["jpeg", "jpg", "png", "webp", "avif", "gif"])
def test_every_output_format(fmt: str) -> None:
    out = g.decoded(transform(g.jpeg(800, 600), size="s", format=fmt))
    assert out.format == {"jpg": "JPEG"}.get(fmt, fmt.upper())
    assert out.size == (427, 320)


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_is_applied_before_resizing(orientation: int) -> None:
    data = g.jpeg(900, 600, orientation=orientation)
    info = probe(data)
    assert info.orientation == orientation
    assert (info.oriented_width, info.oriented_height) == (900, 600)
    out = g.decoded(transform(data, size="s", format="png"))
    assert out.size == (480, 320)
    assert g.close(g.pixel(out, 0.2, 0.2), g.RED)
    assert g.close(g.pixel(out, 0.8, 0.2), g.GREEN)
    assert g.close(g.pixel(out, 0.2, 0.8), g.BLUE)
    assert g.close(g.pixel(out, 0.8, 0.8), g.WHITE)
    assert 0x0112 not in out.getexif()


def test_metadata_is_stripped_unless_kept() -> None:
    data = g.jpeg(600, 400, gps=True)
    for fmt in ("jpeg", "png", "webp"):
        out = g.decoded(transform(data, size="s", format=fmt))
        assert not out.getexif(), fmt
        assert "icc_profile" not in out.info or not out.info["icc_profile"], fmt
        assert b"pinrender-test-camera" not in transform(data, size="s", format=fmt)
    kept = transform(data, size="s", format="jpeg", keep_metadata=True)
    assert b"pinrender-test-camera" in kept
    assert transform_key(data, keep_metadata=True) != transform_key(data)


def test_cmyk_jpeg_becomes_srgb() -> None:
    out = g.decoded(transform(g.cmyk_jpeg(), format="png"))
    assert out.mode in ("RGB", "RGBA")
    r, gr, b = g.pixel(out, 0.5, 0.5)[:3]
    assert r > 180 and gr < 90 and b < 90


def test_icc_profile_is_converted_to_srgb() -> None:
    # sRGB pixels re-expressed in Display P3: only a real conversion brings them back.
    srgb = g.vips_of(Image.new("RGB", (64, 64), (10, 230, 20)))
    p3 = srgb.icc_transform("p3", input_profile="srgb")
    assert abs(p3.getpoint(5, 5)[0] - 10) > 40  # the P3 numbers differ visibly
    data = bytes(p3.pngsave_buffer())
    out = g.decoded(transform(data, format="png"))
    assert g.close(g.pixel(out, 0.5, 0.5), (10, 230, 20), 6)
    assert not out.info.get("icc_profile")


def test_sixteen_bit_and_palette_pngs() -> None:
    out = g.decoded(transform(g.png(64, 64, "16"), format="png"))
    assert out.mode in ("RGB", "RGBA") and out.size == (64, 64)
    out = g.decoded(transform(g.png(300, 200, "P"), format="png"))
    assert g.close(g.pixel(out, 0.2, 0.2), g.RED, 12)


def test_alpha_kept_for_png_webp_avif_and_flattened_for_jpeg() -> None:
    data = g.png(300, 200, "RGBA")  # alpha: a top-to-bottom gradient
    for fmt in ("png", "webp", "avif"):
        out = g.decoded(transform(data, size="s", format=fmt))
        assert out.mode == "RGBA", fmt
        assert out.getpixel((150, 2))[3] < 30 and out.getpixel((150, 197))[3] > 220, fmt
    flat = g.decoded(transform(data, size="s", format="jpeg"))
    assert flat.mode == "RGB"
    assert g.close(flat.getpixel((50, 1)), (255, 255, 255), 30)  # transparent -> white


@pytest.mark.parametrize("fmt", ["gif", "webp"])
def test_animation_is_kept_and_resized_frame_by_frame(fmt: str) -> None:
    data = g.animation(fmt, frames=4, width=1200, height=800)
    assert probe(data).frames == 4
    out = g.decoded(transform(data, size="s", format=fmt))
    assert getattr(out, "n_frames", 1) == 4
    assert out.size == (480, 320)
    colours = []
    for i in range(4):
        out.seek(i)
        colours.append(g.pixel(out, 0.5, 0.02))
    assert g.close(colours[0], g.RED) and g.close(colours[1], g.GREEN)
    assert g.close(colours[2], g.BLUE), colours  # no bleed across frame edges


@pytest.mark.parametrize("fmt", ["jpeg", "png"])
def test_animation_to_a_still_format_takes_the_first_frame(fmt: str) -> None:
    out = g.decoded(transform(g.animation("gif"), format=fmt))
    assert out.size == (120, 80)
    assert g.close(g.pixel(out, 0.5, 0.5), g.RED)


def test_resize_quality_matches_a_lanczos_reference() -> None:
    # Sharp edges: thin lines and a checkerboard, downscaled by a non-integer factor.
    im = Image.new("L", (1601, 1201), 255)
    for x in range(0, 1601, 7):
        im.paste(0, (x, 0, x + 2, 600))
    for y in range(600, 1201, 16):
        for x in range((y // 16 % 2) * 16, 1601, 32):
            im.paste(0, (x, y, x + 16, y + 16))
    im = im.convert("RGB")
    out = g.decoded(transform(g.encoded(im, "PNG"), size="s", format="png")).convert("L")
    reference = im.convert("L").resize(out.size, Image.Resampling.LANCZOS)
    from PIL import ImageChops, ImageStat

    diff = ImageStat.Stat(ImageChops.difference(out, reference)).mean[0]
    assert diff < 6.0, diff
    assert max(out.getextrema()) > 200 and min(out.getextrema()) < 60  # no washed-out greys


@pytest.mark.parametrize("make,error", [
    (lambda: b"", DecodeError),
    (lambda: g.jpeg(400, 300)[:900], DecodeError),
    (lambda: g.png_header_lie(), LimitError),
    (lambda: g.many_frame_gif(3000), LimitError),
    (lambda: b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n", DecodeError),
    (lambda: b"\x00\x00\x00\x0cjP  \r\n\x87\n" + b"\x00" * 64, DecodeError),  # JPEG 2000
    (lambda: g.svg(extra='<!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
     DecodeError),
])
@pytest.mark.timeout(5)  # refused from the header: a real decode would run far longer
def test_refusals_are_source_errors_and_quick(make, error) -> None:
    data = make()
    with pytest.raises(error):
        transform(data, size="s", format="webp")


def test_lying_extension_is_decoded_by_content(tmp_path) -> None:
    path = tmp_path / "photo.jpg"
    path.write_bytes(g.png(300, 200))
    assert probe(path).format == "png"
    assert g.decoded(transform(path, format="png")).size == (300, 200)


def test_limits_come_from_services() -> None:
    renderer = pinrender.Renderer(Services(loader=SafeLoader(), fonts=pinrender.default_fonts(),
                                           limits=Limits(max_source_pixels=10_000)))
    with pytest.raises(LimitError, match="over the limit"):
        renderer.transform(g.png(300, 200), size="s")
    with pytest.raises(SourceError):
        renderer.probe(g.png(300, 200))


def test_result_cache_returns_the_same_bytes_without_rerunning() -> None:
    renderer = pinrender.Renderer(cache_bytes=16 * 1024 * 1024)
    data = g.jpeg(800, 600)
    first = renderer.transform(data, size="s", format="webp")
    assert renderer.cache.bytes_used >= len(first)
    assert renderer.stats["decode"] == 1
    assert renderer.transform(data, size="s", format="webp") == first
    assert renderer.stats["decode"] == 1  # the encoded result came from the cache


@pytest.mark.timeout(5)  # decoding 80 megapixels of a header lie would not finish in time
def test_probe_does_not_decode_pixels() -> None:
    info = probe(g.png_header_lie(20_000, 4_000))
    assert (info.width, info.height) == (20_000, 4_000)


def test_pyvips_and_pillow_agree_on_output_size() -> None:
    data = transform(g.jpeg(2000, 1000), width=720, format="jpeg")
    assert pyvips.Image.new_from_buffer(data, "").width == 720
    assert Image.open(io.BytesIO(data)).size == (720, 360)
