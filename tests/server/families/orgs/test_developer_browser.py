"""The Developer Zone (`/developer`) in real headless Chromium: create (shown once, Copy, the
warning), toggle, delete with a confirmation, events listed; keyboard only where a user would type;
the owner key and tokens never in a URL.

Skips with a reason when Chromium or Playwright is missing; never downloads a browser.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pinrender_server.app import create_app
from pinrender_server.services.accounts import issue_key
from pinrender_server.settings import Settings
from tests.server.browser import chromium, require_chromium, served

require_chromium()


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("devzone"), load_examples=False,
                              render_workers=1))
    with served(app) as base:
        issued = issue_key(app.state.ctx.meta, "dev@example.com")
        key, org = issued.secret, issued.account.id
        r = httpx.post(f"{base}/api/v1/orgs/{org}/events", json={"name": "Summer <b>Gala</b>"},
                       headers={"X-API-Key": key})
        assert r.status_code == 201, r.text
        yield {"base": base, "key": key, "org": org, "event": r.json()["id"]}


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as context:
        yield context


def ping(site: dict[str, Any], token: str) -> httpx.Response:
    return httpx.get(f"{site['base']}/api/v1/ext/{site['org']}/event/{site['event']}/ping",
                     headers={"X-API-Key": token})


def test_create_copy_toggle_delete(site: dict[str, Any], browser: Any) -> None:
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=site["base"])
    page = browser.new_page()
    urls: list[str] = []
    page.on("request", lambda request: urls.append(request.url))
    answers = iter([True, False, True])  # create: yes; delete: first no, then yes
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept() if next(answers) else dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{site['base']}/developer")

    # Keyboard: the key goes in by typing, the form submits with Enter.
    page.locator("#key").focus()
    page.keyboard.type(site["key"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#signed-in:not([hidden])")
    assert page.locator("#events li").inner_text() == f"Summer <b>Gala</b> (event {site['event']})"
    assert page.evaluate("sessionStorage.length") == 1 and page.evaluate("localStorage.length") == 0
    assert page.locator("#key").input_value() == ""  # not left in the field either

    # Create: name typed, Enter, confirmed; the token is shown once with the warning and Copy.
    page.locator("#token-name").focus()
    page.keyboard.type("Production")
    page.keyboard.press("Enter")
    page.wait_for_selector("#created:not([hidden])")
    token = page.locator("#new-token").input_value()
    assert re.fullmatch(r"ot_[0-9a-f]{48}", token)
    assert "will not be shown again" in page.locator("#created").inner_text()
    assert "Create the API token Production?" in dialogs[0]
    page.wait_for_selector("#tokens tr")
    assert token not in page.locator("#tokens").inner_text()  # the list shows the prefix only
    assert token[:11] in page.locator("#tokens").inner_text()
    page.locator("#copy").click()
    page.wait_for_function("document.getElementById('status').textContent.includes('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == token
    assert ping(site, token).status_code == 200
    page.locator("#dismiss").click()
    assert page.locator("#created").is_hidden() and page.locator("#new-token").input_value() == ""

    # Toggle with the keyboard: Space on the focused switch deactivates it at once.
    toggle = page.locator("#tokens tr .toggle").first
    toggle.focus()
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Deactivated')")
    assert ping(site, token).json()["error"]["code"] == "token_inactive"
    page.locator("#tokens tr .toggle").first.focus()
    page.keyboard.press("Space")
    page.wait_for_function("document.getElementById('status').textContent.startsWith('Activated')")
    assert ping(site, token).status_code == 200

    # Delete asks first; dismissing keeps the token, accepting removes it.
    page.locator("#tokens tr .delete").first.click()
    page.wait_for_timeout(200)
    assert page.locator("#tokens tr").count() == 1 and ping(site, token).status_code == 200
    page.locator("#tokens tr .delete").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("document.querySelectorAll('#tokens tr').length === 0")
    assert "Delete the token Production?" in dialogs[2]
    assert ping(site, token).json()["error"]["code"] == "token_invalid"

    # No secret ever travelled in a URL.
    assert urls and not any(site["key"] in u or token in u for u in urls)
    assert site["key"] not in page.url
    page.close()


def test_a_bad_key_is_said_plainly(site: dict[str, Any], browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{site['base']}/developer")
    page.evaluate("sessionStorage.clear()")
    page.locator("#key").fill("pk_" + "0" * 48)
    page.locator("#key").press("Enter")
    page.wait_for_function("document.getElementById('status').textContent.length > 0")
    assert "Invalid API key" in page.locator("#status").inner_text()
    assert page.locator("#signed-in").is_hidden()
    page.close()
