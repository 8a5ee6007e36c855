"""Console pages and JSON API. Every route needs a logged-in caseworker (except login).

Routes stay thin: authenticate, check CSRF, call the handoff service or the database,
audit, shape the answer. Sessions are server-side (the cookie holds a random token whose
hash is stored), so logging out really ends them; every state-changing request must
carry the session's CSRF token in ``X-CSRF-Token``.
"""

from __future__ import annotations

import datetime as dt
import hmac
import logging
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

import yaml
from anyio import to_thread
from fastapi import APIRouter, Depends, Request, Response, WebSocket
from fastapi.responses import FileResponse, JSONResponse, RedirectResponse

from bot.auth import LoginLimiter, hash_password, needs_rehash, verify_password
from bot.channels.webchat import read_json_object
from bot.console import live
from bot.dependencies import DatabaseDep, HandoffDep, HubDep, SettingsDep, get_login_limiter
from bot.errors import ApiError
from bot.escalation import CASE_OUTCOMES
from bot.router import clean_text
from bot.storage.database import Database
from bot.storage.records import CaseConflict, CaseNotFound, CaseRecord, CaseworkerRecord

log = logging.getLogger(__name__)
STATIC_DIR = Path(__file__).resolve().parent / "static"
CANNED_REPLIES = Path(__file__).resolve().parent / "canned_replies.yml"
COOKIE = "huurhulp_console"
CSRF_HEADER = "x-csrf-token"
MAX_NOTE_CHARS = 4000
#: Pages and API answers of the console are never cached and never framed.
SECURITY_HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
    ),
}

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api/console", tags=["console"])


class ConsoleUser:
    """The logged-in caseworker of a request and the session's CSRF token."""

    def __init__(self, caseworker: CaseworkerRecord, csrf_token: str, token: str) -> None:
        self.caseworker = caseworker
        self.csrf_token = csrf_token
        self.token = token


async def current_user(request: Request, db: DatabaseDep) -> ConsoleUser:
    """The session's caseworker; 401 without a valid session, 403 on a bad CSRF token."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise ApiError(401, "not_logged_in", "Log in first.")
    found = await to_thread.run_sync(db.caseworkers.session_caseworker, token)
    if found is None:
        raise ApiError(401, "not_logged_in", "Your session has ended. Log in again.")
    caseworker, csrf_token = found
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        sent = request.headers.get(CSRF_HEADER, "")
        if not hmac.compare_digest(sent.encode(), csrf_token.encode()):
            raise ApiError(403, "csrf_failed", "The request lacks a valid X-CSRF-Token header.")
    return ConsoleUser(caseworker, csrf_token, token)


CurrentUser = Annotated[ConsoleUser, Depends(current_user)]


def _no_case() -> ApiError:
    return ApiError(404, "case_not_found", "There is no case with this id.")


def _caseworker_json(caseworker: CaseworkerRecord) -> dict[str, str]:
    return {"username": caseworker.username, "display_name": caseworker.display_name}


LoginLimiterDep = Annotated[LoginLimiter, Depends(get_login_limiter)]


# Pages ---------------------------------------------------------------------------------


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC_DIR / name, media_type="text/html", headers=SECURITY_HEADERS)


async def _logged_in(request: Request, db: DatabaseDep) -> bool:
    token = request.cookies.get(COOKIE)
    return bool(token) and await to_thread.run_sync(db.caseworkers.session_caseworker, token) is not None


LoggedIn = Annotated[bool, Depends(_logged_in)]


@pages.get("/console/login")
async def login_page() -> FileResponse:
    """The login form."""
    return _page("login.html")


@pages.get("/console", response_model=None)
async def queue_page(logged_in: LoggedIn) -> Response:
    """The shared queue (redirects to the login form without a session)."""
    if not logged_in:
        return RedirectResponse("/console/login", status_code=303)
    return _page("queue.html")


@pages.get("/console/cases/{case_id}", response_model=None)
async def case_page(case_id: int, logged_in: LoggedIn) -> Response:
    """One case: summary, transcript, reply, notes, transfer, release, close."""
    if not logged_in:
        return RedirectResponse("/console/login", status_code=303)
    return _page("case.html")


@pages.get("/console/static/{name}")
async def static_file(name: str) -> FileResponse:
    """The console's own scripts and styles (no directory listing, no subfolders)."""
    path = (STATIC_DIR / name).resolve()
    if path.parent != STATIC_DIR or not path.is_file() or path.suffix not in (".js", ".css"):
        raise ApiError(404, "not_found", "No such file.")
    return FileResponse(path, headers=SECURITY_HEADERS)


