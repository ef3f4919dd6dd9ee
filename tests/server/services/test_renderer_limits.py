"""The server's renderer: stored originals may be as large as any plan's uploads, while URLs
fetched on a request's behalf stay under the smaller fetch cap."""

from __future__ import annotations

import io

from PIL import Image

from pinrender._sources import SourceRef
from pinrender_server.app import build_renderer
from pinrender_server.settings import Settings


def test_decode_limit_covers_every_upload_and_fetches_keep_their_cap() -> None:
    settings = Settings(max_source_bytes=1024 * 1024)
    renderer = build_renderer(settings)
    largest = max(plan.max_file_bytes for plan in settings.plans.values())
    assert renderer.services.limits.max_source_bytes == largest
    assert renderer.services.loader.limits.max_source_bytes == 1024 * 1024  # type: ignore[attr-defined]


def test_a_stored_original_over_the_fetch_cap_still_transforms() -> None:
    renderer = build_renderer(Settings(max_source_bytes=64 * 1024))
    buf = io.BytesIO()
    Image.effect_noise((400, 400), 80).convert("RGB").save(buf, "PNG")  # noise: ~150 KB
    data = buf.getvalue()
    assert len(data) > 64 * 1024
    out = renderer.transform(SourceRef("bytes", data, "blob:test"), size="s", format="webp")
    assert Image.open(io.BytesIO(out)).size == (320, 320)
