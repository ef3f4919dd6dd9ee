"""Embeds: snippets, embed key (and rotation), embed-data with ETags, pages and the share card."""

from __future__ import annotations

import re

import pytest

from tests.conftest import decode
from tests.server.conftest import auth

from .conftest import Images

pytestmark = pytest.mark.anyio
SPOTS = [{"x": 25, "y": 40, "title": "<img src=x onerror=alert(1)>", "color": "#e63946",
          "link": "https://example.com", "link_label": "Learn"}]


async def test_embed_snippets_carry_the_embed_key(images: Images) -> None:
    rec = await images.create(hotspots=SPOTS, title='Say "hi" <b>')
    r = await images.client.get(f"/api/images/{rec['id']}/embed", headers=images.h)
    assert r.status_code == 200 and r.headers["X-RateLimit-Limit"]
    data = r.json()["data"]
    key = images.ctx.meta.accounts.by_email("owner@example.com").embed_key
    assert data["embed_key"] == key and data["unique_id"] == rec["unique_id"]
    assert data["share_url"] == rec["share_url"] and data["embed_url"] == rec["embed_url"]
    assert f'data-pinrender-user="{key}"' in data["js_snippet"]
    assert "/embed/widget.js" in data["js_snippet"] and f"user={key}" in data["iframe_snippet"]
    assert "<b>" not in data["iframe_snippet"] and "&lt;b&gt;" in data["iframe_snippet"]
    assert (await images.client.get("/api/images/zzzzzzzz/embed", headers=images.h)).status_code == 404


async def test_embed_data_gate_etag_and_update(images: Images) -> None:
    rec = await images.create(hotspots=SPOTS)
    uid = rec["unique_id"]
    key = images.ctx.meta.accounts.by_email("owner@example.com").embed_key
    url = f"/api/images/{uid}/embed-data"
    for params in ({}, {"user": "wrong"}):
        r = await images.client.get(url, params=params)
        assert r.status_code == 403 and "embed key" in r.json()["error"]
    assert (await images.client.get(f"/api/images/{rec['id']}/embed-data",
                                    params={"user": key})).status_code == 404
    r = await images.client.get(url, params={"user": key})
    assert r.status_code == 200
    etag = r.headers["etag"]
    assert etag.startswith('"') and "max-age" in r.headers["cache-control"]
    assert "must-revalidate" in r.headers["cache-control"]
    data = r.json()["data"]
    assert data["hotspots"][0]["title"] == SPOTS[0]["title"] and data["hotspots"][0]["index"] == 1
    for part in ("style", "attribution", "seo", "behavior"):
        assert data[part]
    assert "auto_open" in data["behavior"] and "tooltip" in data["style"]
    assert data["image"]["src"].endswith(f"{uid}_2000.webp")
    # 640 wide: variants above it collapse into one 640w entry.
    assert data["image"]["srcset"].endswith(f"{uid}_720.webp 640w")
    assert "256w" in data["image"]["srcset"] and "1024" not in data["image"]["srcset"]
    r304 = await images.client.get(url, params={"user": key}, headers={"If-None-Match": etag})
    assert r304.status_code == 304 and r304.headers["etag"] == etag and not r304.content
    small = await images.client.get(url, params={"user": key, "variant": "small"})
    assert small.json()["data"]["image"]["src"].endswith("_512.webp")
    assert small.headers["etag"] != etag
    r = await images.client.get(url, params={"user": key, "variant": "333"})
    assert r.status_code == 400 and "variant" in r.json()["error"]
    await images.client.put(f"/api/images/{uid}", headers=images.h, json={"title": "New"})
    r = await images.client.get(url, params={"user": key}, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r.headers["etag"] != etag


async def test_rotating_the_embed_key(images: Images) -> None:
    rec = await images.create()
    url = f"/api/images/{rec['unique_id']}/embed-data"
    old = images.ctx.meta.accounts.by_email("owner@example.com").embed_key
    contributor = images.api.key("owner@example.com", role="contributor")
    r = await images.client.post("/api/images/embed-key/rotate", headers=auth(contributor))
    assert r.status_code == 403
    r = await images.client.post("/api/images/embed-key/rotate", headers=images.h)
    new = r.json()["data"]["embed_key"]
    assert new != old
    assert (await images.client.get(url, params={"user": old})).status_code == 403
    assert (await images.client.get(url, params={"user": new})).status_code == 200


async def test_share_and_embed_pages_escape_and_carry_og_tags(images: Images) -> None:
    rec = await images.create(hotspots=SPOTS, title="</script><script>alert(1)</script>")
    uid = rec["unique_id"]
    for path in (f"/share/images/{uid}", f"/images/{uid}/embed"):
        r = await images.client.get(path)
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        html = r.text
        assert "<script>alert(1)" not in html and "<img src=x" not in html
        card = re.search(r'property="og:image" content="([^"]+)"', html)
        assert card and re.search(r'name="twitter:image" content="([^"]+)"', html)
        assert "/embed/widget.js" in html
        assert 'property="og:image:width" content="1200"' in html
        assert 'property="og:image:height" content="630"' in html
    card_url = card.group(1).replace("http://testserver", "").replace("&amp;", "&")
    r = await images.client.get(card_url)
    assert r.status_code == 200 and r.headers["content-type"] == "image/png"
    image = decode(r.content).convert("RGB")
    # The size social cards are shown at; the 640x320 photo is contained: 1200x600, 15 px bands.
    assert image.size == (1200, 630)
    scale = 1200 / 640
    px = image.getpixel((round((640 * 0.25 - 8) * scale), 15 + round(320 * 0.40 * scale)))
    assert abs(px[0] - 0xE6) < 20 and abs(px[1] - 0x39) < 20  # the marker, in its colour
    assert image.getpixel((600, 5)) == (0x11, 0x18, 0x27) and image.getpixel((600, 40)) == (200, 80, 40)
    r2 = await images.client.get(card_url, headers={"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 304
    await images.client.put(f"/api/images/{uid}", headers=images.h, json={"hotspots": []})
    html = (await images.client.get(f"/share/images/{uid}")).text
    assert re.search(r'property="og:image" content="([^"]+)"', html).group(1) != card.group(1)
    assert (await images.client.get("/share/images/zzzzzzzz")).status_code == 404


async def test_widget_script(images: Images) -> None:
    r = await images.client.get("/embed/widget.js")
    assert r.status_code == 200 and "javascript" in r.headers["content-type"]
    assert "innerHTML" not in r.text
    r2 = await images.client.get("/embed/widget.js", headers={"If-None-Match": r.headers["etag"]})
    assert r2.status_code == 304


async def test_embeds_carry_the_project_name(images: Images) -> None:
    rec = await images.create(hotspots=SPOTS)
    embed = (await images.client.get(f"/api/images/{rec['id']}/embed", headers=images.h)).json()
    shipped = [embed["data"]["js_snippet"], embed["data"]["iframe_snippet"],
               (await images.client.get("/embed/widget.js")).text,
               (await images.client.get(f"/share/images/{rec['unique_id']}")).text,
               (await images.client.get(f"/images/{rec['unique_id']}/embed")).text]
    assert 'class="pinrender-embed" data-pinrender-id=' in shipped[0]
    assert "data-pinrender-data data-pinrender-target=pinrender-root" in shipped[3]
    for text in shipped:
        assert "pinpic" not in text.lower() and "ppw" not in text
