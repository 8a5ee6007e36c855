"""Telegram channel: python-telegram-bot 22 running inside the gateway's own event loop.

Modes, chosen by the settings (``HUURHULP_TELEGRAM_*``):

* no token: the gateway runs without Telegram;
* a token and a webhook URL: ``setWebhook`` (with a secret token) at start-up; Telegram
  posts updates to ``POST /telegram/webhook``, which checks the secret header;
* a token only: long polling (PTB's Updater, which first calls ``deleteWebhook``).

Every tenant update is handled by a small async handler below, in the style of PTB's
examples. Text goes through the same :class:`bot.router.Router` as the web chat; commands
are mapped explicitly (``/start`` -> ``/greet``); ``/verwijder`` (``/delete``) and
``/intrekken`` (``/withdraw``), like "verwijder mijn gesprek" typed, are answered by the
gateway itself (:class:`bot.retention.Forgetting`); buttons are inline keyboards whose
callback data is a short reference to the stored message; voice notes, photos and other
media are stored and answered kindly, and photos and documents reach the caseworker
once a person holds the conversation. Replies are never sent from a handler: they are
stored (which queues them in the outbox) and delivered by :mod:`bot.channels.telegram_outbox`,
the one path for bot, system and caseworker messages.

Privacy: message text is never logged; PTB's own loggers are kept at INFO or above.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import logging
from collections import deque
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Annotated, Any, cast

from anyio import to_thread
from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import Response
from telegram import Message, Update
from telegram.constants import ChatAction
from telegram.error import InvalidToken, NetworkError, TelegramError
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from bot import texts
from bot.channels.telegram_outbox import CHANNEL, TelegramOutbox, parse_callback_data
from bot.channels.webchat import read_json_object
from bot.console.routes import SECURITY_HEADERS, CurrentUser
from bot.dependencies import DatabaseDep, Gateway, get_telegram
from bot.errors import ApiError
from bot.handoff import CANCEL_PAYLOAD, HandoffService
from bot.language import SUPPORTED_LANGUAGES
from bot.messages import Button, Inbound, Outbound
from bot.retention import Forgetting, PrivacyTurn
from bot.router import Router, clean_text, is_language_payload
from bot.settings import Settings
from bot.states import ConversationState
from bot.storage.database import Database, Store
from bot.storage.records import CaseNotFound, ConversationNotFound, ConversationRecord, MessageRecord

log = logging.getLogger(__name__)

WEBHOOK_PATH = "/telegram/webhook"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 (a header name)
#: Telegram commands and the Rasa intent each one means. Only these reach Rasa as intents;
#: any other ``/word`` a tenant types is text, neutralised by the router.
COMMAND_INTENTS = {"start": "/greet", "help": "/capabilities"}
#: Commands the gateway answers itself, never Rasa: erase the chat's conversation (after a
#: yes / no question), and withdraw the consent to pass the intake answers on.
ERASE_COMMANDS = ("verwijder", "delete")
WITHDRAW_COMMANDS = ("intrekken", "withdraw")
#: Updates the bot asks Telegram for (edits, channel posts and the like are not conversation).
ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]
#: Kinds of media a caseworker can open in the console (letters are photographed or scanned).
ATTACHMENT_KINDS = frozenset({"photo", "document"})
#: A request body larger than this is not an update.
MAX_UPDATE_BYTES = 1_000_000
#: Telegram shows "typing..." for about 5 s; renew it while Rasa thinks.
TYPING_EVERY = 4.5
#: How long start-up waits for Telegram before the gateway starts anyway (and keeps trying).
STARTUP_WAIT = 5.0

router = APIRouter(tags=["telegram"])
#: The Telegram channel of the gateway, or None when it runs without Telegram.
TelegramDep = Annotated["TelegramChannel | None", Depends(get_telegram)]


# Handlers ----------------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/start`` and deep links ``/start <payload>``: greet in the tenant's language.

    Telegram's ``language_code`` is the first hint; a deep-link payload that names a
    supported language (``t.me/<bot>?start=fr``) is the tenant's own choice and wins.
    """
    payload = (context.args[0].lower() if context.args else "")[:8]
    chosen = payload if payload in SUPPORTED_LANGUAGES else None
    await _channel(context).handle_text(update, "/start", intent=COMMAND_INTENTS["start"], language=chosen)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/help``: what the bot can do."""
    await _channel(context).handle_text(update, "/help", intent=COMMAND_INTENTS["help"])


async def erase_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/verwijder`` and ``/delete``: ask whether to erase the whole conversation (yes / no)."""
    await _channel(context).handle_privacy_command(update, "erase")


