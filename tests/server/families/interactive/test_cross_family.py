"""One data model under every family: an image stored through `/api/images` is the same row that
`/v1` counts, lists and serves, and one key works in both."""

from __future__ import annotations

import pytest

from pinrender_server.services import media
from tests.images import solid
from tests.server.conftest import auth

from .conftest import Images, b64, png_bytes

pytestmark = pytest.mark.anyio


async def test_storage_counts_images_of_every_family(images: Images) -> None:
    client, h = images.client, images.h
    data = png_bytes()
    created = await images.create(image_data=b64(data))
    usage = (await client.get("/v1/usage", headers=h)).json()
    assert usage["storage_used_bytes"] == len(data)
    r = await client.delete(f"/api/images/{created['id']}", headers=h)
    assert r.status_code == 200
    usage = (await client.get("/v1/usage", headers=h)).json()
    assert usage["storage_used_bytes"] == 0


async def test_an_image_from_one_family_is_served_by_the_other(images: Images) -> None:
    client, h = images.client, images.h
    created = await images.create()
    media = await client.get(f"/v1/media/{created['unique_id']}", headers=h)
    assert media.status_code == 200, media.text
    src = media.json()["src"]
    variant = await client.get(src.replace("http://testserver", "").rsplit(".", 1)[0]
                               + ".webp?size=s")
    assert variant.status_code == 200 and variant.headers["content-type"] == "image/webp"
    assert (await client.get("/api/images", headers=auth(images.owner))).json()["data"]


async def test_both_families_store_new_originals_through_one_ingest(images: Images) -> None:
    """One blob-key scheme and one staging area: the stored bytes are the sent bytes, under
    `originals/{team}/{unique_id}.{ext}` whichever family took them, and nothing stays staged."""
    client, h = images.client, images.h
    sent = {"interactive": png_bytes(40, 30), "hosting": solid(50, 20, fmt="JPEG")}
    via_api = await images.create(image_data=b64(sent["interactive"]))
    r = await client.post("/v1/upload", headers=h,
                          files={"file": ("a.jpg", sent["hosting"], "image/jpeg")})
    assert r.status_code == 201, r.text
    team = images.ctx.meta.accounts.get(images.ctx.meta.images.get(via_api["unique_id"]).account_id
                                        ).team_hash
    for family, uid, ext in (("interactive", via_api["unique_id"], "png"),
                             ("hosting", r.json()["id"], "jpg")):
        row = images.ctx.meta.images.get(uid)
        assert row is not None and row.blob_key == f"originals/{team}/{uid}.{ext}", family
        assert images.ctx.blobs.get(row.blob_key) == sent[family], family
    staging = media.staging_dir(images.ctx.blobs, images.ctx.settings.data_dir)
    assert not staging.exists() or list(staging.iterdir()) == []
