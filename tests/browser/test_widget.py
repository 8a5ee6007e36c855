"""The embeddable widget in real Chromium, on a host page from another origin, against the real stack.

The host page is served by a tiny http.server on its own 127.0.0.1 port, so every call
the widget makes to the gateway is cross-origin (CORS and the WebSocket origin check are
exercised as on a real site). Caseworkers act through the console API, as in
tests/integration/test_handoff_e2e.py.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect

from bot.auth import hash_password
from tests.conftest import free_port, unavailable
from tests.stack_fixtures import RunningStack

pytestmark = [pytest.mark.browser, pytest.mark.integration]

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "a long enough password"
CASEWORKER = "wendy"
SLOW = 30_000  # ms: a Rasa round trip on a loaded CI machine


class HostPage(BaseHTTPRequestHandler):
    """``/?language=ar&color=%23...``: a plain site embedding the widget with one line."""

    gateway = ""

    def do_GET(self) -> None:
        query = {key: values[0] for key, values in parse_qs(urlparse(self.path).query).items()}
        attributes = "".join(
            f' data-{name}="{html.escape(query[name], quote=True)}"'
            for name in ("language", "color", "position")
            if name in query
        )
        page = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            "<title>Host site</title></head><body><header><a href='#main'>Skip to content</a></header>"
            "<main id='main'><h1>A site that embeds Huurhulp</h1><p>Some page text.</p></main>"
            f'<script src="{self.gateway}/widget.js" data-gateway="{self.gateway}"{attributes} defer>'
            "</script>"
            "</body></html>"
        ).encode()
        self.send_response(200 if urlparse(self.path).path == "/" else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def host_site(live_stack: RunningStack) -> Iterator[str]:
    """Base URL of the host page, on another origin than the gateway."""
    handler = type("Handler", (HostPage,), {"gateway": live_stack.base_url})
    server = ThreadingHTTPServer(("127.0.0.1", free_port()), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def caseworker(live_stack: RunningStack) -> str:
    db = live_stack.database()
    try:
        if db.caseworkers.by_username(CASEWORKER) is None:
            db.caseworkers.add(CASEWORKER, "Wendy (CAW)", hash_password(PASSWORD))
    finally:
        db.dispose()
    return CASEWORKER


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (empty localStorage) per test."""
    ctx = browser.new_context(viewport={"width": 1024, "height": 768})
    try:
        yield ctx
    finally:
        ctx.close()


class Widget:
    """The widget on a host page, seen as a user sees it."""

    def __init__(self, page: Page, gateway: str, language: str = "nl") -> None:
        self.page = page
        self.gateway = gateway
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        labels = {
            "nl": ("Chat met Huurhulp", "Je bericht", "Verstuur"),
            "en": ("Chat with Huurhulp", "Your message", "Send"),
            "ar": ("تحدّث مع Huurhulp", "رسالتك", "إرسال"),
        }
        self.open_label, self.input_label, self.send_label = labels[language]

    @property
    def launcher(self) -> Locator:
        return self.page.get_by_role("button", name=self.open_label)

    @property
    def panel(self) -> Locator:
        return self.page.locator("huurhulp-widget #hh-panel")

    @property
    def log(self) -> Locator:
        return self.page.get_by_role("log")

    @property
    def input(self) -> Locator:
        return self.page.get_by_label(self.input_label)

    @property
    def notice(self) -> Locator:
        return self.page.locator("huurhulp-widget .notice")

    def open(self) -> None:
        self.launcher.click()
        expect(self.panel).to_be_visible()

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")

    def stored(self) -> dict[str, Any]:
        """The conversation the widget keeps in the host page's localStorage."""
        raw = self.page.evaluate("key => localStorage.getItem(key)", f"huurhulp-widget:{self.gateway}")
        assert raw, "no conversation stored"
        result: dict[str, Any] = json.loads(raw)
        return result

    def shown_ids(self) -> list[int]:
        ids = self.log.locator(".msg[data-id]").evaluate_all("items => items.map(item => item.dataset.id)")
        return [int(i) for i in ids]

    def assert_matches_the_server(self, client: httpx.Client) -> None:
        """Every stored message is shown exactly once, in order; nothing else is shown."""
        stored = self.stored()
        response = client.get(
            f"/api/web/conversations/{stored['id']}/messages",
            headers={"Authorization": f"Bearer {stored['token']}"},
        )
        server_ids = [m["id"] for m in response.json()["messages"]]
        expect(self.log.locator(".msg")).to_have_count(len(server_ids))
        assert self.shown_ids() == server_ids

    @property
    def host(self) -> Locator:
        """The widget's host element; ``data-connection`` says live, polling or none."""
        return self.page.locator("huurhulp-widget")