# API -----------------------------------------------------------------------------------


@api.post("/login")
async def login(
    request: Request, db: DatabaseDep, settings: SettingsDep, limiter: LoginLimiterDep
) -> JSONResponse:
    """Check the password (argon2), start a server-side session, set the cookie."""
    body = await read_json_object(request, 4096)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        raise ApiError(422, "credentials_required", "Send a username and a password.")
    # The client's address (behind a proxy listed in HUURHULP_FORWARDED_ALLOW_IPS: from
    # X-Forwarded-For). Failures count per username and address and per address, never per
    # username alone, so a stranger cannot lock a caseworker out (bot/auth.py, LoginPolicy).
    client = request.client.host if request.client else "?"
    if not await to_thread.run_sync(limiter.allowed, username, client):
        wait = await to_thread.run_sync(limiter.retry_after, username, client)
        log.warning("console login refused by the limiter (address %s, retry in %d s)", client, wait)
        raise ApiError(
            429,
            "too_many_attempts",
            "Too many failed attempts. Wait a minute and try again.",
            retry_after=wait,
        )
    caseworker = await to_thread.run_sync(db.caseworkers.by_username, username)
    stored_hash = caseworker.password_hash if caseworker and caseworker.active else None
    # verify_password runs argon2 even without a user, so timing does not reveal usernames.
    valid = await to_thread.run_sync(verify_password, stored_hash, password)
    if not valid or caseworker is None or not caseworker.active:
        await to_thread.run_sync(limiter.failed, username, client)
        # Audited without the password, and without a username that matches no account (it
        # may be a password typed into the wrong field): the account's id, the address, why.
        reason = (
            "unknown_user"
            if caseworker is None
            else "disabled"
            if not caseworker.active
            else "wrong_password"
        )
        await to_thread.run_sync(
            db.audit.record,
            caseworker.id if caseworker else None,
            "login_failed",
            None,
            {"from": client[:64], "status": reason},
        )
        raise ApiError(401, "invalid_credentials", "Wrong username or password.")
    if needs_rehash(caseworker.password_hash):
        # argon2 parameters were raised since this password was set: upgrade it now.
        await to_thread.run_sync(
            db.caseworkers.set_password_hash, caseworker.username, hash_password(password)
        )
    await to_thread.run_sync(db.caseworkers.purge_expired_sessions)
    token, csrf_token = await to_thread.run_sync(
        db.caseworkers.create_session, caseworker.id, int(settings.console_session_hours * 3600)
    )
    await to_thread.run_sync(db.audit.record, caseworker.id, "login", None, None)
    response = JSONResponse({"caseworker": _caseworker_json(caseworker), "csrf_token": csrf_token})
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(settings.console_session_hours * 3600),
        httponly=True,
        samesite="strict",
        secure=settings.cookie_secure,
        path="/",
    )
    return response


@api.post("/logout", status_code=204)
async def logout(db: DatabaseDep, user: CurrentUser) -> Response:
    """End the session on the server and clear the cookie."""
    await to_thread.run_sync(db.caseworkers.delete_session, user.token)
    await to_thread.run_sync(db.audit.record, user.caseworker.id, "logout", None, None)
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/")
    return response


@api.get("/me")
async def me(user: CurrentUser) -> dict[str, Any]:
    """Who is logged in, and the CSRF token for the pages' requests."""
    return {"caseworker": _caseworker_json(user.caseworker), "csrf_token": user.csrf_token}


@api.get("/cases")
async def list_cases(db: DatabaseDep, user: CurrentUser, status: str | None = None) -> dict[str, Any]:
    """The queue: cases by priority, then waiting time."""
    if status not in (None, "waiting", "caseworker", "closed"):
        raise ApiError(422, "invalid_status", "status must be waiting, caseworker or closed.")
    cases = await to_thread.run_sync(db.cases.by_status, status)
    # The server's clock, so waiting times do not depend on the caseworker's computer.
    return {
        "cases": [_case_json(case) for case in cases],
        "now": dt.datetime.now(dt.timezone.utc).isoformat(),
    }


