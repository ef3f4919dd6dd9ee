"""The widget in real headless Chromium (Debian `chromium`, driven by Playwright for Python).

Skips with a reason when Chromium or Playwright is missing; never downloads a browser.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pinrender_server.app import create_app
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.images import solid
from tests.server.browser import chromium, require_chromium, served

require_chromium()

XSS = "<img src=x onerror=alert(1)>"
SPOTS = [
    {"x": 25, "y": 40, "title": "First spot", "description": "Look here", "color": "#e63946",
     "link": "https://example.com/a", "link_label": "Read more"},
    {"x": 70, "y": 75, "title": XSS, "description": "<b>bold?</b>", "color": "#1d3557"},
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    data_dir = tmp_path_factory.mktemp("widget")
    app = create_app(Settings(data_dir=data_dir, load_examples=False, render_workers=2))
    with served(app) as base:
        key = issue_key(app.state.ctx.meta, "w@example.com", plan="pro").secret
        png = solid(1200, 600, (90, 120, 150))
        r = httpx.post(f"{base}/api/images", headers={"Authorization": f"Bearer {key}"}, json={
            "image_data": base64.b64encode(png).decode(), "hotspots": SPOTS,
            "title": "Widget test"}, timeout=30)
        assert r.status_code == 201, r.text
        embed = httpx.get(f"{base}/api/images/{r.json()['data']['id']}/embed",
                          headers={"Authorization": f"Bearer {key}"}).json()["data"]
        yield {"base": base, "record": r.json()["data"], "embed": embed}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


def open_page(browser: Any, url: str, width: int) -> tuple[Any, list[str]]:
    page = browser.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    page.wait_for_selector(".pinrender-marker")
    page.wait_for_function("document.querySelector('.pinrender-widget img').complete")
    return page, dialogs


@pytest.mark.parametrize("width", [420, 1100])
def test_markers_sit_at_their_percentages(site: dict[str, Any], browser: Any, width: int) -> None:
    page, _ = open_page(browser, f"{site['base']}/images/{site['record']['unique_id']}/embed", width)
    img = page.locator(".pinrender-widget img").bounding_box()
    assert img and abs(img["width"] - width) < 40  # responsive: fills the frame
    assert abs(img["height"] - img["width"] / 2) < 2
    markers = page.locator(".pinrender-marker")
    assert markers.count() == 2
    for i, spot in enumerate(SPOTS):
        box = markers.nth(i).bounding_box()
        assert box
        cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        assert abs(cx - (img["x"] + img["width"] * spot["x"] / 100)) < 1.5
        assert abs(cy - (img["y"] + img["height"] * spot["y"] / 100)) < 1.5
    page.close()


def test_click_focus_and_escaping(site: dict[str, Any], browser: Any) -> None:
    page, dialogs = open_page(browser, f"{site['base']}/share/images/{site['record']['unique_id']}",
                              1000)
    tips = page.locator(".pinrender-tip")
    assert not tips.nth(0).is_visible()
    page.locator(".pinrender-marker").nth(0).click()
    assert tips.nth(0).is_visible()
    assert tips.nth(0).locator("h3").inner_text() == "First spot"
    assert "Look here" in tips.nth(0).inner_text()
    link = tips.nth(0).locator("a")
    assert link.get_attribute("href") == "https://example.com/a" and link.inner_text() == "Read more"
    # Keyboard: Tab goes through the open tooltip's link to the second marker; focus opens its
    # tooltip, Escape closes it.
    page.locator(".pinrender-marker").nth(0).focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "pinrender-tip-link"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.index") == "1"
    assert tips.nth(1).is_visible() and not tips.nth(0).is_visible()
    assert tips.nth(1).locator("h3").inner_text() == XSS  # shown as text
    assert tips.nth(1).locator("p").inner_text() == "<b>bold?</b>"
    assert page.locator(".pinrender-tip img, .pinrender-tip b").count() == 0  # nothing became markup
    page.keyboard.press("Escape")
    assert not tips.nth(1).is_visible()
    page.wait_for_timeout(200)
    assert dialogs == []
    assert page.locator("meta[property='og:image']").get_attribute("content").startswith(
        site["base"] + "/share/images/")
    page.close()


def test_js_snippet_fetches_embed_data(site: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    # A blank page on the server's origin (so no network beyond 127.0.0.1), then the snippet.
    page.goto(f"{site['base']}/embed/widget.js")
    page.set_content(f"<!doctype html><html><head></head><body>{site['embed']['js_snippet']}"
                     f"</body></html>")
    page.wait_for_selector("[data-pinrender-ready] .pinrender-marker", timeout=10_000)
    page.locator(".pinrender-marker").nth(1).hover()
    assert page.locator(".pinrender-tip").nth(1).locator("h3").inner_text() == XSS
    assert dialogs == []
    page.close()