def wait_until(page: Page, condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for a condition on the Python side (Playwright runs route handlers meanwhile)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(25)


def open_host(context: BrowserContext, host_site: str, gateway: str, language: str = "nl") -> Widget:
    page = context.new_page()
    page.goto(f"{host_site}/?language={language}&color=%230b5cad")
    assert page.evaluate("location.origin") != gateway  # cross-origin, as on a real site
    return Widget(page, gateway, language)


def console_login(live_stack: RunningStack, username: str) -> tuple[httpx.Client, dict[str, str]]:
    client = live_stack.client()
    response = client.post("/api/console/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return client, {"X-CSRF-Token": response.json()["csrf_token"]}


def claim_case(console: httpx.Client, csrf: dict[str, str], conversation_id: str) -> int:
    cases = console.get("/api/console/cases", params={"status": "waiting"}).json()["cases"]
    case_id = int(next(c["id"] for c in cases if c["conversation_id"] == conversation_id))
    assert console.post(f"/api/console/cases/{case_id}/claim", headers=csrf).status_code == 200
    return case_id


def caseworker_says(console: httpx.Client, csrf: dict[str, str], case_id: int, text: str) -> None:
    response = console.post(f"/api/console/cases/{case_id}/messages", json={"text": text}, headers=csrf)
    assert response.status_code == 201, response.text


def ask_for_a_person(widget: Widget) -> None:
    widget.open()
    widget.send("ik wil met een echte persoon praten aub")
    expect(widget.log).to_contain_text("wachtrij", timeout=SLOW)


def test_converses_from_another_origin_keeps_history_and_presses_buttons(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    widget = open_host(context, host_site, live_stack.base_url)
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    widget.open()
    expect(widget.launcher).to_have_attribute("aria-expanded", "true")

    # Hold the bot's answer so the typing indicator can be seen, then let it through.
    held: list[Route] = []

    def hold_posts(route: Route) -> None:
        if route.request.method == "POST":
            held.append(route)
        else:
            route.continue_()

    widget.page.route("**/api/web/conversations/*/messages*", hold_posts)
    widget.send("hallo")
    typing = widget.page.locator("huurhulp-widget .typing")
    expect(typing).to_be_visible()
    expect(typing).to_contain_text("Huurhulp typt")
    expect(widget.log.locator(".pending")).to_contain_text("hallo")  # shown at once, while sending
    expect(widget.input).to_have_value("")
    wait_until(widget.page, lambda: bool(held))
    held[0].continue_()
    widget.page.unroute("**/api/web/conversations/*/messages*")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    expect(typing).to_be_hidden()
    expect(widget.log.locator(".pending")).to_have_count(0)

    widget.page.reload()
    widget.open()
    expect(widget.log).to_contain_text("ik ben Huurhulp")  # rendered from the stored history
    expect(widget.log.locator(".tenant", has_text="hallo")).to_have_count(1)

    widget.page.get_by_role("button", name="Wat kan je doen?").first.click()
    expect(widget.log).to_contain_text("Ik kan", timeout=SLOW)
    expect(widget.log.locator(".tenant").last).to_have_text("Jij: Wat kan je doen?")
    expect(widget.page.get_by_role("button", name="Wat kan je doen?")).to_have_count(0)  # old choices go
    with live_stack.client() as client:
        widget.assert_matches_the_server(client)
    first = widget.stored()["id"]

    widget.page.get_by_role("button", name="Nieuw gesprek").click()
    expect(widget.log.locator(".msg")).to_have_count(0)
    widget.send("hallo")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    assert widget.stored()["id"] != first
    assert widget.errors == []


def test_caseworker_replies_arrive_live_and_survive_a_dropped_connection(
    context: BrowserContext, host_site: str, live_stack: RunningStack, caseworker: str
) -> None:
    widget = open_host(context, host_site, live_stack.base_url)
    ask_for_a_person(widget)
    expect(widget.host).to_have_attribute("data-connection", "live")
    console, csrf = console_login(live_stack, caseworker)
    try:
        case_id = claim_case(console, csrf, widget.stored()["id"])
        expect(widget.log).to_contain_text("Wendy", timeout=SLOW)  # "Wendy joined", pushed live

        started = time.monotonic()
        caseworker_says(console, csrf, case_id, "Dag, ik ben Wendy van het CAW.")
        expect(widget.log.locator(".caseworker")).to_contain_text("Dag, ik ben Wendy van het CAW.")
        live_seconds = time.monotonic() - started
        expect(widget.log.locator(".caseworker .name")).to_have_text("Wendy (CAW)")

        context.set_offline(True)
        expect(widget.notice).to_contain_text("Geen verbinding")
        expect(widget.host).to_have_attribute("data-connection", "polling")
        caseworker_says(console, csrf, case_id, "Bent u er nog?")
        assert widget.log.get_by_text("Bent u er nog?").count() == 0  # nothing reaches an offline page

        started = time.monotonic()
        context.set_offline(False)
        expect(widget.log.get_by_text("Bent u er nog?")).to_have_count(1)
        recovered_seconds = time.monotonic() - started
        expect(widget.notice).to_be_hidden()
        expect(widget.host).to_have_attribute("data-connection", "live")

        caseworker_says(console, csrf, case_id, "Ik lees mee.")
        expect(widget.log.get_by_text("Ik lees mee.")).to_have_count(1)
        widget.send("dank je, ik heb een brief")
        expect(widget.log.locator(".tenant", has_text="dank je, ik heb een brief")).to_have_count(1)
        expect(widget.page.locator("huurhulp-widget .typing")).to_be_hidden()

        widget.input.press("Escape")  # closed: news shows as a dot on the button
        caseworker_says(console, csrf, case_id, "Mag ik die brief zien?")
        expect(widget.page.get_by_role("button", name="Chat met Huurhulp nieuw bericht")).to_be_visible()
        widget.open()
        expect(widget.page.locator("huurhulp-widget .dot")).to_be_hidden()
        expect(widget.log.get_by_text("Mag ik die brief zien?")).to_have_count(1)
        widget.assert_matches_the_server(console)
    finally:
        console.close()
    print(
        f"\ncaseworker reply shown after {live_seconds * 1000:.0f} ms; "
        f"missed message shown {recovered_seconds * 1000:.0f} ms after going online"
    )
    assert widget.errors == []


def test_polls_when_the_websocket_cannot_connect(
    context: BrowserContext, host_site: str, live_stack: RunningStack, caseworker: str
) -> None:
    # A network that refuses WebSockets (some proxies do): every attempt fails at once.
    context.add_init_script(
        "window.WebSocket = function () { var s = {send() {}, close() {}};"
        " setTimeout(() => s.onclose && s.onclose({code: 1006}), 0); return s; };"
    )
    widget = open_host(context, host_site, live_stack.base_url)
    ask_for_a_person(widget)
    expect(widget.host).to_have_attribute("data-connection", "polling")
    console, csrf = console_login(live_stack, caseworker)
    try:
        case_id = claim_case(console, csrf, widget.stored()["id"])
        started = time.monotonic()
        caseworker_says(console, csrf, case_id, "Ik ben er, via polling.")
        expect(widget.log.get_by_text("Ik ben er, via polling.")).to_have_count(1, timeout=10_000)
        polled_seconds = time.monotonic() - started
        widget.assert_matches_the_server(console)
    finally:
        console.close()
    print(f"\ncaseworker reply shown by polling after {polled_seconds * 1000:.0f} ms")


def test_arabic_is_laid_out_right_to_left(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    widget = open_host(context, host_site, live_stack.base_url, language="ar")
    widget.open()
    expect(widget.panel).to_have_attribute("dir", "rtl")
    expect(widget.panel).to_have_attribute("lang", "ar")
    expect(widget.input).to_have_attribute("placeholder", "اكتب رسالتك…")
    widget.send("hallo")
    expect(widget.log.locator(".msg:not(.tenant)").first).to_be_visible(timeout=SLOW)
    expect(widget.panel).to_have_attribute("dir", "rtl")  # the page's choice holds while the bot answers
    # The tenant's own bubble sits on the left in a right-to-left panel.
    tenant_box = widget.log.locator(".tenant").first.bounding_box()
    log_box = widget.log.bounding_box()
    assert tenant_box and log_box and tenant_box["x"] - log_box["x"] < 20


def test_turns_right_to_left_when_the_conversation_language_becomes_arabic(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    page = context.new_page()
    page.goto(f"{host_site}/")  # no data-language: the browser's, then the conversation's language
    widget = Widget(page, live_stack.base_url, "en")  # headless Chromium says en-US

    def reports_arabic(route: Route) -> None:  # the real answer, as a gateway that detected Arabic
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()
        body = response.json()
        body["language"] = "ar"
        route.fulfill(response=response, json=body)

    widget.open()
    expect(widget.panel).to_have_attribute("lang", "en")
    widget.send("hallo")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    expect(widget.panel).to_have_attribute("lang", "nl")  # the conversation's language
    expect(widget.panel).to_have_attribute("dir", "ltr")

    page.route("**/api/web/conversations/*/messages", reports_arabic)
    page.get_by_label("Je bericht").fill("hallo")
    page.get_by_label("Je bericht").press("Enter")
    expect(widget.panel).to_have_attribute("dir", "rtl", timeout=SLOW)
    expect(widget.panel).to_have_attribute("lang", "ar")
    expect(page.get_by_label("رسالتك")).to_be_visible()
    page.reload()
    expect(page.get_by_role("button", name="تحدّث مع Huurhulp")).to_be_visible()  # remembered


def test_fits_a_360_pixel_phone(context: BrowserContext, host_site: str, live_stack: RunningStack) -> None:
    widget = open_host(context, host_site, live_stack.base_url)
    widget.page.set_viewport_size({"width": 360, "height": 740})
    widget.open()
    widget.send("hallo")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    box = widget.panel.bounding_box()
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}  # full screen
    assert widget.page.evaluate("document.documentElement.scrollWidth") <= 360
    for part in (widget.input, widget.page.get_by_role("button", name="Verstuur")):
        part_box = part.bounding_box()
        assert part_box and part_box["x"] >= 0 and part_box["x"] + part_box["width"] <= 360
    assert widget.log.evaluate("log => log.scrollWidth <= log.clientWidth")


def test_keyboard_only(context: BrowserContext, host_site: str, live_stack: RunningStack) -> None:
    widget = open_host(context, host_site, live_stack.base_url)
    page = widget.page
    focused = (
        "() => { const r = document.querySelector('huurhulp-widget').shadowRoot;"
        " return r.activeElement ? (r.activeElement.id || r.activeElement.className) : ''; }"
    )
    for _ in range(5):  # the host's own link comes first, then the chat button
        page.keyboard.press("Tab")
        if page.evaluate(focused) == "launcher":
            break
    assert page.evaluate(focused) == "launcher"
    page.keyboard.press("Enter")
    expect(widget.panel).to_be_visible()
    assert page.evaluate(focused) == "hh-input"  # focus moves to the message field
    page.keyboard.type("hallo")
    page.keyboard.press("Enter")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    assert page.evaluate(focused) == "hh-input"
    page.keyboard.press("Escape")
    expect(widget.panel).to_be_hidden()
    expect(widget.launcher).to_have_attribute("aria-expanded", "false")
    assert page.evaluate(focused) == "launcher"  # focus returns to the button


def test_api_errors_are_shown_and_the_typed_message_is_kept(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    widget = open_host(context, host_site, live_stack.base_url)
    widget.open()
    for length in (2_001, 20_000):  # 422 text_too_long, then 413 body_too_large
        text = " " + "lang " * (length // 5) + "x"  # what was typed comes back, leading space too
        widget.send(text)
        expect(widget.notice).to_contain_text("Niet verstuurd: Je bericht is te lang.")
        expect(widget.input).to_have_value(text)  # nothing typed is lost
        expect(widget.log.locator(".msg")).to_have_count(0)
    expect(widget.notice).to_have_attribute("role", "alert")

    widget.page.context.set_offline(True)
    widget.send("hallo")
    expect(widget.notice).to_contain_text("Geen verbinding")
    expect(widget.input).to_have_value("hallo")
    widget.page.context.set_offline(False)
    widget.input.press("Enter")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    expect(widget.input).to_have_value("")


def test_no_serious_accessibility_violations(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    if not AXE.is_file():
        unavailable("axe-core is not installed (npm ci, or make setup)")
    results: dict[str, list[dict[str, Any]]] = {}
    for language in ("nl", "ar"):
        widget = open_host(context, host_site, live_stack.base_url, language=language)
        widget.open()
        widget.send("hallo")
        expect(widget.page.get_by_role("button", name="Wat kan je doen?")).to_be_visible(timeout=SLOW)
        widget.page.add_script_tag(path=str(AXE))
        report = widget.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        results[language] = [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
            for v in report["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        widget.page.close()
    assert results == {"nl": [], "ar": []}


def test_demo_page_runs_under_its_strict_csp(browser: Browser, live_stack: RunningStack) -> None:
    page = browser.new_page()
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    page.goto(f"{live_stack.base_url}/widget-demo")
    expect(page.locator("pre")).to_contain_text(f'src="{live_stack.base_url}/widget.js"')
    widget = Widget(page, live_stack.base_url)
    widget.open()
    assert widget.panel.evaluate("p => getComputedStyle(p).position") == "fixed"  # styles applied
    widget.send("hallo")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    expect(widget.host).to_have_attribute("data-connection", "live")
    assert refused == []
    page.close()


def test_the_menu_gives_a_copy_and_erases_the_conversation_everywhere(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    from tests.privacy import marker, rasa_tracker_urls, tables_containing

    widget = open_host(context, host_site, live_stack.base_url)
    page = widget.page
    widget.open()
    more = page.get_by_role("button", name="Meer")
    download_item = page.get_by_role("menuitem", name="Download mijn gesprek")
    erase_item = page.get_by_role("menuitem", name="Verwijder mijn gesprek")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(download_item).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(erase_item).to_be_focused()
    page.keyboard.press("Escape")  # closes the menu, not the chat
    expect(erase_item).to_be_hidden()
    expect(more).to_be_focused()
    expect(widget.panel).to_be_visible()
    more.click()
    erase_item.click()
    expect(widget.notice).to_have_text("Er is nog geen gesprek.")  # nothing to erase yet

    secret = marker()
    widget.send(f"hallo, mijn naam is {secret}")
    expect(widget.log.locator(".msg")).not_to_have_count(1, timeout=SLOW)  # the notice and an answer
    stored = widget.stored()

    more.click()
    with page.expect_download() as download_info:
        download_item.click()
    download = download_info.value
    assert re.fullmatch(r"huurhulp-\d{4}-\d{2}-\d{2}\.txt", download.suggested_filename)
    copy = Path(download.path()).read_text(encoding="utf-8")
    assert copy.startswith("Je gesprek met Huurhulp")
    assert f"Jij:\nhallo, mijn naam is {secret}" in copy and "Huurhulp:\nJe mag anoniem blijven" in copy

    more.click()
    erase_item.click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Dit hele gesprek verwijderen")
    keep = page.get_by_role("button", name="Nee, bewaren")
    expect(keep).to_be_focused()  # the safe answer first
    keep.click()
    expect(dialog).to_be_hidden()
    expect(widget.log).to_contain_text(secret)

    more.click()
    erase_item.click()
    page.get_by_role("button", name="Ja, verwijder alles").click()
    expect(widget.notice).to_contain_text("Je gesprek is verwijderd.")
    expect(widget.log.locator(".msg")).to_have_count(0)
    assert page.evaluate("key => localStorage.getItem(key)", f"huurhulp-widget:{widget.gateway}") is None
    with live_stack.client() as client:
        gone = client.get(
            f"/api/web/conversations/{stored['id']}/messages",
            headers={"Authorization": f"Bearer {stored['token']}"},
        )
    assert gone.status_code == 404
    assert tables_containing(live_stack.settings.effective_database_url, secret) == {}
    for tracker_url in rasa_tracker_urls(live_stack):  # where Rasa writes, where the gateway looks
        assert tables_containing(tracker_url, secret) == {}

    # Typed in the chat, with the gateway's own question and buttons.
    widget.send("verwijder mijn gesprek")
    expect(widget.log).to_contain_text("Wil je dit gesprek helemaal verwijderen?")
    page.get_by_role("button", name="Ja, verwijder alles").click()
    expect(widget.notice).to_contain_text("Je gesprek is verwijderd.")
    expect(widget.log.locator(".msg")).to_have_count(0)
    assert widget.errors == []


def test_the_open_menu_and_the_question_have_no_serious_accessibility_violations(
    context: BrowserContext, host_site: str, live_stack: RunningStack
) -> None:
    if not AXE.is_file():
        unavailable("axe-core is not installed (npm ci, or make setup)")
    widget = open_host(context, host_site, live_stack.base_url)
    widget.open()
    widget.send("hallo")
    expect(widget.log).to_contain_text("ik ben Huurhulp", timeout=SLOW)
    widget.page.add_script_tag(path=str(AXE))
    found = []
    for step in ("menu", "question"):
        widget.page.get_by_role("button", name="Meer").click()
        if step == "question":
            widget.page.get_by_role("menuitem", name="Verwijder mijn gesprek").click()
            expect(widget.page.get_by_role("alertdialog")).to_be_visible()
        report = widget.page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        found += [
            (step, v["id"], [n["target"] for n in v["nodes"]])
            for v in report["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        widget.page.keyboard.press("Escape")  # closes the menu, then the question
    assert found == []
