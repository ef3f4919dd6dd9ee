"""`pinrender.verify`: every pixel decoded before an upload is accepted. A file cut anywhere is
either refused or decodes to exactly the pixels of the whole file (never a grey-filled guess), and
verify agrees with what a transform of the same bytes does."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import pinrender
from tests import images
from tests.images import animation, decoded, encoded, jpeg, png


def noisy(fmt: str) -> bytes:
    # Noise does not compress: the scan data is most of the file, so most cuts land inside it.
    options: dict[str, object] = {"quality": 90} if fmt in ("JPEG", "WEBP") else {}
    return images.noisy(96, 64, fmt, sigma=80, **options)


SAMPLES = {"jpeg": noisy("JPEG"), "png": noisy("PNG"), "webp": noisy("WEBP"), "gif": noisy("GIF"),
           "progressive": encoded(Image.open(io.BytesIO(noisy("JPEG"))), "JPEG", progressive=True)}


def pixels(data: bytes) -> bytes:
    return decoded(pinrender.transform(data, format="png")).convert("RGB").tobytes()


@pytest.mark.parametrize("data", [jpeg(), jpeg(orientation=6), png(mode="RGBA"), png(mode="16"),
                                  animation("gif"), animation("webp"), *SAMPLES.values()])
def test_intact_files_pass_and_report_their_probe(data: bytes) -> None:
    assert pinrender.verify(data) == pinrender.probe(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SAMPLES)), fraction=st.floats(0.02, 0.9995))
def test_a_cut_file_is_refused_or_whole(name: str, fraction: float) -> None:
    data = SAMPLES[name]
    cut = data[: max(1, int(len(data) * fraction))]
    try:
        pinrender.verify(cut)
    except pinrender.SourceError:
        # What verify refuses, a transform would have failed on at every delivery.
        with pytest.raises(pinrender.SourceError):
            pinrender.transform(cut, format="png")
        return
    assert pixels(cut) == pixels(data)


def test_damage_is_named() -> None:
    data = SAMPLES["jpeg"]
    with pytest.raises(pinrender.DecodeError, match="jpeg image is damaged"):
        pinrender.verify(data[: len(data) * 2 // 3])


def test_limits_are_the_callers() -> None:
    with pytest.raises(pinrender.LimitError):
        pinrender.verify(SAMPLES["png"], limits=pinrender.Limits(max_source_pixels=1000))


def test_timeout_stops_the_decode() -> None:
    import pyvips

    big = bytes(pyvips.Image.gaussnoise(3000, 3000).cast("uchar").pngsave_buffer(compression=0))
    limits = pinrender.Limits(max_source_bytes=len(big))
    with pytest.raises(pinrender.RenderTimeout):
        pinrender.verify(big, limits=limits, timeout=0.001)
    assert pinrender.verify(big, limits=limits, timeout=60).width == 3000  # the same file, in time


def test_verify_waits_for_the_decode_budget_it_shares_with_renders() -> None:
    from pinrender._budget import decode_budget

    limits = pinrender.Limits(max_decode_bytes=64 * 1024)  # a budget of its own for this test
    budget = decode_budget(limits.max_decode_bytes)
    held = budget.acquire(limits.max_decode_bytes)
    try:
        with pytest.raises(pinrender.RenderTimeout):
            pinrender.verify(SAMPLES["png"], limits=limits, timeout=0.2)
        assert budget.waits >= 1
    finally:
        held.release()
    assert pinrender.verify(SAMPLES["png"], limits=limits).width == 96
    assert budget.in_use == 0
