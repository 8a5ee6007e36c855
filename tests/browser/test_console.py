"""The caseworker console in real Chromium against the real stack."""

from __future__ import annotations

import itertools
import json
import random
import re
import statistics
import time

import httpx
import pytest
from playwright.sync_api import Browser, Dialog, Page, Request, expect

from bot.auth import hash_password
from tests.stack_fixtures import RunningStack, WebTenant

pytestmark = [pytest.mark.browser, pytest.mark.integration]

PASSWORD = "browser test password"
SCRIPT_PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def _login(page: Page, base_url: str, username: str = "carla", wrong_first: bool = True) -> None:
    page.goto(f"{base_url}/console")
    expect(page).to_have_url(re.compile(r"/console/login"))
    page.get_by_test_id("login-username").fill(username)
    if wrong_first:
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


# Live updates ---------------------------------------------------------------------------

#: Records, per key, the browser's clock (ms) when a matching element first appears.
WATCH = """([name, selector, attribute]) => {
  const seen = (window.__seen = window.__seen || {});
  seen[name] = seen[name] || {};
  const mark = () => {
    for (const node of document.querySelectorAll(selector)) {
      const key = node.getAttribute(attribute);
      if (key && !(key in seen[name])) seen[name][key] = Date.now();
    }
  };
  mark();
  new MutationObserver(mark).observe(document.body, { childList: true, subtree: true });
}"""
QUEUE_ROWS = ["queue", "[data-testid=queue-waiting] [data-testid=case-row]", "data-case-id"]
MESSAGES = ["messages", "[data-testid=transcript] [data-message-id]", "data-message-id"]
#: A live page still polls, but only every 30 s: an update within this many seconds was pushed.
PUSHED_WITHIN = 2.0
_PHASE = random.Random(20261206)
#: The console's live endpoint refused, as by a proxy that drops WebSockets: every attempt
#: fails at once (and is timed) while ``window.__live.blocked``; other sockets are untouched.
BLOCK_LIVE = """(() => {
  const Real = window.WebSocket;
  window.__live = { blocked: true, attempts: [] };
  window.WebSocket = function (url, protocols) {
    if (!window.__live.blocked || !String(url).endsWith("/api/console/live")) return new Real(url, protocols);
    window.__live.attempts.push(Date.now());
    const refused = { readyState: 3, send() {}, close() {} };
    setTimeout(() => refused.onclose && refused.onclose({ code: 1006 }), 0);
    return refused;
  };
})();"""


def _caseworker(stack: RunningStack, username: str) -> None:
    db = stack.database()
    try:
        if db.caseworkers.by_username(username) is None:
            db.caseworkers.add(username, username.capitalize(), hash_password(PASSWORD))
    finally:
        db.dispose()


def _open_case(stack: RunningStack, conversation_id: str) -> int:
    db = stack.database()
    try:
        case = db.cases.open_for_conversation(conversation_id)
    finally:
        db.dispose()
    assert case is not None
    return case.id


def _shown_at(page: Page, watch: list[str], key: object) -> float:
    """When (s, the epoch) the watched element with ``key`` appeared; waits up to 15 s."""
    page.wait_for_function(
        "([name, key]) => (window.__seen[name] || {})[key] !== undefined",
        arg=[watch[0], str(key)],
        timeout=15_000,
    )
    return float(page.evaluate("([name, key]) => window.__seen[name][key]", [watch[0], str(key)])) / 1000


def _message_id(tenant: WebTenant, text: str) -> int:
    return int(next(m["id"] for m in tenant.history() if m["text"] == text))


def _requests_while_idle(page: Page, path: str, seconds: float) -> int:
    """How many requests for ``path`` the page makes while nothing changes."""
    seen: list[str] = []

    def count(request: Request) -> None:
        if path in request.url:
            seen.append(request.url)

    page.on("request", count)
    page.wait_for_timeout(seconds * 1000)
    page.remove_listener("request", count)
    return len(seen)


def _figures(name: str, delays: list[float]) -> str:
    ms = sorted(d * 1000 for d in delays)
    each = ", ".join(f"{d:.0f}" for d in ms)
    return f"{name}: median {statistics.median(ms):.0f} ms, max {ms[-1]:.0f} ms ({each})"


