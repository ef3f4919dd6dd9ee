"""The template playground (/playground) in real headless Chromium, driven by Playwright: editing
changes the preview's pixels, broken JSON shows line and column, an API error shows by the field
it names, saving bumps the version and survives a reload, the key never reaches a URL, and the
page works from the keyboard. Skips like every browser test
when Chromium is missing (tests/server/browser.py)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from pinrender_server.app import create_app
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.server.browser import chromium, require_chromium, served

require_chromium()
pytestmark = pytest.mark.timeout(120)

CARD: dict[str, Any] = {
    "canvas": {"width": 480, "height": 240, "background": "#1d3557"},
    "layers": [
        {"name": "title", "type": "text", "x": 20, "y": 20, "width": 440, "height": 120,
         "text": "Hello", "fontSize": 48, "fontWeight": 700, "color": "#ffffff"},
        {"name": "byline", "type": "text", "x": 20, "y": 170, "width": 440, "height": 40,
         "text": "by {{author}}", "fontSize": 24, "color": "#a8dadc"},
    ],
    "variables": [{"name": "author", "default": "Ada"}],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("playground"), load_examples=False,
                              render_workers=2))
    with served(app) as base:
        key = issue_key(app.state.ctx.meta, "play@example.com").secret
        r = httpx.post(f"{base}/api/templates", headers={"Authorization": f"Bearer {key}"},
                       json={"name": "Playground card", "jsonData": CARD, "public": True})
        assert r.status_code == 201, r.text
        yield {"base": base, "key": key, "template": r.json()["data"]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


def open_playground(browser: Any, site: dict[str, Any]) -> Any:  # noqa: F811
    page = browser.new_page()
    page.goto(f"{site['base']}/playground?template={site['template']['id']}")
    wait_for_preview(page, after=0)
    return page


def ready(page: Any) -> int:
    return int(page.locator("#preview-box").get_attribute("data-ready") or 0)


def wait_for_preview(page: Any, after: int) -> int:
    page.wait_for_function(f"Number(document.querySelector('#preview-box').dataset.ready || 0) > {after}"
                           " && document.querySelector('#preview-box').getAttribute('aria-busy') === 'false'")
    return ready(page)


def preview_image(page: Any) -> Image.Image:
    data = page.evaluate("""async () => {
        const r = await fetch(document.querySelector('#preview').src);
        return Array.from(new Uint8Array(await r.arrayBuffer()));
    }""")
    image = Image.open(io.BytesIO(bytes(data)))
    image.load()
    return image.convert("RGB")


def difference(a: Image.Image, b: Image.Image, box: tuple[int, int, int, int]) -> float:
    """Mean absolute difference of two images' pixels in `box`, 0-255."""
    pa, pb = a.convert("RGB").crop(box).tobytes(), b.convert("RGB").crop(box).tobytes()
    return sum(abs(x - y) for x, y in zip(pa, pb, strict=True)) / len(pa)


def set_field(page: Any, field: str, text: str) -> None:
    page.fill(f"#{field}", text)  # fires `input`, as typing does


def test_editing_the_title_changes_the_preview(site: dict[str, Any], browser: Any) -> None:  # noqa: F811
    page = open_playground(browser, site)
    before = preview_image(page)
    assert before.size == (480, 240)
    seen = ready(page)

    edited = page.input_value("#jsonData").replace('"Hello"', '"A much longer new title"')
    set_field(page, "jsonData", edited)
    seen = wait_for_preview(page, seen)
    after = preview_image(page)
    assert after.size == (480, 240)
    title_box = (20, 20, 460, 140)
    assert difference(before, after, title_box) > 10
    # Only the title changed: the byline's pixels are the same (up to the light format's loss:
    # the preview is the og:image as served, palette PNG or JPEG by content).
    assert difference(before, after, (20, 170, 460, 210)) < 2
    assert "layers=" in (page.locator("#preview").get_attribute("data-render-url") or "")
    assert "A%20much%20longer" in page.input_value("#og-url")
    assert 'property="og:image"' in page.input_value("#og-tags")
    assert 'content="480"' in page.input_value("#og-tags")

    set_field(page, "variables", '{"author": "Grace Hopper"}')
    wait_for_preview(page, seen)
    byline = preview_image(page).crop((20, 170, 460, 210)).tobytes()
    assert byline != after.crop((20, 170, 460, 210)).tobytes()
    page.close()