async def _case_or_404(db: Database, case_id: int) -> CaseRecord:
    try:
        return await to_thread.run_sync(db.cases.get, case_id)
    except CaseNotFound:
        raise _no_case() from None


@api.get("/cases/{case_id}")
async def get_case(case_id: int, db: DatabaseDep, user: CurrentUser) -> dict[str, Any]:
    """Summary, whole transcript, notes and colleagues; the view is audited."""
    case = await _case_or_404(db, case_id)
    messages = await to_thread.run_sync(db.conversations.messages_after, case.conversation_id, 0, 10_000)
    notes = await to_thread.run_sync(db.cases.list_notes, case_id)
    caseworkers = await to_thread.run_sync(db.caseworkers.list_all)
    await to_thread.run_sync(db.audit.record, user.caseworker.id, "viewed", case_id, None)
    return {
        "case": _case_json(case),
        "messages": [message.to_dict() for message in messages],
        "notes": [note.to_dict() for note in notes],
        "caseworkers": [_caseworker_json(c) for c in caseworkers if c.active],
    }


@api.get("/cases/{case_id}/messages")
async def case_messages(case_id: int, db: DatabaseDep, user: CurrentUser, after: int = 0) -> dict[str, Any]:
    """New messages since ``after`` and the case's current state (the page polls this)."""
    case = await _case_or_404(db, case_id)
    messages = await to_thread.run_sync(db.conversations.messages_after, case.conversation_id, max(after, 0))
    return {"messages": [message.to_dict() for message in messages], "case": _case_json(case)}


def _conflict(error: CaseConflict, code: str = "not_holder") -> ApiError:
    """409: ``already_claimed`` after a lost claim race, ``not_holder`` for a case held by someone else."""
    return ApiError(409, code, str(error) or "Another caseworker holds this case.")


def _case_json(case: CaseRecord) -> dict[str, Any]:
    """A case for the console, with the holder's username to tell "mine" from "a colleague's"."""
    return {**case.to_dict(), "claimed_by_username": case.claimed_by_username}


@api.post("/cases/{case_id}/claim")
async def claim(case_id: int, handoff: HandoffDep, user: CurrentUser) -> dict[str, Any]:
    """Take the case. Exactly one of several simultaneous claims wins; the others get 409."""
    try:
        case = await handoff.claim(case_id, user.caseworker)
    except CaseNotFound:
        raise _no_case() from None
    except CaseConflict as error:
        raise _conflict(error, "already_claimed") from None
    return {"case": _case_json(case)}


@api.post("/cases/{case_id}/messages", status_code=201)
async def reply(
    case_id: int, request: Request, settings: SettingsDep, handoff: HandoffDep, user: CurrentUser
) -> dict[str, Any]:
    """Send a message to the tenant over their own channel (holder only), in one transaction."""
    body = await read_json_object(request, settings.max_message_chars * 4 + 4096)
    raw = body.get("text")
    text = clean_text(raw) if isinstance(raw, str) else ""
    if not text:
        raise ApiError(422, "empty_text", "The message is empty.")
    if len(text) > settings.max_message_chars:
        raise ApiError(422, "text_too_long", f"Keep it under {settings.max_message_chars} characters.")
    try:
        message = await handoff.reply(case_id, user.caseworker, text)
    except CaseNotFound:
        raise _no_case() from None
    except CaseConflict as error:
        raise _conflict(error) from None
    return {"message": message.to_dict()}


@api.post("/cases/{case_id}/notes", status_code=201)
async def add_note(case_id: int, request: Request, db: DatabaseDep, user: CurrentUser) -> dict[str, Any]:
    """An internal note; never shown to the tenant."""
    body = await read_json_object(request, MAX_NOTE_CHARS * 4 + 1024)
    raw = body.get("text")
    text = clean_text(raw) if isinstance(raw, str) else ""
    if not text or len(text) > MAX_NOTE_CHARS:
        raise ApiError(422, "invalid_note", f"A note needs 1 to {MAX_NOTE_CHARS} characters.")
    try:
        note = await to_thread.run_sync(db.cases.add_note, case_id, user.caseworker.id, text)
    except CaseNotFound:
        raise _no_case() from None
    return {"note": note.to_dict()}


