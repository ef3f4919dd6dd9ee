"""Hotspot validation: ranges, colours, schemes; errors name `hotspots[i].field`."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pinrender_server.families.interactive.schemas import ImageUpdate
from pinrender_server.families.interactive.validation import validate
from pinrender_server.http.errors import ApiError

from .conftest import Images

pytestmark = pytest.mark.anyio
OK = {"x": 10, "y": 20}


def error_of(spots: list[dict[str, Any]]) -> ApiError:
    with pytest.raises(ApiError) as info:
        validate(ImageUpdate, {"hotspots": spots})
    return info.value


@pytest.mark.parametrize("spot, field", [
    ({"x": -1, "y": 5}, "x"), ({"x": 5, "y": 100.5}, "y"), ({"y": 5}, "x"),
    ({"x": "a", "y": 5}, "x"), ({**OK, "color": "red"}, "color"),
    ({**OK, "color": "#12345"}, "color"),
    ({**OK, "link": "javascript:alert(1)"}, "link"),
    ({**OK, "link": " JavaScript:alert(1)"}, "link"),
    ({**OK, "link": "java\tscript:alert(1)"}, "link"),
    ({**OK, "link": "data:text/html,<script>"}, "link"),
    ({**OK, "link": "//evil.example"}, "link"),
    ({**OK, "link_label": "javascript:alert(1)"}, "link_label"),
    ({**OK, "video_url": "mailto:a@b.c"}, "video_url"),
    ({**OK, "video_url": "javascript:alert(1)"}, "video_url"),
    ({**OK, "onclick": "x"}, "onclick"),
])
def test_bad_field_named_with_index(spot: dict[str, Any], field: str) -> None:
    err = error_of([OK, OK, spot])
    assert err.status == 400 and err.field == f"hotspots[2].{field}"
    assert err.message.startswith(f"hotspots[2].{field}: ")


def test_good_hotspot_keeps_its_fields() -> None:
    spot = {"x": 0, "y": 100, "title": "T", "description": "D", "color": "#ABC",
            "link": "mailto:a@example.com", "link_label": "Mail us",
            "video_url": "https://v.example/a.mp4"}
    model = validate(ImageUpdate, {"hotspots": [spot]})
    assert model.hotspots is not None
    assert model.hotspots[0].stored() == {**spot, "color": "#abc"}


async def test_javascript_link_is_400_through_the_api(images: Images) -> None:
    rec = await images.create()
    r = await images.client.put(f"/api/images/{rec['id']}", headers=images.h, json={
        "hotspots": [OK, {**OK, "link": "javascript:alert(document.cookie)"}]})
    assert r.status_code == 400
    assert r.json()["field"] == "hotspots[1].link" and "hotspots[1].link" in r.json()["error"]
    r = await images.client.post("/api/images", headers=images.h, json={
        "image_data": "AAAA", "hotspots": [{**OK, "x": 101}]})
    assert r.status_code == 400 and r.json()["field"] == "hotspots[0].x"


@settings(max_examples=150, deadline=None)
@given(x=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1000, 1000)),
       y=st.floats(-10, 110), link=st.one_of(st.none(), st.text(max_size=30),
                                           st.sampled_from(["https://a.b/c", "http://x.y",
                                                            "mailto:q@r.s", "javascript:1",
                                                            "vbscript:x", "file:///etc"])),
       color=st.one_of(st.text(max_size=9), st.sampled_from(["#fff", "#00ff00", "#11223344"])))
def test_validation_accepts_exactly_the_rules(x: float, y: float, link: str | None,
                                              color: str) -> None:
    import math
    import re
    from urllib.parse import urlsplit

    spot: dict[str, Any] = {"x": x, "y": y, "color": color}
    if link is not None:
        spot["link"] = link
    in_range = all(isinstance(v, (int, float)) and math.isfinite(v) and 0 <= v <= 100
                   for v in (x, y))
    colour_ok = re.fullmatch(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})", color)
    link_ok = link is None or link == "" or (
        not any(ord(c) < 0x21 for c in link.strip())
        and urlsplit(link.strip()).scheme.lower() in ("http", "https", "mailto")
        and (urlsplit(link.strip()).scheme.lower() == "mailto" or bool(urlsplit(link.strip()).netloc)))
    try:
        model = validate(ImageUpdate, {"hotspots": [spot]})
    except ApiError as err:
        assert not (in_range and colour_ok and link_ok)
        assert err.field is not None and err.field.startswith("hotspots[0].")
        return
    assert in_range and colour_ok and link_ok
    stored = model.hotspots[0].stored() if model.hotspots else {}
    assert not str(stored.get("link", "")).lower().lstrip().startswith(("javascript", "vbscript"))
