"""One data model under every family: an image stored through `/api/images` is the same row that
`/v1` counts, lists and serves, and one key works in both."""

from __future__ import annotations

import pytest

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