@api.post("/cases/{case_id}/transfer")
async def transfer(
    case_id: int, request: Request, db: DatabaseDep, handoff: HandoffDep, user: CurrentUser
) -> dict[str, Any]:
    """Hand the case to a colleague."""
    body = await read_json_object(request, 4096)
    target_name = body.get("to")
    if not isinstance(target_name, str):
        raise ApiError(422, "target_required", "Say to whom: {'to': '<username>'}.")
    target = await to_thread.run_sync(db.caseworkers.by_username, target_name)
    if target is None or not target.active:
        raise ApiError(422, "unknown_caseworker", "There is no active caseworker with that username.")
    try:
        case = await handoff.transfer(case_id, user.caseworker, target)
    except CaseNotFound:
        raise _no_case() from None
    except CaseConflict as error:
        raise _conflict(error) from None
    return {"case": _case_json(case)}


@api.post("/cases/{case_id}/release")
async def release(case_id: int, handoff: HandoffDep, user: CurrentUser) -> dict[str, Any]:
    """Give the conversation back to the bot, which is told what happened."""
    try:
        case = await handoff.release(case_id, user.caseworker)
    except CaseNotFound:
        raise _no_case() from None
    except CaseConflict as error:
        raise _conflict(error) from None
    return {"case": _case_json(case)}


@api.post("/cases/{case_id}/close")
async def close(case_id: int, request: Request, handoff: HandoffDep, user: CurrentUser) -> dict[str, Any]:
    """Close the case with an outcome."""
    body = await read_json_object(request, MAX_NOTE_CHARS * 4 + 1024)
    outcome, note = body.get("outcome"), body.get("note")
    if outcome not in CASE_OUTCOMES:
        raise ApiError(422, "invalid_outcome", "Choose an outcome.", outcomes=list(CASE_OUTCOMES))
    if note is not None and (not isinstance(note, str) or len(note) > MAX_NOTE_CHARS):
        raise ApiError(422, "invalid_note", f"A note has at most {MAX_NOTE_CHARS} characters.")
    try:
        case = await handoff.close(case_id, user.caseworker, outcome, clean_text(note) if note else None)
    except CaseNotFound:
        raise _no_case() from None
    except CaseConflict as error:
        raise _conflict(error) from None
    return {"case": _case_json(case)}


@api.websocket("/live")
async def live_updates(websocket: WebSocket, db: DatabaseDep, hub: HubDep) -> None:
    """What changed (ids only), pushed to the console pages; they re-fetch through this API.

    Needs the session cookie (401 without one) and the console's own origin (403).
    Frames: ``{"type": "ready"}``, ``{"type": "ping"}`` and ``{"type": "change", "what":
    "queued|claimed|transferred|released|closed|cancelled|message", "conversation_id",
    "case_id"?, "message_id"?}``. See ``bot/console/live.py``.
    """
    await live.serve(websocket, db, hub, websocket.cookies.get(COOKIE))


@api.get("/caseworkers")
async def caseworkers(db: DatabaseDep, user: CurrentUser) -> dict[str, Any]:
    """Active colleagues (for transfers)."""
    everyone = await to_thread.run_sync(db.caseworkers.list_all)
    return {"caseworkers": [_caseworker_json(c) for c in everyone if c.active]}


@lru_cache(maxsize=1)
def _canned_replies() -> dict[str, list[dict[str, str]]]:
    loaded: dict[str, list[dict[str, str]]] = yaml.safe_load(CANNED_REPLIES.read_text(encoding="utf-8"))
    return loaded


@api.get("/canned-replies")
async def canned_replies(user: CurrentUser, language: str = "nl") -> dict[str, Any]:
    """Ready-made replies in the tenant's language (Dutch when that language has none)."""
    replies = _canned_replies()
    return {
        "replies": replies.get(language) or replies["nl"],
        "language": language if language in replies else "nl",
    }
