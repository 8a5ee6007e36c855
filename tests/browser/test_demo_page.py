"""The demo page chats with the real stack in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.browser, pytest.mark.integration]


def test_demo_page_converses_keeps_history_and_renders_text_inert(
    browser: Browser, live_stack: RunningStack
) -> None:
    page = browser.new_page(viewport={"width": 360, "height": 740})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{live_stack.base_url}/")

    page.get_by_label("Je bericht").fill("hallo")
    page.get_by_role("button", name="Verstuur").click()
    log = page.get_by_role("log")
    expect(log).to_contain_text("ik ben Huurhulp", timeout=30_000)

    page.get_by_role("button", name="Wat kan je doen?").first.click()
    expect(log).to_contain_text("Ik kan", timeout=30_000)

    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    page.get_by_label("Je bericht").fill(payload)
    page.get_by_role("button", name="Verstuur").click()
    expect(log).to_contain_text(payload, timeout=30_000)  # shown as text, not as markup
    assert page.locator("#log img, #log script").count() == 0

    page.reload()
    expect(page.get_by_role("log")).to_contain_text("Ik kan", timeout=30_000)  # history survives a reload
    assert dialogs == []
    page.close()
