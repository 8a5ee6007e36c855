"""The caseworker console in real Chromium against the real stack."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Dialog, Page, expect

from bot.auth import hash_password
from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "browser test password"
SCRIPT_PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _login(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/console")
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.get_by_test_id("login-username").fill("carla")
    page.get_by_test_id("login-password").fill("wrong password, surely")
    page.get_by_test_id("login-submit").click()
    expect(page.get_by_test_id("login-error")).not_to_be_empty()
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    expect(page).to_have_url(re.compile(r"/console$"))


def test_login_queue_claim_reply_release_and_inert_payload(
    browser: Browser, live_stack: RunningStack
) -> None:
    db = live_stack.database()
    try:
        if db.caseworkers.by_username("carla") is None:
            db.caseworkers.add("carla", "Carla", hash_password(PASSWORD))
    finally:
        db.dispose()

    http = live_stack.client()
    tenant = WebTenant(http)
    tenant.say(SCRIPT_PAYLOAD)
    assert tenant.say("ik wil met een mens praten")["mode"] == "waiting"

    dialogs: list[str] = []

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.type)
        dialog.accept()  # confirmations; an "alert" would mean injected script ran

    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.on("dialog", on_dialog)
    _login(page, live_stack.base_url)

    waiting = page.get_by_test_id("queue-waiting")
    row = waiting.locator("[data-testid=case-row][data-case-id]").filter(has_text="web").first
    expect(row).to_be_visible(timeout=15_000)

    # A new P1 case arrives while the queue is open: it is announced.
    urgent = WebTenant(http)
    assert urgent.say("ik heb een dagvaarding voor volgende week dinsdag")["mode"] == "waiting"
    expect(page.get_by_test_id("urgent-banner")).to_contain_text("P1", timeout=15_000)

    db = live_stack.database()
    try:
        case = db.cases.open_for_conversation(tenant.conversation_id)
    finally:
        db.dispose()
    assert case is not None
    mine = page.locator(f"[data-testid=case-row][data-case-id='{case.id}']")
    mine.get_by_test_id("claim-button").click()
    expect(page.get_by_test_id("queue-caseworker").locator(f"[data-case-id='{case.id}']")).to_be_visible(
        timeout=15_000
    )

    page.goto(f"{live_stack.base_url}/console/cases/{case.id}")
    transcript = page.get_by_test_id("transcript")
    expect(transcript).to_contain_text(SCRIPT_PAYLOAD, timeout=15_000)  # shown as text
    assert transcript.locator("img, script").count() == 0

    page.get_by_test_id("reply-text").fill("Dag, ik ben Carla. Ik help je verder.")
    page.get_by_test_id("reply-send").click()
    expect(transcript).to_contain_text("Ik help je verder", timeout=15_000)
    assert any(m["text"] == "Dag, ik ben Carla. Ik help je verder." for m in tenant.history())

    assert tenant.say("merci, ik heb een brief van de deurwaarder")["mode"] == "caseworker"
    expect(transcript).to_contain_text("brief van de deurwaarder", timeout=15_000)  # no reload needed

    page.get_by_test_id("release-button").click()
    expect(page.get_by_test_id("case-status")).to_contain_text(
        re.compile("afgesloten|gesloten|closed", re.I), timeout=15_000
    )
    assert "alert" not in dialogs and "confirm" in dialogs
    assert tenant.say("hallo")["mode"] == "bot"
    http.close()
    page.close()
