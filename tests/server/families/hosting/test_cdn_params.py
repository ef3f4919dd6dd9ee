"""imgix-style parameters on `/src/…`: each one's geometry decoded and checked against Pillow
doing the same, signatures accepted and refused, unsigned limits per plan, 400 naming the allowed
parameters, ETag/304 and Vary."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from pinrender.urls import transform_url
from pinrender_server.settings import Settings
from tests.server.conftest import Api, open_api

from .conftest import new_key, upload

pytestmark = pytest.mark.anyio
KEYS = ["new-key-0123456789", "old-key-9876543210"]


@pytest.fixture
async def cdn(make_settings: Callable[..., Settings]) -> AsyncIterator[Api]:
    async with open_api(make_settings(sweep_interval=3600, cdn_signing_keys=KEYS)) as a:
        yield a


def ramp(width: int = 600, height: int = 400) -> Image.Image:
    """Red rises left to right, green top to bottom: an offset or scale error shows in the mean."""
    red = Image.linear_gradient("L").rotate(90).transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    green = Image.linear_gradient("L")
    return Image.merge("RGB", (red.resize((width, height)), green.resize((width, height)),
                               Image.new("L", (width, height), 90)))


def png(image: Image.Image) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "PNG")
    return buf.getvalue()


async def stored(api: Api, image: Image.Image, *, plan: str = "free") -> tuple[str, str]:
    """(team hash, uid) of `image` uploaded as PNG by a new key on `plan`."""
    key = await new_key(api)
    media = (await upload(api, key, data=png(image), filename="ramp.png")).json()
    record = api.ctx.meta.images.get(media["id"])
    api.ctx.meta.accounts.set_plan(record.account_id, plan)
    team = media["src"].split("/src/", 1)[1].split("/")[0]
    return team, media["id"]


async def fetch(api: Api, team: str, uid: str, ext: str = "png", key: str | None = KEYS[0],
                headers: dict[str, str] | None = None, **params: Any) -> Any:
    url = transform_url("", team, uid, ext, key=key, **params)
    return await api.client.get(url, headers=headers or {})


def decoded(response: Any) -> Image.Image:
    assert response.status_code == 200, response.text
    return Image.open(io.BytesIO(response.content)).convert("RGB")


def difference(a: Image.Image, b: Image.Image) -> float:
    assert a.size == b.size, (a.size, b.size)
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


LANCZOS = Image.Resampling.LANCZOS


def thumbnail(image: Image.Image, box: tuple[int, int]) -> Image.Image:
    out = image.copy()
    out.thumbnail(box, LANCZOS)
    return out


@pytest.mark.parametrize("params, reference", [
    ({"w": 300}, lambda im: thumbnail(im, (300, 10_000))),
    ({"h": 100}, lambda im: thumbnail(im, (10_000, 100))),
    ({"w": 200, "h": 200}, lambda im: thumbnail(im, (200, 200))),
    ({"w": 200, "h": 200, "fit": "max"}, lambda im: thumbnail(im, (200, 200))),
    ({"w": 1000, "h": 1000, "fit": "clip"}, lambda im: im),  # never upscaled
    ({"w": 200, "h": 200, "fit": "crop"}, lambda im: ImageOps.fit(im, (200, 200), LANCZOS)),
    ({"w": 200, "h": 100, "fit": "crop", "crop": "left"},
     lambda im: ImageOps.fit(im, (200, 100), LANCZOS, centering=(0, 0.5))),
    ({"w": 150, "h": 200, "fit": "crop", "crop": "right"},
     lambda im: ImageOps.fit(im, (150, 200), LANCZOS, centering=(1, 0.5))),
    ({"w": 300, "h": 100, "fit": "crop", "crop": "bottom"},
     lambda im: ImageOps.fit(im, (300, 100), LANCZOS, centering=(0.5, 1))),
    ({"w": 300, "h": 100, "fit": "crop", "crop": "top,right"},
     lambda im: ImageOps.fit(im, (300, 100), LANCZOS, centering=(1, 0))),
    ({"w": 1200, "h": 600, "fit": "min"}, lambda im: ImageOps.fit(im, (600, 300), LANCZOS)),
    ({"w": 400, "h": 400, "fit": "fill", "bg": "00f"},
     lambda im: ImageOps.pad(im, (400, 400), LANCZOS, color=(0, 0, 255))),
    ({"w": 300, "h": 50, "fit": "scale"}, lambda im: im.resize((300, 50), LANCZOS)),
    ({"w": 150, "h": 100, "dpr": 2, "fit": "crop"}, lambda im: ImageOps.fit(im, (300, 200), LANCZOS)),
    ({"w": 100, "h": 100, "fit": "crop", "fp-x": 0.9, "fp-y": 0.5},
     # cover: 150x100, window centred at x = 135 -> left clamped to 50
     lambda im: im.resize((150, 100), LANCZOS).crop((50, 0, 150, 100))),
])
async def test_geometry_matches_pillow(cdn: Api, params: dict[str, Any],
                                       reference: Callable[[Image.Image], Image.Image]) -> None:
    source = ramp()
    team, uid = await stored(cdn, source)
    out = decoded(await fetch(cdn, team, uid, **params))
    assert difference(out, reference(source)) < 3


@pytest.mark.parametrize("crop", ["entropy", "edges", "attention"])
async def test_smart_crops_keep_the_busy_part(cdn: Api, crop: str) -> None:
    source = Image.new("RGB", (600, 300), (128, 128, 128))
    source.paste(Image.effect_noise((150, 150), 80).convert("RGB"), (420, 75))
    team, uid = await stored(cdn, source)
    out = decoded(await fetch(cdn, team, uid, w=200, h=300, fit="crop", crop=crop))
    assert out.size == (200, 300)
    assert ImageStat.Stat(out.convert("L").crop((0, 75, 150, 225))).stddev[0] > 20


async def test_quality_and_format(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    low = await fetch(cdn, team, uid, "jpg", w=300, q=20)
    high = await fetch(cdn, team, uid, "jpg", w=300, q=95)
    assert low.headers["content-type"] == "image/jpeg" and len(low.content) < len(high.content)
    r = await fetch(cdn, team, uid, "jpg", fm="webp")
    assert r.status_code == 200 and r.headers["content-type"] == "image/webp"


async def test_auto_format_negotiates_and_varies(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    avif = await fetch(cdn, team, uid, "jpg", auto="format", headers={"Accept": "image/avif,*/*"})
    webp = await fetch(cdn, team, uid, "jpg", auto="format", headers={"Accept": "image/webp,*/*"})
    plain = await fetch(cdn, team, uid, "jpg", auto="format", headers={"Accept": "*/*"})
    assert [r.headers["content-type"] for r in (avif, webp, plain)] == \
        ["image/avif", "image/webp", "image/jpeg"]
    assert all("Accept" in r.headers["vary"] for r in (avif, webp, plain))
    assert len({r.headers["etag"] for r in (avif, webp, plain)}) == 3


async def test_etag_304_and_stored_after_first(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    first = await fetch(cdn, team, uid, w=120, h=80, fit="crop")
    again = await fetch(cdn, team, uid, w=120, h=80, fit="crop",
                        headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    assert cdn.ctx.meta.results.get(first.headers["etag"].strip('"')) is not None
    # dpr is folded in: the same pixels are the same key
    same = await fetch(cdn, team, uid, w=60, h=40, dpr=2, fit="crop")
    assert same.headers["etag"] == first.headers["etag"]


async def test_presets_stay_unsigned_and_keep_their_meaning(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    r = await fetch(cdn, team, uid, "webp", key=None, size="s")
    assert r.status_code == 200 and Image.open(io.BytesIO(r.content)).size == (480, 320)


async def test_signatures_rotate_and_are_checked(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    for key in KEYS:  # signed with the new key or the old one
        assert (await fetch(cdn, team, uid, w=123, key=key)).status_code == 200
    unsigned = await fetch(cdn, team, uid, w=123, key=None)
    assert unsigned.status_code == 403 and unsigned.json()["error"] == "signature_required"
    assert "'s'" in unsigned.json()["message"]
    forged = await fetch(cdn, team, uid, w=123, key="someone-else")
    assert forged.status_code == 403 and forged.json()["error"] == "invalid_signature"
    url = transform_url("", team, uid, "png", key=KEYS[0], w=123)
    tampered = await cdn.client.get(url.replace("w=123", "w=124"))
    assert tampered.status_code == 403
    other_path = await cdn.client.get(url.replace(".png", ".webp"))
    assert other_path.status_code == 403
    # parameter order and spelling of the query do not matter, only its content
    reordered = transform_url("", team, uid, "png", key=KEYS[0], h=50, w=123)
    swapped = "&".join(reversed(reordered.split("?", 1)[1].split("&")))
    assert (await cdn.client.get(reordered.split("?")[0] + "?" + swapped)).status_code == 200


async def test_plans_may_allow_unsigned_within_limits(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp(), plan="pro")
    assert (await fetch(cdn, team, uid, key=None, w=320)).status_code == 200
    assert (await fetch(cdn, team, uid, key=None, w=160, dpr=2)).status_code == 200
    odd = await fetch(cdn, team, uid, key=None, w=321)
    assert odd.status_code == 403 and "320" in odd.json()["message"]
    big = await fetch(cdn, team, uid, key=None, w=2048, h=3000, fit="scale")
    assert big.status_code == 403 and "2048" in big.json()["message"]
    # signed, the same URL is fine
    assert (await fetch(cdn, team, uid, w=321)).status_code == 200


@pytest.mark.parametrize("params, named", [
    ({"width": "300"}, "'width'"), ({"w": "abc"}, "'w'"), ({"w": "0"}, "'w'"),
    ({"fit": "cover"}, "'fit'"), ({"crop": "faces"}, "'crop'"), ({"dpr": "4"}, "'dpr'"),
    ({"fp-x": "2"}, "'fp-x'"), ({"bg": "not-a-colour"}, "'bg'"), ({"auto": "compress"}, "'auto'"),
    ({"q": "101"}, "'q'"), ({"fm": "bmp"}, "'fm'"), ({"w": "5000"}, "'w'"),
    ({"crop": "top,entropy"}, "'crop'"),
])
async def test_bad_parameters_are_400_naming_allowed_ones(cdn: Api, params: dict[str, str],
                                                         named: str) -> None:
    team, uid = await stored(cdn, ramp(60, 40))
    r = await fetch(cdn, team, uid, **params)
    assert r.status_code == 400, r.text
    body = r.json()
    assert body["error"] == "invalid_parameter" and named in body["message"]
    if named == "'width'":
        assert "w, h, fit, crop, fp-x, fp-y, q, fm, auto, dpr, bg" in body["message"]


async def test_repeated_parameter_is_400(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp(60, 40))
    r = await cdn.client.get(f"/src/{team}/{uid}.png?w=10&w=20")
    assert r.status_code == 400 and "twice" in r.json()["message"]


async def test_dpr_is_clamped_to_the_largest_side(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp(600, 400))
    r = await fetch(cdn, team, uid, w=3000, h=2000, dpr=3, fit="scale")
    assert decoded(r).size == (4096, 2731)


async def test_a_focal_point_beside_another_crop_has_no_effect(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp())
    plain = await fetch(cdn, team, uid, w=100, h=100, fit="crop", crop="left")
    with_fp = await fetch(cdn, team, uid, w=100, h=100, fit="crop", crop="left", **{"fp-x": 0.9})
    assert decoded(plain).tobytes() == decoded(with_fp).tobytes()


async def test_a_preset_then_a_frame(cdn: Api) -> None:
    team, uid = await stored(cdn, ramp(1200, 800))
    r = await fetch(cdn, team, uid, size="s", w=200, h=200, fit="crop")
    assert decoded(r).size == (200, 200)
    unsigned = await fetch(cdn, team, uid, key=None, size="s", w=200)
    assert unsigned.status_code == 403


async def test_a_private_image_by_signed_link_with_a_signed_transform(cdn: Api) -> None:
    import time

    from pinrender.urls import sign_path

    key = await new_key(cdn)
    media = (await upload(cdn, key, data=png(ramp()), filename="ramp.png", public="false")).json()
    team = media["src"].split("/src/", 1)[1].split("/")[0]
    url = transform_url("", team, media["id"], "png", key=KEYS[0], w=90, h=60, fit="crop")
    assert (await cdn.client.get(url)).status_code == 404  # private: no link, no key
    linked = sign_path(url, cdn.ctx.secret, int(time.time()) + 600)
    r = await cdn.client.get(linked)
    assert decoded(r).size == (90, 60) and r.headers["cache-control"].startswith("private")
    tampered = linked.replace("w=90", "w=91")
    assert (await cdn.client.get(tampered)).status_code in (403, 404)
