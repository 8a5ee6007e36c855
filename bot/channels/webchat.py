"""Web chat HTTP API used by the demo page and the embeddable widget.

Routes stay thin: parse and check the request, hand the message to the router, shape
the answer. Tokens are per conversation and only their hash is stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import Annotated, Any

from anyio import to_thread
from fastapi import APIRouter, Depends, Request, WebSocket, WebSocketDisconnect
from fastapi.responses import JSONResponse, Response

from bot.dependencies import DatabaseDep, GatewayDep, HubDep, RouterDep, SettingsDep
from bot.errors import ApiError
from bot.hub import conversation_topic
from bot.language import SUPPORTED_LANGUAGES
from bot.messages import Inbound
from bot.retention import ERASED_EVENT, Forgetting, export_file_name, export_text
from bot.router import clean_text
from bot.storage.models import utcnow
from bot.storage.records import ConversationNotFound, ConversationRecord

router = APIRouter(prefix="/api/web", tags=["web chat"])

#: Bytes a JSON body may have beyond the text itself (field names, escapes).
_BODY_OVERHEAD = 4096


async def read_json_object(request: Request, max_bytes: int, required: bool = True) -> dict[str, Any]:
    """Read a JSON object body of at most ``max_bytes``; clear 4xx errors otherwise."""
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise ApiError(413, "body_too_large", f"The request body is larger than {max_bytes} bytes.")
        chunks.append(chunk)
    raw = b"".join(chunks)
    if not raw.strip():
        if required:
            raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
        return {}
    try:
        body = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise ApiError(400, "malformed_json", "The request body is not valid UTF-8 JSON.") from None
    if not isinstance(body, dict):
        raise ApiError(400, "malformed_json", "The request body must be a JSON object.")
    return body


def _bearer_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(401, "unauthorized", "Send the conversation token as 'Authorization: Bearer <token>'.")
    return token.strip()


async def authorised_conversation(
    request: Request, conversation_id: str, db: DatabaseDep
) -> ConversationRecord:
    """The conversation, if the request carries its bearer token (401/404 otherwise). One query."""
    token = _bearer_token(request)
    try:
        conversation = await to_thread.run_sync(db.conversations.authorised, conversation_id, token)
    except ConversationNotFound:
        raise ApiError(404, "conversation_not_found", "There is no conversation with this id.") from None
    if conversation is None:
        raise ApiError(401, "unauthorized", "The token does not belong to this conversation.")
    return conversation


AuthorisedConversation = Annotated[ConversationRecord, Depends(authorised_conversation)]


def get_forgetting(gateway: GatewayDep) -> Forgetting:
    """Erasure and consent withdrawal (stateless: built per request)."""
    return Forgetting(gateway.db, gateway.settings, gateway.handoff)


ForgettingDep = Annotated[Forgetting, Depends(get_forgetting)]


def _gone() -> ApiError:
    return ApiError(404, "conversation_not_found", "There is no conversation with this id.")


@router.post("/conversations", status_code=201)
async def create_conversation(request: Request, db: DatabaseDep, settings: SettingsDep) -> JSONResponse:
    """Start a conversation. Optional body ``{"language": "fr"}``; the token is shown only now."""
    body = await read_json_object(request, _BODY_OVERHEAD, required=False)
    language = body.get("language")
    if language is not None and language not in SUPPORTED_LANGUAGES:
        raise ApiError(
            422,
            "unsupported_language",
            "This language is not supported.",
            supported=list(SUPPORTED_LANGUAGES),
        )
    conversation, token = await to_thread.run_sync(db.conversations.create_web, language or None)
    return JSONResponse(
        {
            "conversation_id": conversation.id,
            "token": token,
            "language": conversation.language or settings.default_language,
            "mode": conversation.state.value,
        },
        status_code=201,
    )


@router.post("/conversations/{conversation_id}/messages")
async def post_message(
    request: Request,
    conversation: AuthorisedConversation,
    router_: RouterDep,
    settings: SettingsDep,
    forgetting: ForgettingDep,
) -> dict[str, Any]:
    """Send a tenant message; answers with the bot's replies and the conversation's mode.

    Body: ``{"text": "..."}``, or ``{"text": "<button title>", "payload": "<button payload>"}``
    when the tenant pressed a button. After the tenant confirmed the erasure of the
    conversation, ``mode`` is ``erased`` and the token no longer works.
    """
    body = await read_json_object(request, settings.max_message_chars * 4 + _BODY_OVERHEAD)
    raw_text = body.get("text")
    payload = body.get("payload")
    if not isinstance(raw_text, str):
        raise ApiError(422, "text_required", "Send the message as a string in the field 'text'.")
    if payload is not None and not isinstance(payload, str):
        raise ApiError(422, "invalid_payload", "The field 'payload' must be a string.")
    text = clean_text(raw_text)
    if not text and not payload:
        raise ApiError(422, "empty_text", "The message is empty. Type a few words.")
    if len(text) > settings.max_message_chars:
        raise ApiError(
            422,
            "text_too_long",
            f"The message is longer than {settings.max_message_chars} characters. Send it in parts.",
            max_chars=settings.max_message_chars,
        )
    inbound = Inbound(
        conversation_id=conversation.id, text=text or payload or "", channel="web", button_payload=payload
    )
    try:
        # "verwijder mijn gesprek" and the answer to its question: the gateway's own business.
        turn = await forgetting.intercept(inbound)
    except ConversationNotFound:
        raise _gone() from None  # erased meanwhile (another tab)
    if turn is not None:
        replies = [reply.to_dict() for reply in turn.replies]
        return {"replies": replies, "language": turn.language, "mode": turn.mode}
    try:
        result = await router_.handle(inbound)
    except ConversationNotFound:
        raise _gone() from None  # erased while this message was under way
    return {
        "replies": [reply.to_dict() for reply in result.replies],
        "language": result.language,
        "mode": result.state.value,
    }


@router.get("/conversations/{conversation_id}/messages")
async def list_messages(
    conversation: AuthorisedConversation, db: DatabaseDep, after: int = 0
) -> dict[str, Any]:
    """The conversation's messages with an id above ``after`` (history, and polling)."""
    messages = await to_thread.run_sync(db.conversations.messages_after, conversation.id, max(after, 0))
    return {"messages": [message.to_dict() for message in messages], "mode": conversation.state.value}