async def withdraw_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/intrekken`` and ``/withdraw``: withdraw the consent to pass the intake answers on."""
    await _channel(context).handle_privacy_command(update, "withdraw")


async def text_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any other text (unknown ``/commands`` included): through the router like the web chat."""
    message = update.effective_message
    if message is not None and message.text is not None:
        await _channel(context).handle_text(update, message.text)


async def button_pressed(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A press on an inline keyboard: resolve the reference, then route title and payload."""
    await _channel(context).handle_button(update)


async def media_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Voice, photo, sticker, location...: stored, answered kindly, photos to the caseworker."""
    await _channel(context).handle_media(update)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log a failed update by its id only (never its text)."""
    update_id = update.update_id if isinstance(update, Update) else None
    error = context.error
    log.error(
        "telegram update %s failed: %s",
        update_id,
        type(error).__name__,
        exc_info=(type(error), error, error.__traceback__) if error is not None else None,
    )


def _channel(context: ContextTypes.DEFAULT_TYPE) -> TelegramChannel:
    return cast(TelegramChannel, context.bot_data["channel"])


# Media ---------------------------------------------------------------------------------


def describe_media(message: Message) -> dict[str, Any]:
    """Kind and Telegram file reference of a non-text message (no content, no caption)."""
    found: dict[str, Any] = {"kind": "other"}
    file: Any = None
    if message.photo:
        found["kind"], file = "photo", message.photo[-1]  # the largest size
    elif message.voice:
        found["kind"], file = "voice", message.voice
    elif message.video_note:
        found["kind"], file = "video_note", message.video_note
    elif message.animation or message.video:
        found["kind"], file = "video", message.animation or message.video
    elif message.audio:
        found["kind"], file = "audio", message.audio
    elif message.document:
        found["kind"], file = "document", message.document
    elif message.sticker:
        found["kind"], file = "sticker", message.sticker
    elif message.location or message.venue:
        found["kind"] = "location"
    elif message.contact:
        found["kind"] = "contact"
    elif message.poll:
        found["kind"] = "poll"
    if file is not None:
        found["file_id"] = file.file_id
        found["file_unique_id"] = file.file_unique_id
        for name in ("file_name", "mime_type", "file_size"):
            value = getattr(file, name, None)
            if value is not None:
                found[name] = value
    return found


# The channel ---------------------------------------------------------------------------


@dataclass
class _ChatLock:
    lock: asyncio.Lock
    users: int = 0


class TelegramChannel:
    """The PTB application, the outbox sender and the handlers' access to the gateway."""

    def __init__(self, settings: Settings, db: Database, router_: Router, handoff: HandoffService) -> None:
        self.settings = settings
        self.db = db
        self.router = router_
        self.handoff = handoff
        self.webhook_url = settings.telegram_webhook_url
        self._secret = settings.telegram_secret.get_secret_value()
        builder = (
            ApplicationBuilder()
            .token(settings.telegram_token.get_secret_value())
            .base_url(settings.telegram_base_url)
            .base_file_url(settings.effective_telegram_base_file_url)
            .concurrent_updates(64)  # chats run side by side; one chat's updates stay in order
            .job_queue(None)
            .get_updates_read_timeout(settings.telegram_poll_timeout + 10.0)
        )
        # Telegram allows one getUpdates poller per bot: with several gateway processes only one
        # polls (HUURHULP_TELEGRAM_POLLING, set by `huurhulp run`); every one delivers the outbox.
        self.polling = not self.webhook_url and settings.telegram_polling
        if not self.polling:
            builder = builder.updater(None)
        self.application: Application[Any, Any, Any, Any, Any, Any] = builder.build()
        self.application.bot_data["channel"] = self
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        self.application.add_handlers(
            [
                CommandHandler("start", start, filters=private),
                CommandHandler("help", help_command, filters=private),
                CommandHandler(ERASE_COMMANDS, erase_command, filters=private),
                CommandHandler(WITHDRAW_COMMANDS, withdraw_command, filters=private),
                MessageHandler(private & filters.TEXT, text_message),
                CallbackQueryHandler(button_pressed),
                MessageHandler(private, media_message),
            ]
        )
        self.application.add_error_handler(on_error)
        self.outbox = TelegramOutbox(
            db,
            self.application.bot,
            chat_interval=settings.telegram_chat_interval,
            per_second=settings.telegram_messages_per_second,
        )
        self.ready = False
        self._connect_task: asyncio.Task[None] | None = None
        self._chat_locks: dict[int, _ChatLock] = {}
        self._seen_updates: deque[int] = deque(maxlen=2000)

    @property
    def webhook_mode(self) -> bool:
        """Whether Telegram posts updates to us (else we poll)."""
        return bool(self.webhook_url)

    # Lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Connect to Telegram; if it does not answer soon, start anyway and keep trying."""
        self._connect_task = asyncio.create_task(self._connect(), name="telegram-connect")
        await asyncio.wait({self._connect_task}, timeout=STARTUP_WAIT)
        if not self.ready:
            log.warning("telegram not reachable yet; the gateway starts and keeps trying")

    async def _connect(self) -> None:
        delay = 1.0
        while True:
            try:
                await self.application.initialize()  # getMe
                break
            except InvalidToken:
                log.error("telegram refused the bot token; the Telegram channel is off")
                return
            except (NetworkError, OSError) as error:
                log.warning("telegram getMe failed (%s); retry in %.0f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)
        await self.application.start()
        self.outbox.start()  # delivers whatever was still pending before this start
        if self.webhook_mode:
            await self._set_webhook()
        elif self.polling:
            updater = self.application.updater
            assert updater is not None
            await updater.start_polling(
                timeout=dt.timedelta(seconds=self.settings.telegram_poll_timeout),
                bootstrap_retries=-1,  # deleteWebhook first, retried until Telegram answers
                allowed_updates=ALLOWED_UPDATES,
                error_callback=_polling_error,
            )
        self.ready = True
        mode = "webhook" if self.webhook_mode else "polling" if self.polling else "sending only"
        log.info("telegram channel ready (%s)", mode)

    async def _set_webhook(self) -> None:
        delay = 1.0
        while True:
            try:
                await self.application.bot.set_webhook(
                    url=self.webhook_url, secret_token=self._secret, allowed_updates=ALLOWED_UPDATES
                )
                return
            except NetworkError as error:
                log.warning("telegram setWebhook failed (%s); retry in %.0f s", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 60.0)

    async def stop(self) -> None:
        """Stop polling, the handlers and the sender; pending messages stay in the outbox."""
        if self._connect_task is not None and not self._connect_task.done():
            self._connect_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._connect_task
        self.ready = False
        updater = self.application.updater
        with contextlib.suppress(Exception):
            if updater is not None and updater.running:
                await updater.stop()
        with contextlib.suppress(Exception):
            if self.application.running:
                await self.application.stop()
        await self.outbox.stop()
        with contextlib.suppress(Exception):
            await self.application.shutdown()

    # Inbound -------------------------------------------------------------------------

    def secret_matches(self, sent: str | None) -> bool:
        """Constant-time check of the webhook's secret header."""
        return bool(self._secret) and hmac.compare_digest((sent or "").encode(), self._secret.encode())

    async def feed_webhook(self, data: dict[str, Any]) -> None:
        """Queue a posted update for the handlers (Telegram may post one again: deduplicated)."""
        try:
            update = Update.de_json(data, self.application.bot)
        except (TypeError, ValueError, KeyError) as error:
            # Answering an error would make Telegram post it again and again.
            log.error("telegram update %s could not be read: %s", data.get("update_id"), type(error).__name__)
            return
        if update.update_id in self._seen_updates:
            return
        self._seen_updates.append(update.update_id)
        await self.application.update_queue.put(update)

    @contextlib.asynccontextmanager
    async def _turn(self, chat_id: int) -> AsyncIterator[None]:
        """One update of a chat at a time, in arrival order (other chats are not held up)."""
        entry = self._chat_locks.setdefault(chat_id, _ChatLock(asyncio.Lock()))
        entry.users += 1
        try:
            async with entry.lock:
                yield
        finally:
            entry.users -= 1
            if entry.users == 0:
                self._chat_locks.pop(chat_id, None)

    async def _conversation(self, chat_id: int) -> ConversationRecord:
        conversation, created = await to_thread.run_sync(
            self.db.conversations.for_channel, CHANNEL, str(chat_id)
        )
        if created:
            log.info("telegram: new conversation %s", conversation.id)
        return conversation

    async def handle_text(
        self, update: Update, text: str, *, intent: str | None = None, language: str | None = None
    ) -> None:
        """Route a text (or a mapped command) like any web chat message, showing "typing..."."""
        chat = update.effective_chat
        if chat is None:
            return
        async with self._turn(chat.id):
            conversation = await self._conversation(chat.id)
            if language is not None and language != conversation.language:
                await to_thread.run_sync(self.db.conversations.set_language, conversation.id, language)
            inbound = Inbound(
                conversation_id=conversation.id,
                text=clean_text(text),
                channel=CHANNEL,
                language_hint=language or _language_hint(update),
                intent=intent,
            )
            await self._route(chat.id, inbound)

    async def handle_button(self, update: Update) -> None:
        """Answer the callback query, then route the button, unless it is from an old keyboard."""
        query = update.callback_query
        chat = update.effective_chat
        if query is None or chat is None:
            return
        async with self._turn(chat.id):
            conversation = await self._conversation(chat.id)
            language = conversation.language
            button = await self._pressed_button(conversation.id, query.data)
            if button is not None:
                offered = await to_thread.run_sync(
                    self.db.conversations.last_offered_buttons, conversation.id
                )
                if button.payload not in {b.payload for b in offered} and not is_language_payload(
                    button.payload
                ):
                    # An old keyboard: kept for the record, but it must not drive the bot.
                    # (Language buttons stay valid: choosing a language is always allowed.)
                    title, payload = button.title, button.payload
                    await to_thread.run_sync(
                        lambda: self.db.conversations.store_inbound(
                            conversation.id, title, payload, status="stale"
                        )
                    )
                    button = None
            if button is None:
                await _quietly(query.answer(texts.text("stale_button", language), show_alert=True))
                return
            await _quietly(query.answer())
            inbound = Inbound(
                conversation_id=conversation.id,
                text=button.title,
                channel=CHANNEL,
                button_payload=button.payload,
                language_hint=_language_hint(update),
            )
            await self._route(chat.id, inbound)

    async def _pressed_button(self, conversation_id: str, data: str | None) -> Button | None:
        reference = parse_callback_data(data)
        if reference is None:
            return None
        message_id, index = reference
        message: MessageRecord | None = await to_thread.run_sync(
            self.db.conversations.get_message, message_id
        )
        if message is None or message.conversation_id != conversation_id:
            return None  # not this chat's message: never trust a reference blindly
        buttons = message.buttons
        return buttons[index] if index < len(buttons) else None

    @property
    def forgetting(self) -> Forgetting:
        """Erasure and consent withdrawal (answered by the gateway, never by Rasa)."""
        return Forgetting(self.db, self.settings, self.handoff)

    async def handle_privacy_command(self, update: Update, kind: str) -> None:
        """``/verwijder`` (ask whether to erase everything) or ``/intrekken`` (withdraw consent)."""
        chat = update.effective_chat
        message = update.effective_message
        if chat is None or message is None or message.text is None:
            return
        async with self._turn(chat.id):
            conversation = await self._conversation(chat.id)
            inbound = Inbound(
                conversation_id=conversation.id,
                text=clean_text(message.text),
                channel=CHANNEL,
                language_hint=_language_hint(update),
            )
            if kind == "erase":
                await self.forgetting.ask(inbound, None)
            else:
                await self.forgetting.withdraw_turn(inbound, None)
        self.outbox.wake()

    async def _privacy(self, chat_id: int, inbound: Inbound) -> bool:
        """Let the gateway answer a privacy request or the erasure question; True if it did."""
        try:
            turn = await self.forgetting.intercept(inbound)
        except ConversationNotFound:
            return True  # erased meanwhile: nothing left to answer to
        if turn is None:
            return False
        if turn.erased is not None:
            await self._goodbye(chat_id, turn)
        return True

    async def _goodbye(self, chat_id: int, turn: PrivacyTurn) -> None:
        """The one message sent without the outbox: after erasure nothing may be stored."""
        for reply in turn.replies:
            try:
                await self.application.bot.send_message(chat_id=chat_id, text=reply.text)
            except TelegramError as error:
                log.warning("telegram: erasure confirmation not delivered: %s", type(error).__name__)

    async def _route(self, chat_id: int, inbound: Inbound) -> None:
        if await self._privacy(chat_id, inbound):
            self.outbox.wake()
            return
        typing = asyncio.create_task(self._keep_typing(chat_id))
        try:
            await self.router.handle(inbound)
        finally:
            typing.cancel()
            self.outbox.wake()

    async def _keep_typing(self, chat_id: int) -> None:
        """ "typing..." until the router is done (Telegram clears it after about 5 s)."""
        while True:
            with contextlib.suppress(Exception):  # a courtesy: never worth an error
                await self.application.bot.send_chat_action(chat_id=chat_id, action=ChatAction.TYPING)
            await asyncio.sleep(TYPING_EVERY)

    async def handle_media(self, update: Update) -> None:
        """Store a non-text message first, then answer it kindly in the conversation's language.

        While a person holds the conversation (waiting or caseworker), photos and documents
        are passed on: the console shows them (see :meth:`fetch_file`).
        """
        message = update.effective_message
        chat = update.effective_chat
        if message is None or chat is None:
            return
        media = describe_media(message)
        kind = str(media["kind"])
        async with self._turn(chat.id):
            conversation = await self._conversation(chat.id)
            language = conversation.language or _language_hint(update) or self.settings.default_language
            state = conversation.state
            held = state in (ConversationState.WAITING, ConversationState.CASEWORKER)
            forwarded = held and kind in ATTACHMENT_KINDS

            def store_and_answer(store: Store) -> int:
                # Nothing to wait for: stored, answered and marked in one transaction.
                start = store.conversations.begin_turn(
                    conversation.id, f"[{kind}]", media=media, attachment=forwarded
                )
                if conversation.language is None:
                    store.conversations.set_language(conversation.id, language)
                replies: list[Outbound] = []
                if start.first_contact:
                    replies.append(Outbound(text=texts.text("privacy_notice", language), author="system"))
                if held:
                    key = f"{kind}_forwarded" if forwarded else "only_text_person"
                    # While waiting, the "stop waiting" button stays on the newest message.
                    buttons = (
                        (Button(texts.text("cancel_button", language), CANCEL_PAYLOAD),)
                        if state is ConversationState.WAITING
                        else ()
                    )
                    replies.append(Outbound(text=texts.text(key, language), buttons=buttons, author="system"))
                else:
                    replies.append(Outbound(text=texts.text("only_text", language), author="system"))
                store.conversations.store_outbound(conversation.id, replies)
                store.conversations.mark_inbound(start.message_id, "queued" if held else "handled")
                return start.message_id

            message_id = await to_thread.run_sync(self.db.in_transaction, store_and_answer)
            if held:
                self.handoff.tenant_wrote(conversation.id, message_id)
            log.info("conversation %s: %s message %s stored", conversation.id, kind, message_id)
        self.outbox.wake()

    # Outbound ------------------------------------------------------------------------

    async def deliver(self, _conversation_id: str, _messages: list[MessageRecord]) -> None:
        """HandoffService's sender: the messages are already in the outbox; deliver them now."""
        self.outbox.wake()

    async def fetch_file(self, attachment: dict[str, Any]) -> bytes:
        """A tenant's file from the Bot API: ``getFile``, then download ``{base_file_url}/{path}``."""
        file = await self.application.bot.get_file(str(attachment["file_id"]))
        return bytes(await file.download_as_bytearray())


def _language_hint(update: Update) -> str | None:
    """Telegram's ``language_code`` (``nl``, ``fr-BE``...) if it is a supported language."""
    user = update.effective_user
    code = (user.language_code or "").split("-")[0].lower() if user is not None else ""
    return code if code in SUPPORTED_LANGUAGES else None


def _polling_error(error: TelegramError) -> None:
    log.warning("telegram polling failed: %s; retrying", type(error).__name__)


async def _quietly(answer: Any) -> None:
    """answerCallbackQuery is a courtesy (it stops the button's spinner): never fatal."""
    with contextlib.suppress(TelegramError):
        await answer


# Wiring ----------------------------------------------------------------------------------


def setup(app: FastAPI, gateway: Gateway) -> TelegramChannel | None:
    """Build the Telegram channel from the gateway's settings and services (None without a token).

    Registers the channel as the handoff service's sender for ``telegram`` conversations
    and as the console's file source; the gateway's lifespan starts and stops it.
    """
    settings: Settings = gateway.settings
    channel: TelegramChannel | None = None
    if settings.telegram_enabled:
        # PTB logs whole updates (tenant text) at DEBUG; httpx logs URLs holding the bot token.
        for name, floor in (("telegram", logging.INFO), ("httpx", logging.WARNING)):
            logger = logging.getLogger(name)
            logger.setLevel(max(logger.getEffectiveLevel(), floor))
        channel = TelegramChannel(settings, gateway.db, gateway.router, gateway.handoff)
        gateway.handoff.senders[CHANNEL] = channel.deliver
    app.include_router(router)
    return channel


@router.post(WEBHOOK_PATH, include_in_schema=False)
async def webhook(request: Request, channel: TelegramDep) -> Response:
    """Telegram posts updates here (webhook mode). 403 unless the secret header matches."""
    if channel is None or not channel.webhook_mode:
        raise ApiError(404, "not_found", "Telegram webhook mode is not configured.")
    if not channel.secret_matches(request.headers.get(SECRET_HEADER)):
        raise ApiError(403, "forbidden", "Wrong or missing secret token.")
    if not channel.ready:
        raise ApiError(503, "telegram_starting", "Not ready yet; Telegram will post again.")
    body = await read_json_object(request, MAX_UPDATE_BYTES)
    if not isinstance(body.get("update_id"), int):
        raise ApiError(400, "malformed_update", "Not a Telegram update.")
    await channel.feed_webhook(body)
    return Response(status_code=200)


@router.get("/api/console/cases/{case_id}/attachments/{message_id}", tags=["console"])
async def case_attachment(
    case_id: int, message_id: int, channel: TelegramDep, db: DatabaseDep, user: CurrentUser
) -> Response:
    """A photo or document the tenant sent while a person held the conversation.

    Fetched from the Bot API when opened (``getFile``, then the file URL); never stored
    here. Photos are shown inline; documents are always downloaded, never rendered.
    """
    try:
        case = await to_thread.run_sync(db.cases.get, case_id)
    except CaseNotFound:
        raise ApiError(404, "case_not_found", "There is no case with this id.") from None
    message = await to_thread.run_sync(db.conversations.get_message, message_id)
    attachment = message.attachment if message is not None else None
    if message is None or message.conversation_id != case.conversation_id or attachment is None:
        raise ApiError(404, "attachment_not_found", "This case has no such attachment.")
    if channel is None or not channel.ready:
        raise ApiError(503, "telegram_unavailable", "Telegram is not connected right now.")
    try:
        content = await channel.fetch_file(attachment)
    except TelegramError as error:
        log.warning("attachment of message %s: %s", message_id, type(error).__name__)
        raise ApiError(502, "telegram_file_failed", "Telegram did not give the file. Try later.") from None
    await to_thread.run_sync(
        db.audit.record, user.caseworker.id, "viewed", case_id, {"message_id": message_id}
    )
    headers = {**SECURITY_HEADERS, "Content-Security-Policy": "default-src 'none'; sandbox"}
    if attachment.get("kind") == "photo":
        return Response(content, media_type="image/jpeg", headers=headers)  # Telegram photos are JPEG
    name = _safe_file_name(attachment.get("file_name"), message_id)
    headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return Response(content, media_type="application/octet-stream", headers=headers)


def _safe_file_name(name: Any, message_id: int) -> str:
    """A file name safe for a header: letters, digits, dot, dash, underscore."""
    cleaned = "".join(c if c.isascii() and (c.isalnum() or c in "._-") else "_" for c in str(name or ""))
    cleaned = cleaned.strip("._")[:100]
    return cleaned or f"document-{message_id}"
