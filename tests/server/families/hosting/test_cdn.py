"""`/src/{team_hash}/{uid}.{ext}`: sizes and formats decoded with Pillow, ETag/304, auto, errors."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from tests.server.conftest import Api, auth

from .conftest import image_bytes, new_key, upload

pytestmark = pytest.mark.anyio


async def _src(api: Api, width: int, height: int) -> tuple[str, str]:
    key = await new_key(api)
    m = (await upload(api, key, data=image_bytes(width, height))).json()
    return m["src"].replace("http://testserver", "").rsplit(".", 1)[0], key


@pytest.mark.parametrize(("size", "expected"), [("s", (480, 320)), ("m", (960, 640)),
                                                ("l", (1200, 800))])
async def test_sizes_by_short_edge_never_upscaled(v1: Api, size: str, expected: tuple[int, int]
                                                  ) -> None:
    base, _ = await _src(v1, 1200, 800)
    r = await v1.client.get(f"{base}.webp", params={"size": size})
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"
    assert Image.open(io.BytesIO(r.content)).size == expected


@pytest.mark.parametrize(("ext", "fmt"), [("jpeg", "JPEG"), ("jpg", "JPEG"), ("png", "PNG"),
                                          ("webp", "WEBP"), ("avif", "AVIF")])
async def test_formats_by_extension(v1: Api, ext: str, fmt: str) -> None:
    base, _ = await _src(v1, 500, 400)
    r = await v1.client.get(f"{base}.{ext}", params={"size": "s"})
    assert r.status_code == 200
    with Image.open(io.BytesIO(r.content)) as im:
        assert im.format == fmt and im.size == (400, 320)
    assert r.headers["cache-control"].startswith("public, max-age=31536000")
    etag = r.headers["etag"]
    r2 = await v1.client.get(f"{base}.{ext}", params={"size": "s"}, headers={"If-None-Match": etag})
    assert r2.status_code == 304 and r2.headers["etag"] == etag and not r2.content


async def test_original_is_served_re_encoded_without_metadata(v1: Api) -> None:
    source = Image.new("RGB", (120, 90), (30, 140, 220))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    buf = io.BytesIO()
    source.save(buf, "JPEG", quality=95, exif=exif)
    key = await new_key(v1)
    src = (await upload(v1, key, data=buf.getvalue())).json()["src"]
    r = await v1.client.get(src)
    assert r.status_code == 200 and r.headers["content-type"] == "image/jpeg"
    assert r.content != buf.getvalue() and b"SpyCam" not in r.content
    with Image.open(io.BytesIO(r.content)) as im:
        assert im.format == "JPEG" and im.size == (120, 90) and not im.getexif()
        assert all(abs(a - b) <= 4 for a, b in zip(im.getpixel((60, 45)), (30, 140, 220),
                                                    strict=True))
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "attachment" not in r.headers.get("content-disposition", "")


async def test_auto_picks_from_accept(v1: Api) -> None:
    base, _ = await _src(v1, 400, 300)
    for accept, media in [("image/avif,image/webp,*/*", "image/avif"),
                          ("image/webp,*/*", "image/webp"), ("*/*", "image/jpeg")]:
        r = await v1.client.get(f"{base}.auto", params={"size": "s"}, headers={"Accept": accept})
        assert r.headers["content-type"] == media and r.headers["vary"].startswith("Accept")


async def test_stored_after_first_computation(v1: Api) -> None:
    base, _ = await _src(v1, 400, 300)
    before = v1.ctx.render.pool.jobs
    for _ in range(3):
        assert (await v1.client.get(f"{base}.png", params={"size": "s"})).status_code == 200
    assert v1.ctx.render.pool.jobs == before + 1


async def test_errors(v1: Api) -> None:
    base, key = await _src(v1, 400, 300)
    r = await v1.client.get(f"{base}.webp", params={"size": "xl"})
    assert r.status_code == 400 and "s, m, l" in r.json()["message"]
    r = await v1.client.get(f"{base}.tiff")
    assert r.status_code == 400 and r.json()["error"] == "unsupported_format"
    assert "webp" in r.json()["message"]
    uid = base.rsplit("/", 1)[1]
    assert (await v1.client.get(f"/src/wrongteam/{uid}.webp")).status_code == 404
    await v1.client.delete(f"/v1/media/{uid}", headers=auth(key))
    r = await v1.client.get(f"{base}.webp")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


async def test_viewer_page(v1: Api) -> None:
    base, _key = await _src(v1, 400, 300)
    uid = base.rsplit("/", 1)[1]
    r = await v1.client.get(f"/i/{uid}")
    assert r.status_code == 200 and f"{uid}.jpeg?size=l" in r.text
