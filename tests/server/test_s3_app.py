"""The app on S3 storage (`PINRENDER_STORAGE=s3://bucket/prefix`, moto's S3 server): an upload lands
in the bucket before its row, its CDN variants render from it, a delete removes the object, the
start-up recovery removes orphans — and nothing stays on the local disk."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import pytest

from pinrender_server.backends.s3_blobs import S3BlobStore
from pinrender_server.families.hosting.sweeper import recover, stale_age, sweep
from pinrender_server.settings import Settings
from tests.conftest import decode
from tests.images import two_tone
from tests.server.conftest import auth, open_api
from tests.server.shared_backends import REGION, Cable, MotoS3, s3_environment

pytestmark = pytest.mark.anyio


def bucket_client() -> object:
    return boto3.client("s3", endpoint_url=MotoS3.start(), region_name=REGION,
                        aws_access_key_id="testing", aws_secret_access_key="testing")


def objects(bucket: str) -> list[str]:
    listing = bucket_client().list_objects_v2(Bucket=bucket).get("Contents", [])  # type: ignore[attr-defined]
    return sorted(item["Key"] for item in listing)


def local_files(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("*") if p.is_file() and not p.name.startswith("pinrender.db")]


async def test_upload_variant_delete_and_orphans_on_s3(make_settings: Callable[..., Settings],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = s3_environment(monkeypatch)
    settings = make_settings(storage=f"s3://{bucket}/media", sweep_interval=3600)
    async with open_api(settings) as api:
        assert isinstance(api.ctx.blobs, S3BlobStore)
        key = api.key("s3@example.com", plan="pro")
        r = await api.client.post("/v1/upload", headers=auth(key),
                                  files={"file": ("photo.jpg", two_tone(640, 480), "image/jpeg")})
        assert r.status_code == 201, r.text
        media = r.json()
        image = api.ctx.meta.images.get(media["id"])
        assert f"media/{image.blob_key}" in objects(bucket)

        src = media["src"].replace("http://testserver", "")
        variant = await api.client.get(src.rsplit(".", 1)[0] + ".png?size=s")
        assert variant.status_code == 200, variant.text
        picture = decode(variant.content).convert("RGB")
        assert picture.width < 640 and picture.width / picture.height == pytest.approx(4 / 3, rel=0.02)
        w, h = picture.size
        # The top-left quarter is blue, the rest orange: the pixels came through S3 intact.
        assert picture.getpixel((w // 4, h // 4)) == pytest.approx((20, 90, 200), abs=12)
        assert picture.getpixel((3 * w // 4, 3 * h // 4)) == pytest.approx((200, 80, 40), abs=12)
        assert any(k.startswith("media/renders/") for k in objects(bucket))  # the variant, stored
        original = await api.client.get(src)
        assert original.status_code == 200 and decode(original.content).size == (640, 480)

        # An orphan (a crash between the object and its row) and a second upload that stays.
        bucket_client().put_object(Bucket=bucket, Key="media/originals/t9/orphan.jpg", Body=b"x")  # type: ignore[attr-defined]
        kept = await api.client.post("/v1/upload", headers=auth(key),
                                     files={"file": ("kept.jpg", two_tone(64, 48), "image/jpeg")})
        assert kept.status_code == 201, kept.text
        kept_key = api.ctx.meta.images.get(kept.json()["id"]).blob_key

        deleted = await api.client.delete(f"/v1/media/{media['id']}", headers=auth(key))
        assert deleted.status_code == 200, deleted.text
        assert sweep(api.ctx, now=time.time() + 1) >= 1
        assert f"media/{image.blob_key}" not in objects(bucket)
        found = recover(api.ctx, now=time.time() + stale_age(settings) + 60)
        assert found["orphans"] >= 1 and found["temp"] == 0
        assert objects(bucket) == [f"media/{kept_key}"]  # the orphan and the variants of the deleted one went
        assert (await api.client.get(kept.json()["src"].replace("http://testserver", ""))).status_code == 200
    assert local_files(settings.data_dir) == []  # uploads staged locally, then moved to S3


async def test_503_while_the_object_store_is_unreachable(make_settings: Callable[..., Settings],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    bucket = s3_environment(monkeypatch)
    moto = urlsplit(MotoS3.endpoint)
    plug = Cable(moto.hostname or "127.0.0.1", moto.port or 80)
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"http://127.0.0.1:{plug.port}")
    settings = make_settings(storage=f"s3://{bucket}/media", sweep_interval=3600)
    try:
        async with open_api(settings) as api:
            key = api.key("down@example.com", plan="pro")
            r = await api.client.post("/v1/upload", headers=auth(key),
                                      files={"file": ("photo.jpg", two_tone(320, 240), "image/jpeg")})
            assert r.status_code == 201, r.text
            src = r.json()["src"].replace("http://testserver", "")
            variant = src.rsplit(".", 1)[0] + ".png?size=s"

            plug.cut()
            for answer in (await api.client.get(variant),
                           await api.client.post("/v1/upload", headers=auth(key),
                                                 files={"file": ("b.jpg", two_tone(64, 48), "image/jpeg")})):
                assert answer.status_code == 503, answer.text
                assert int(answer.headers["Retry-After"]) > 0
                assert "image store is unreachable" in answer.text

            plug.mend()
            again = await api.client.get(variant)
            assert again.status_code == 200 and decode(again.content).width <= 320
            listing = await api.client.get("/v1/media", headers=auth(key))
            assert [m["id"] for m in listing.json()["items"]] == [r.json()["id"]]  # the refused one left no row
            usage = (await api.client.get("/v1/usage", headers=auth(key))).json()
            assert usage["uploads_used"] == 1  # and spent nothing
    finally:
        plug.cut()