def _random_phase(page: Page) -> None:
    """Wait 0-2.5 s, so a change falls anywhere in a polling cycle, as real ones do.

    Without it, each change would be made right after the poll that showed the last one,
    and polling would always take its full interval.
    """
    page.wait_for_timeout(_PHASE.uniform(0, 2500))


def _queue_case_latencies(page: Page, http: httpx.Client, stack: RunningStack, count: int) -> list[float]:
    """Seconds from a tenant's handoff being answered to the new case's row in the queue page.

    The gateway announces the case after its commit, just before it answers, so this is
    publish-to-DOM plus the answer's way back (it is negative when the page is faster).
    """
    delays = []
    for _ in range(count):
        _random_phase(page)
        tenant = WebTenant(http)
        assert tenant.say("ik wil met een mens praten")["mode"] == "waiting"
        answered = time.time()
        delays.append(_shown_at(page, QUEUE_ROWS, _open_case(stack, tenant.conversation_id)) - answered)
    return delays


def _tenant_message_latencies(
    page: Page, tenant: WebTenant, count: int, label: str
) -> tuple[list[float], list[float]]:
    """Seconds from sending, and from the answer, of a tenant message held by a person (no
    Rasa) to it in the case page. The gateway announces it between the two."""
    from_sent, from_answer = [], []
    for n in range(count):
        _random_phase(page)
        text = f"ik stuur straks de brief door ({label} {n})"
        sent = time.time()
        assert tenant.say(text)["mode"] == "caseworker"
        answered = time.time()
        shown = _shown_at(page, MESSAGES, _message_id(tenant, text))
        from_sent.append(shown - sent)
        from_answer.append(shown - answered)
    return from_sent, from_answer


def test_new_cases_and_messages_are_pushed_to_open_pages(browser: Browser, live_stack: RunningStack) -> None:
    _caseworker(live_stack, "dora")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    frames: list[str] = []
    queue = context.new_page()
    queue.on("websocket", lambda ws: ws.on("framereceived", lambda payload: frames.append(str(payload))))
    _login(queue, live_stack.base_url, "dora", wrong_first=False)
    expect(queue.locator("body")).to_have_attribute("data-connection", "live", timeout=15_000)
    # Live: the lists are re-fetched on a change, and otherwise only every 30 s.
    assert _requests_while_idle(queue, "/api/console/cases?status=waiting", 5) <= 1
    queue.evaluate(WATCH, QUEUE_ROWS)

    http = live_stack.client()
    queue_delays = _queue_case_latencies(queue, http, live_stack, 3)
    assert max(queue_delays) < PUSHED_WITHIN, queue_delays
    changes = [json.loads(f) for f in frames if '"change"' in f]
    assert changes and all(
        set(c) <= {"type", "what", "conversation_id", "case_id", "message_id"} for c in changes
    )

    # A tenant with a claimed case; the case open in two tabs (the holder's and a colleague's view).
    tenant = WebTenant(http)
    assert tenant.say("ik wil met een mens praten")["mode"] == "waiting"
    case_id = _open_case(live_stack, tenant.conversation_id)
    holder = context.new_page()
    holder.goto(f"{live_stack.base_url}/console/cases/{case_id}")
    expect(holder.locator("body")).to_have_attribute("data-connection", "live", timeout=15_000)
    holder.get_by_test_id("claim-button").click()
    expect(holder.get_by_test_id("reply-text")).to_be_enabled(timeout=15_000)
    viewer = context.new_page()
    viewer.goto(f"{live_stack.base_url}/console/cases/{case_id}")
    expect(viewer.locator("body")).to_have_attribute("data-connection", "live", timeout=15_000)
    holder.evaluate(WATCH, MESSAGES)
    viewer.evaluate(WATCH, MESSAGES)
    assert _requests_while_idle(viewer, f"/api/console/cases/{case_id}/messages", 5) <= 1

    tenant_delays, tenant_after_answer = _tenant_message_latencies(holder, tenant, 5, "live")
    assert max(tenant_delays) < PUSHED_WITHIN, tenant_delays

    reply_delays = []
    holder.bring_to_front()  # Playwright's click waits for animation frames, which a background tab lacks
    for n in range(3):
        _random_phase(viewer)
        text = f"Dag, ik bekijk je brief ({n})."
        holder.get_by_test_id("reply-text").fill(text)
        sent = time.time()
        holder.get_by_test_id("reply-send").click()
        expect(holder.get_by_test_id("transcript")).to_contain_text(text)  # stored: its id is known
        reply_delays.append(_shown_at(viewer, MESSAGES, _message_id(tenant, text)) - sent)
    assert max(reply_delays) < PUSHED_WITHIN, reply_delays

    # A status change reaches the other tab too.
    holder.once("dialog", lambda dialog: dialog.accept())
    holder.get_by_test_id("release-button").click()
    expect(viewer.get_by_test_id("case-status")).to_have_attribute(
        "data-status", "closed", timeout=PUSHED_WITHIN * 1000
    )
    print(
        "\nlive (WebSocket push): "
        + _figures("new case -> queue row, from the tenant's answer", queue_delays)
        + "; "
        + _figures("tenant message -> case page, from sending", tenant_delays)
        + "; "
        + _figures("from its answer", tenant_after_answer)
        + "; "
        + _figures("caseworker reply -> colleague's case page, from the click", reply_delays)
    )
    http.close()
    context.close()