def test_broken_json_and_api_errors_show_by_their_field(site: dict[str, Any],
                                                        browser: Any) -> None:  # noqa: F811
    page = open_playground(browser, site)
    seen = ready(page)
    text = page.input_value("#jsonData")
    broken = text.replace('"fontSize": 48,', '"fontSize": 48', 1)
    set_field(page, "jsonData", broken)
    error = page.locator("#jsonData-error")
    error.wait_for(state="visible")
    line = broken[:broken.index('"fontSize": 48') + len('"fontSize": 48')].count("\n") + 2
    assert f"Line {line}, column" in error.inner_text()
    assert page.get_attribute("#jsonData", "aria-invalid") == "true"
    assert "Fix the JSON" in page.inner_text("#status")
    assert ready(page) == seen  # no render of broken input

    set_field(page, "jsonData", text)
    page.wait_for_function("document.querySelector('#jsonData-error').hidden")
    seen = wait_for_preview(page, seen)

    set_field(page, "layers", '{"title": {"fontSize": "huge"}}')
    layer_error = page.locator("#layers-error")
    layer_error.wait_for(state="visible")
    assert "layers.title.fontSize" in layer_error.inner_text()
    assert page.locator("#jsonData-error").is_hidden()
    page.close()


def test_save_bumps_the_version_and_a_reload_shows_it(site: dict[str, Any],
                                                      browser: Any) -> None:  # noqa: F811
    page = open_playground(browser, site)
    assert page.is_disabled("#save")  # no key: the template is shown as a public one
    page.fill("#key", site["key"])
    page.dispatch_event("#key", "change")
    page.wait_for_function("!document.querySelector('#save').disabled")
    seen = ready(page)

    edited = page.input_value("#jsonData").replace("#1d3557", "#e63946")
    set_field(page, "jsonData", edited)
    page.click("#save")
    page.wait_for_function("document.querySelector('#saved').textContent.includes('version 2')")
    wait_for_preview(page, seen)
    assert site["key"] not in page.url

    stored = httpx.get(f"{site['base']}/api/templates/{site['template']['id']}",
                       headers={"Authorization": f"Bearer {site['key']}"}).json()["data"]
    assert stored["version"] == 2 and stored["jsonData"]["canvas"]["background"] == "#e63946"

    page.reload()
    page.wait_for_function("document.querySelector('#version').textContent === 'version 2'")
    assert page.input_value("#key") == site["key"]  # kept in this tab's sessionStorage
    assert "#e63946" in page.input_value("#jsonData")
    wait_for_preview(page, 0)
    assert preview_image(page).getpixel((470, 5)) == (230, 57, 70)  # the saved background
    assert site["key"] not in page.url
    page.close()


def test_the_page_is_usable_from_the_keyboard(site: dict[str, Any], browser: Any) -> None:  # noqa: F811
    page = open_playground(browser, site)
    page.focus("#key")
    order = []
    for _ in range(10):
        page.keyboard.press("Tab")
        order.append(page.evaluate("document.activeElement.id"))
    assert order[:5] == ["forget", "template", "jsonData", "layers", "variables"]
    assert "copy-url" in order and "og-tags" in order

    # Ctrl+S saves from anywhere once a key is given.
    page.fill("#key", site["key"])
    page.dispatch_event("#key", "change")
    page.wait_for_function("!document.querySelector('#save').disabled")
    page.focus("#jsonData")
    version = int(page.inner_text("#version").split()[-1])
    page.keyboard.press("Control+s")
    page.wait_for_function(
        f"document.querySelector('#version').textContent === 'version {version + 1}'")
    page.close()


def test_home_page_links_to_the_playground(site: dict[str, Any]) -> None:
    home = httpx.get(site["base"] + "/").text
    assert "href='/playground'" in home
