"""pinrender.Client and AsyncClient against the real app: the async one through httpx's ASGI
transport, the sync one against a real `pinrender serve` on a free port (a sync client needs a
sync transport; a real socket exercises all of it). Images decoded, errors checked by class,
status, code and message."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image

import pinrender
from pinrender_server.settings import Settings
from tests.images import jpeg, png
from tests.server.conftest import open_api
from tests.server.process import cli, serving

pytestmark = [pytest.mark.anyio, pytest.mark.timeout(120)]

CARD: dict[str, Any] = {
    "canvas": {"width": 400, "height": 200, "background": "#203040"},
    "layers": [
        {"name": "title", "type": "text", "x": 20, "y": 20, "width": 360, "height": 80,
         "text": "{{title}}", "fontSize": 32, "color": "#ffffff"},
        {"name": "badge", "type": "rect", "x": 350, "y": 150, "width": 40, "height": 40,
         "fill": "#00ff00"},
    ],
    "variables": [{"name": "title", "default": "Hello"}],
}


def decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image.convert("RGB")


async def test_async_client_covers_templates_render_generate_and_images(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        key = api.key(plan="pro")  # the images API is for premium plans
        transport = httpx.ASGITransport(app=api.app)
        async with pinrender.AsyncClient("http://testserver", key, transport=transport) as client:
            created = await client.create_template("Card", CARD, public=True)
            assert created.version == 1 and created.public and created.json_data == CARD

            page = await client.list_templates()
            assert [t.id for t in page.items] == [created.id] and page.total == 1

            data = await client.render(created.id, {"badge": {"fill": "#ff0000"}}, format="png")
            image = decoded(data)
            assert image.size == (400, 200)
            assert image.getpixel((370, 170)) == (255, 0, 0)

            generated = await client.generate(created.id, variables={"title": "Hi"},
                                              format="webp")
            assert not generated.cached and generated.format == "webp"
            stored = await api.client.get(generated.image_url)
            assert decoded(stored.content).size == (400, 200)
            assert (await client.generate(created.id, variables={"title": "Hi"},
                                          format="webp")).cached

            updated = await client.update_template(created.id, name="Renamed")
            assert updated.version == 2 and updated.name == "Renamed"
            assert (await client.get_template(created.id)).name == "Renamed"

            with pytest.raises(pinrender.ApiError) as bad:
                await client.render(created.id, {"title": {"fontSize": "huge"}})
            assert bad.value.status == 422 and isinstance(bad.value, pinrender._client.BadRequest)
            assert "fontSize" in bad.value.message

            image_made = await client.create_image(image_data=jpeg(320, 200), title="Photo",
                                                   hotspots=[{"x": 10, "y": 20}])
            assert image_made.title == "Photo" and len(image_made.hotspots) == 1
            listed = await client.list_images()
            assert [i.unique_id for i in listed.images] == [image_made.unique_id]
            changed = await client.update_image(image_made.id, title="Renamed photo")
            assert changed.title == "Renamed photo"
            assert (await client.get_image(image_made.id)).title == "Renamed photo"
            assert (await client.delete_image(image_made.id)).deleted
            with pytest.raises(pinrender._client.NotFound) as gone:
                await client.get_image(image_made.id)
            assert gone.value.status == 404 and gone.value.code == "not_found"

            assert (await client.delete_template(created.id)).deleted
            with pytest.raises(pinrender._client.NotFound):
                await client.get_template(created.id)

        async with pinrender.AsyncClient("http://testserver", "pk_wrong",
                                         transport=transport) as stranger:
            with pytest.raises(pinrender._client.Unauthorized) as refused:
                await stranger.list_templates()
            assert refused.value.status == 401 and "Invalid API key" in refused.value.message


async def test_async_client_uploads_to_hosting_and_reads_its_errors(
        make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        transport = httpx.ASGITransport(app=api.app)
        async with pinrender.AsyncClient("http://testserver", api.key(),
                                         transport=transport) as client:
            media = await client.upload(png(300, 200), filename="red.png", name="Red",
                                        tags=["a", "b"])
            assert (media.width, media.height) == (300, 200) and media.name == "Red"
            served = await api.client.get(media.src)
            assert served.status_code == 200 and decoded(served.content).size == (300, 200)

            with pytest.raises(pinrender.ApiError) as bad:
                await client.upload(b"not an image at all", filename="x.png")
            # Seed 001's envelope: a string code and a message.
            assert bad.value.status in (400, 415, 422)
            assert bad.value.code not in ("", "error") and bad.value.message


def test_render_url_and_og_tags_are_signed_with_the_secret() -> None:
    client = pinrender.Client("https://img.example.com/", secret="s3cret")
    url = client.render_url("abc", {"title": {"text": "Hi"}})
    assert url.startswith("https://img.example.com/api/render?templateId=abc&layers=")
    assert "&signature=" in url
    assert pinrender.urls.render_url("https://img.example.com", "abc", {"title": {"text": "Hi"}},
                                     secret="s3cret") == url
    assert f'content="{url.replace("&", "&amp;")}"' in client.og_tags(
        "abc", {"title": {"text": "Hi"}})
    client.close()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("client-serve")
    out = cli(data, "keys", "create", "--email", "sync@example.com", "--plan", "pro")
    key = out.strip().splitlines()[-1]
    with serving(data) as server:
        yield server.base, key


def test_sync_client_against_a_real_server(served: tuple[str, str], tmp_path: Path) -> None:
    base, key = served
    with pinrender.Client(base, key) as client:
        created = client.create_template("Card", CARD, public=True)
        image = decoded(client.render(created.id, variables={"title": "Sync"}))
        assert image.size == (400, 200) and image.getpixel((370, 170)) == (0, 255, 0)
        generated = client.generate(created.id, variables={"title": "Sync"}, format="jpeg")
        assert decoded(httpx.get(generated.image_url if generated.image_url.startswith("http")
                                 else base + generated.image_url).content).size == (400, 200)
        assert client.update_template(created.id, json_data={**CARD, "canvas": {
            **CARD["canvas"], "width": 300}}).version == 2
        assert decoded(client.render(created.id)).size == (300, 200)

        photo = tmp_path / "photo.png"
        photo.write_bytes(png(120, 80))
        media = client.upload(photo)
        assert (media.width, media.height, media.name) == (120, 80, "photo.png")

        made = client.create_image(image_data=jpeg(200, 100))
        assert client.get_image(made.id).unique_id == made.unique_id

        with pytest.raises(pinrender._client.BadRequest) as bad:
            client.generate(created.id, {"nope": {"text": "x"}})
        assert bad.value.status == 422 and "layers.nope" in bad.value.message
        with pytest.raises(pinrender._client.NotFound):
            client.get_template("00000000-0000-4000-8000-000000000000")



def test_sync_client_batch_with_progress(served: tuple[str, str]) -> None:
    base, key = served
    seen: list[tuple[str, int]] = []
    with pinrender.Client(base, key) as client:
        created = client.create_template("Batch card", CARD, public=True)
        rows = [{"title": f"Row {i}"} for i in range(5)]
        job = client.batch(created.id, rows, format="png", poll=0.1,
                           on_progress=lambda j: seen.append((j.status, j.done)))
        assert job.status == "completed" and job.done == job.total == 5
        assert [r["row"] for r in job.results] == list(range(5))
        assert all(r.get("imageUrl") for r in job.results)
        assert seen[-1] == ("completed", 5) and [d for _, d in seen] == sorted(d for _, d in seen)
        archive = zipfile.ZipFile(io.BytesIO(client.batch_zip(job.job_id)))
        assert len(archive.namelist()) == 5
        assert decoded(archive.read("000003.png")).size == (400, 200)
        with pytest.raises(pinrender._client.NotFound):
            client.batch_status(999_999)


async def test_async_client_batch(make_settings: Callable[..., Settings]) -> None:
    async with open_api(make_settings()) as api:
        transport = httpx.ASGITransport(app=api.app)
        async with pinrender.AsyncClient("http://testserver", api.key(), transport=transport) as client:
            created = await client.create_template("Card", CARD, public=True)
            job = await client.batch(created.id, [{"title": "A"}, {"title": "B"}], poll=0.05)
            assert job.status == "completed" and len(job.results) == 2
            assert zipfile.ZipFile(io.BytesIO(await client.batch_zip(job.job_id))).namelist() == [
                "000001.png", "000002.png"]