def test_pages_poll_when_the_live_endpoint_is_blocked_and_reconnect(
    browser: Browser, live_stack: RunningStack
) -> None:
    _caseworker(live_stack, "emre")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.add_init_script(BLOCK_LIVE)
    queue = context.new_page()
    _login(queue, live_stack.base_url, "emre", wrong_first=False)
    expect(queue.locator("body")).to_have_attribute("data-connection", "polling")
    # Every 2.5 s after the last answer: at least 2 in 8 s even when answers are slow under
    # load (the live mode's safety poll would make at most one in 30 s).
    assert _requests_while_idle(queue, "/api/console/cases?status=waiting", 8) >= 2
    queue.evaluate(WATCH, QUEUE_ROWS)
    http = live_stack.client()
    queue_delays = _queue_case_latencies(queue, http, live_stack, 3)

    tenant = WebTenant(http)
    assert tenant.say("ik wil met een mens praten")["mode"] == "waiting"
    case_id = _open_case(live_stack, tenant.conversation_id)
    page = context.new_page()
    page.goto(f"{live_stack.base_url}/console/cases/{case_id}")
    page.get_by_test_id("claim-button").click()
    expect(page.get_by_test_id("reply-text")).to_be_enabled(timeout=15_000)
    expect(page.locator("body")).to_have_attribute("data-connection", "polling")
    page.evaluate(WATCH, MESSAGES)
    tenant_delays, tenant_after_answer = _tenant_message_latencies(page, tenant, 5, "polling")
    assert max(tenant_delays) < 6, tenant_delays  # one 2 s poll, with room for a busy machine

    # The queue page kept trying, with growing pauses (1 s doubling to 30 s, jittered).
    attempts = [t / 1000 for t in queue.evaluate("window.__live.attempts")]
    gaps = [later - earlier for earlier, later in itertools.pairwise(attempts)]
    assert len(gaps) >= 3 and all(b >= a for a, b in itertools.pairwise(gaps)), gaps
    assert 0.5 <= gaps[0] <= 1.1, gaps

    # Unblocked, and the browser says it is online again: live at once, polling slows down.
    page.evaluate("window.__live.blocked = false; window.dispatchEvent(new Event('online'))")
    expect(page.locator("body")).to_have_attribute("data-connection", "live", timeout=10_000)
    assert _requests_while_idle(page, f"/api/console/cases/{case_id}/messages", 4) <= 1
    text = "en nu weer live"
    sent = time.time()
    tenant.say(text)
    back_live = _shown_at(page, MESSAGES, _message_id(tenant, text)) - sent
    assert back_live < PUSHED_WITHIN
    print(
        "\npolling (live endpoint refused): "
        + _figures("new case -> queue row, from the tenant's answer", queue_delays)
        + "; "
        + _figures("tenant message -> case page, from sending", tenant_delays)
        + "; "
        + _figures("from its answer", tenant_after_answer)
        + f"; queue page's reconnect pauses {', '.join(f'{g:.1f}' for g in gaps)} s"
        + f"; live again: tenant message shown after {back_live * 1000:.0f} ms"
    )
    http.close()
    context.close()
