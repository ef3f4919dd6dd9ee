"""Damaged images are refused at the door, by every entry point that takes one, and cost nothing.

A truncated JPEG or a PNG cut mid-IDAT has an intact header, so a header probe accepts it; only
decoding finds the damage. The oracle here is delivery itself: a file is accepted exactly when a
transform of it works, and then its variants are served; otherwise the family's 400 answers and
no upload, byte, row or blob is counted.
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from PIL import Image

import pinrender
import pinrender_server.families.hosting.upload as upload_module
from pinrender_server.services.ledger import FOREVER, STORAGE
from pinrender_server.settings import Settings
from tests.conftest import corpus_files
from tests.images import noisy

from .conftest import Api, auth, open_api

pytestmark = pytest.mark.anyio


def noisy_jpeg(width: int = 320, height: int = 240) -> bytes:
    return noisy(width, height, "JPEG", 80, quality=90)


def noisy_png(width: int = 200, height: int = 150) -> bytes:
    return noisy(width, height, "PNG", 80)


JPEG, PNG = noisy_jpeg(), noisy_png()
GENERATED = {
    "jpeg-cut-in-scan.jpg": JPEG[: len(JPEG) // 2],
    "jpeg-without-eoi.jpg": JPEG[:-2],
    "png-cut-mid-idat.png": PNG[: len(PNG) * 3 // 4],
    "png-bad-idat-crc.png": PNG[:-40] + bytes(b ^ 0xFF for b in PNG[-40:-30]) + PNG[-30:],
}


def delivery_check(settings: Settings) -> Callable[[bytes], bool]:
    """What every delivery does with the bytes: a short-edge WebP under the server's limits."""
    limits = pinrender.Limits(max_source_bytes=max(p.max_file_bytes for p in settings.plans.values()))
    services = pinrender.Services(loader=pinrender.SafeLoader(limits), fonts=None,  # type: ignore[arg-type]
                                  limits=limits)
    renderer = pinrender.Renderer(services, cache_bytes=0)

    def delivers(data: bytes) -> bool:
        try:
            renderer.transform(data, size="s", format="webp")
        except pinrender.PinrenderError:
            return False
        return True

    return delivers


def serve_urls(api: Api, monkeypatch: pytest.MonkeyPatch) -> dict[str, bytes]:
    """Both families' fetchers answer from the returned dict, keyed by URL path."""
    served: dict[str, bytes] = {}

    def fake_fetch(ctx: object, url: str, limit: int) -> bytes:
        return served[httpx.URL(url).path]

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=served[request.url.path])

    api.app.state.images_loader = pinrender.SafeLoader(
        pinrender.Limits(max_source_bytes=api.ctx.settings.max_source_bytes), allow_local=False,
        transport=httpx.MockTransport(handler), resolver=lambda host, port: ["93.184.216.34"])
    monkeypatch.setattr(upload_module, "fetch_url", fake_fetch)
    return served


async def _every_entry_point(api: Api, served: dict[str, bytes], key: str, name: str,
                             data: bytes) -> dict[str, httpx.Response]:
    path = f"/{len(served)}/{Path(name).name}"
    served[path] = data
    url = f"https://images.example.com{path}"
    client, h = api.client, auth(key)
    return {
        "upload": await client.post("/v1/upload", files={"file": (Path(name).name, data)}, headers=h),
        "import": await client.post("/v1/import", json={"url": url}, headers=h),
        "image_data": await client.post(
            "/api/images", json={"image_data": base64.b64encode(data).decode()}, headers=h),
        "image_url": await client.post("/api/images", json={"image_url": url}, headers=h),
    }


def _originals(api: Api) -> int:
    """Stored originals of both families (variants live under `renders/`), staging included."""
    root = api.ctx.blobs.root
    return sum(1 for p in root.rglob("*") if p.is_file() and p.relative_to(root).parts[0] != "renders")


async def _check(api: Api, monkeypatch: pytest.MonkeyPatch, files: dict[str, bytes]
                 ) -> dict[str, list[str]]:
    served = serve_urls(api, monkeypatch)
    key = api.key("owner@example.com", plan="pro")
    outcomes: dict[str, list[str]] = {"accepted": [], "damaged": [], "refused": []}
    delivers = delivery_check(api.ctx.settings)
    account = api.ctx.meta.keys.list()[0].account_id
    for name, data in files.items():
        ok = delivers(data)
        answers = await _every_entry_point(api, served, key, name, data)
        for entry, r in answers.items():
            assert r.status_code < 500, f"{name} via {entry}: {r.status_code} {r.text}"
            assert (r.status_code == 201) == ok, f"{name} via {entry}: {r.status_code} {r.text}"
        if ok:
            outcomes["accepted"].append(name)
            src = answers["upload"].json()["src"].replace("http://testserver", "")
            webp = src.rsplit(".", 1)[0] + ".webp"
            variant = await api.client.get(webp, params={"size": "s"})
            assert variant.status_code == 200, f"{name}: {variant.text}"
            Image.open(io.BytesIO(variant.content)).load()
            continue
        v1 = answers["upload"].json()
        damaged = v1["error"] == "unsupported_format" and "damaged" in v1["message"]
        outcomes["damaged" if damaged else "refused"].append(name)
        if damaged:  # every entry point names the damage, each in its family's shape
            assert answers["import"].json()["error"] == "unsupported_format"
            for entry in ("image_data", "image_url"):
                body = answers[entry].json()
                assert answers[entry].status_code == 400 and body["success"] is False
                assert body["code"] == 400 and "damaged" in body["error"], body
    # Nothing refused was charged or kept: the ledgers match the rows, the rows match the blobs.
    rows = api.ctx.meta.images.count(account, now=0)
    assert rows == 4 * len(outcomes["accepted"])
    assert api.ctx.counters.usage.get(account, STORAGE, FOREVER) == api.ctx.meta.images.total_bytes(
        account, now=0)
    usage = (await api.client.get("/v1/usage", headers=auth(key))).json()
    assert usage["uploads_used"] == 2 * len(outcomes["accepted"])  # the /v1 half of them
    assert _originals(api) == rows
    return outcomes


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings(sweep_interval=3600, plans={"pro": {"monthly_uploads": 10_000}})


async def test_generated_damage_is_refused_and_free(settings: Settings,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    async with open_api(settings) as api:
        outcomes = await _check(api, monkeypatch, {"intact.jpg": JPEG, "intact.png": PNG, **GENERATED})
    assert outcomes == {"accepted": ["intact.jpg", "intact.png"], "damaged": list(GENERATED),
                        "refused": []}


@pytest.mark.timeout(120)
async def test_corpus_every_entry_point(settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                        corpus_dir: Path) -> None:
    files, root = corpus_files(), corpus_dir
    async with open_api(settings) as api:
        outcomes = await _check(api, monkeypatch, {str(p.relative_to(root)): p.read_bytes() for p in files})
    # The corpus holds truncated and corrupt streams whose headers are intact: they must be here.
    assert {"sharp/truncated.jpg", "sharp/truncated.png", "thumbor/BlueSquare_truncated.jpg",
            "pillow/broken_data_stream.png"} <= set(outcomes["damaged"])
    assert outcomes["accepted"], "the corpus also holds intact images"