@router.delete("/conversations/{conversation_id}", status_code=204)
async def erase_conversation(conversation: AuthorisedConversation, forgetting: ForgettingDep) -> Response:
    """Erase the conversation everywhere: the gateway's tables and Rasa's tracker store.

    Kept: a case record without text (stage, priority, dates, municipality; an open case
    closes with the outcome ``erased``) and the audit trail. The token stops working.
    """
    try:
        await forgetting.erase(conversation.id)
    except ConversationNotFound:
        raise _gone() from None
    return Response(status_code=204)


@router.get("/conversations/{conversation_id}/export")
async def export_conversation(
    conversation: AuthorisedConversation, db: DatabaseDep, settings: SettingsDep
) -> Response:
    """The tenant's own conversation as a readable text file (a download)."""
    try:
        messages = await to_thread.run_sync(db.privacy.export, conversation.id)
    except ConversationNotFound:
        raise _gone() from None
    now = utcnow()
    body = export_text(messages, conversation.language or settings.default_language, now)
    return Response(
        body,
        media_type="text/plain; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{export_file_name(now)}"',
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


@router.delete("/conversations/{conversation_id}/consent", status_code=204)
async def withdraw_consent(conversation: AuthorisedConversation, forgetting: ForgettingDep) -> Response:
    """Withdraw the consent to pass the intake on: the cases keep no intake details."""
    try:
        await forgetting.withdraw_consent(conversation.id)
    except ConversationNotFound:
        raise _gone() from None
    return Response(status_code=204)


#: Seconds a WebSocket client has to authenticate.
WS_AUTH_TIMEOUT = 10.0


@router.websocket("/conversations/{conversation_id}/ws")
async def live_messages(websocket: WebSocket, conversation_id: str, db: DatabaseDep, hub: HubDep) -> None:
    """Live push of messages to the tenant (caseworker replies, hand-back, closing).

    Authenticate with ``Authorization: Bearer <token>`` or, because browsers cannot set
    that header on a WebSocket, with a first frame ``{"token": "...", "after": <id>}``.
    Messages after ``after`` that were stored before the socket opened are sent first,
    so a reconnecting client misses nothing; clients de-duplicate by message id.
    """
    await websocket.accept()
    try:
        header = websocket.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        after = 0
        if scheme.lower() != "bearer" or not token:
            first = await asyncio.wait_for(websocket.receive_json(), WS_AUTH_TIMEOUT)
            token = str(first.get("token", "")) if isinstance(first, dict) else ""
            after = int(first.get("after") or 0) if isinstance(first, dict) else 0
        if not token or not await to_thread.run_sync(db.conversations.token_matches, conversation_id, token):
            await websocket.send_json({"type": "error", "code": "unauthorized"})
            await websocket.close(code=4401)
            return
        async with hub.subscribe(conversation_topic(conversation_id)) as queue:
            backlog = await to_thread.run_sync(
                db.conversations.messages_after, conversation_id, max(after, 0)
            )
            for message in backlog:
                await websocket.send_json({"type": "message", "message": message.to_dict()})
            await websocket.send_json({"type": "ready"})
            receiver = asyncio.ensure_future(websocket.receive_text())
            while True:
                getter = asyncio.ensure_future(queue.get())
                done, _ = await asyncio.wait({receiver, getter}, return_when=asyncio.FIRST_COMPLETED)
                if getter in done:
                    event = getter.result()
                    await websocket.send_json(event)
                    if event == ERASED_EVENT:
                        receiver.cancel()
                        await websocket.close(code=4404)  # the conversation no longer exists
                        return
                else:
                    getter.cancel()
                if receiver in done:
                    receiver.result()  # raises WebSocketDisconnect when the client leaves
                    receiver = asyncio.ensure_future(websocket.receive_text())
    except (WebSocketDisconnect, asyncio.TimeoutError, ValueError, TypeError):
        with contextlib.suppress(Exception):
            await websocket.close()
