"""One entry for every tenant message: store it, decide who answers, answer, record.

inbound message -> stored -> conversation state -> Rasa (state ``bot``) or the human side
-> replies stored -> returned to the channel. Channels never talk to Rasa directly.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

from bot import texts
from bot.handoff import CANCEL_PAYLOAD, HandoffService
from bot.health import action_server_status
from bot.language import choose_language, requested_language, unsupported_language
from bot.messages import Button, Inbound, Outbound
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.states import ConversationState, Event, bot_answers
from bot.storage.repository import ConversationRecord, Database
from vocabulary.languages import ENDONYMS, SUPPORTED_LANGUAGES

# The crisis lexicon is shared with the action server and `huurhulp triage`: one list of
# phrasings, one place to improve it (the shared `vocabulary` package).
from vocabulary.lexicons import detect_crisis

log = logging.getLogger(__name__)

# C0/C1 control characters (except tab and newlines) and lone surrogates cannot be stored
# in PostgreSQL text and mean nothing to a reader.
_UNPRINTABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A letter or digit in any script.
_READABLE = re.compile(r"[^\W_]")
#: Sent to Rasa (as a trusted intent payload) for a message without letters or digits.
UNREADABLE_INTENT = "/unreadable"
#: Sent to Rasa when the crisis lexicon recognises danger to life or safety.
CRISIS_INTENT = "/crisis"
#: Typed slash commands ("/restart", "/session_start", '/greet{"x": 1}'): one word after
#: the slash, optionally Rasa's entity syntax. They never reach NLU, where "restart" read
#: as a judgment once; a few are understood, every other one gets the capabilities.
_TYPED_COMMAND = re.compile(r"^\s*/+\s*([^\W\d][\w-]*)\s*(?:[{\[(].*)?$", re.DOTALL)
TYPED_COMMAND_INTENTS = {"start": "/greet", "begin": "/greet", "stop": "/goodbye"}
#: What any other typed command becomes.
COMMAND_FALLBACK_INTENT = "/capabilities"
#: Payload of a language button ("/language:tr"); handled by the gateway, never sent to Rasa.
LANGUAGE_PAYLOAD_PREFIX = "/language:"


def is_language_payload(payload: str | None) -> bool:
    """Whether ``payload`` is a language button's (always accepted, handled by the gateway)."""
    return bool(payload) and str(payload).startswith(LANGUAGE_PAYLOAD_PREFIX)


def language_buttons() -> tuple[Button, ...]:
    """One button per supported language, each labelled in its own language."""
    return tuple(Button(ENDONYMS[code], f"{LANGUAGE_PAYLOAD_PREFIX}{code}") for code in SUPPORTED_LANGUAGES)


@dataclass(frozen=True)
class LanguageDecision:
    """Which language to answer in, and whether the message was about the language itself."""

    language: str
    explicit: bool = False  # the tenant pressed a language button or asked for a language
    unsupported: str | None = None  # the message is clearly in a language we do not speak


def decide_language(current: str | None, inbound: Inbound) -> LanguageDecision:
    """The language for this message: a pressed button or a request wins, then detection.

    Pure but CPU-bound (two detectors): run it off the event loop.
    """
    payload = inbound.button_payload or ""
    if payload.startswith(LANGUAGE_PAYLOAD_PREFIX):
        pressed = payload[len(LANGUAGE_PAYLOAD_PREFIX) :]
        if pressed in SUPPORTED_LANGUAGES:
            return LanguageDecision(pressed, explicit=True)
    requested = requested_language(inbound.text)
    if requested in SUPPORTED_LANGUAGES:
        return LanguageDecision(requested, explicit=True)
    language = choose_language(current, inbound.text, inbound.language_hint)
    return LanguageDecision(language, unsupported=unsupported_language(inbound.text))


def clean_text(raw: str) -> str:
    """Normalise a tenant's text for storage: NFC, no control characters, trimmed."""
    return _UNPRINTABLE.sub("", unicodedata.normalize("NFC", raw)).strip()


def text_for_rasa(text: str, pressed: str | None, offered: list[Button], crisis: bool = False) -> str:
    """What Rasa may see of a tenant message.

    Rasa parses any text that starts with ``/`` as an intent with entities, bypassing NLU
    (``/restart``, ``/inform{"slot": "x"}``). A tenant must not drive the bot's internals,
    so such a payload only passes when it is one of the buttons the bot just offered;
    typed text that equals a button's title counts as pressing it. A typed command (one
    word after a slash, with or without ``{...}``) becomes a harmless intent ("/start"
    greets, "/stop" says goodbye, anything else shows what the bot can do). Other text
    loses its leading slashes and goes through NLU like any other sentence.
    """
    if crisis:
        # The curated lexicon caught a crisis the small model might miss: the crisis
        # route beats everything, so tell Rasa directly (a trusted payload, like a button).
        return CRISIS_INTENT
    payloads = {button.payload for button in offered}
    if pressed is not None and pressed in payloads:
        return pressed
    folded = text.casefold()
    for button in offered:
        if button.title.casefold() == folded:
            return button.payload
    if not _READABLE.search(text):
        # Emoji, punctuation or symbols only: the model cannot read them, so say so
        # explicitly instead of letting character n-grams guess an intent.
        return UNREADABLE_INTENT
    command = _TYPED_COMMAND.match(text)
    if command:
        # A typed command drives nothing: it opens no case and sets no stage.
        return TYPED_COMMAND_INTENTS.get(command.group(1).casefold(), COMMAND_FALLBACK_INTENT)
    return text.lstrip().lstrip("/").lstrip() or UNREADABLE_INTENT


@dataclass
class RouteResult:
    """What the channel shows the tenant after one message."""

    replies: list[Outbound] = field(default_factory=list)
    language: str = "nl"
    state: ConversationState = ConversationState.BOT
    handoff: dict[str, Any] | None = None


class Router:
    """Routes tenant messages; one instance per gateway process."""

    def __init__(self, db: Database, rasa: RasaClient, action_url: str, handoff: HandoffService) -> None:
        self.db = db
        self.rasa = rasa
        self.action_url = action_url
        self.handoff = handoff

    async def handle(self, inbound: Inbound) -> RouteResult:
        """Store ``inbound``, get the replies and store them. Never loses the message."""
        db = self.db
        message_id = await to_thread.run_sync(
            db.store_inbound, inbound.conversation_id, inbound.text, inbound.button_payload
        )
        conversation = await to_thread.run_sync(db.get_conversation, inbound.conversation_id)
        decision = await to_thread.run_sync(decide_language, conversation.language, inbound)
        language = decision.language
        if language != conversation.language:
            await to_thread.run_sync(db.set_language, conversation.id, language)
        notice: list[Outbound] = []
        if await to_thread.run_sync(db.count_messages, conversation.id, "out") == 0:
            # Before anything else, once: what we keep and who reads it (also when Rasa is
            # down), and the languages the tenant can choose from.
            notice = [
                Outbound(
                    text=texts.text("privacy_notice", language), buttons=language_buttons(), author="system"
                )
            ]
            await to_thread.run_sync(db.store_outbound, conversation.id, notice)
        # Once per message: the lexicon runs dozens of patterns over several forms of the text.
        crisis = detect_crisis(inbound.text)
        about_language = await self._about_language(conversation, message_id, decision, crisis)
        if about_language is not None:
            about_language.replies[:0] = notice
            return about_language
        result = await self._route(inbound, message_id, conversation, language, crisis)
        result.replies[:0] = notice
        return result

    async def _about_language(
        self, conversation: ConversationRecord, message_id: int, decision: LanguageDecision, crisis: bool
    ) -> RouteResult | None:
        """Answer a language choice, or a message in a language we do not speak; else None.

        Neither goes to Rasa: the gateway owns the language. A person holding the
        conversation reads the message anyway; the tenant only gets the confirmation.
        """
        if crisis:
            return None  # the crisis route beats everything
        if decision.explicit:
            replies = [Outbound(text=texts.text("language_switched", decision.language), author="system")]
        elif decision.unsupported and bot_answers(conversation.state):
            # Dutch and English, the languages most people in Flanders read, plus the list.
            both = "\n\n".join(texts.text("unsupported_language", lang) for lang in ("nl", "en"))
            replies = [Outbound(text=both, buttons=language_buttons(), author="system")]
        else:
            return None
        await to_thread.run_sync(self.db.store_outbound, conversation.id, replies)
        await to_thread.run_sync(self.db.mark_inbound, message_id, "handled")
        log.info("conversation %s: language message %s handled", conversation.id, message_id)
        return RouteResult(replies=replies, language=decision.language, state=conversation.state)

    async def _route(
        self,
        inbound: Inbound,
        message_id: int,
        conversation: ConversationRecord,
        language: str,
        crisis: bool,
    ) -> RouteResult:
        db = self.db
        state = conversation.state
        if state is ConversationState.CLOSED:
            state = await to_thread.run_sync(db.apply_event, conversation.id, Event.TENANT_RETURNED)

        if not bot_answers(state):
            return await self._while_a_person_holds(
                conversation.id, message_id, inbound, language, state, crisis
            )

        offered = await to_thread.run_sync(db.last_offered_buttons, conversation.id)
        if inbound.intent is not None and not crisis:
            rasa_text = inbound.intent  # mapped by the channel from a command, never tenant text
        else:
            rasa_text = text_for_rasa(inbound.text, inbound.button_payload, offered, crisis)
        metadata = {"language": language, "channel": inbound.channel}
        try:
            turn = await self.rasa.send(conversation.id, rasa_text, metadata)
        except RasaUnavailable as error:
            log.warning("rasa unavailable for conversation %s: %s", conversation.id, error)
            return await self._bot_unavailable(conversation.id, message_id, language, crisis)

        if not turn.replies and turn.handoff is None:
            # Every custom action answers something, so silence means an action failed;
            # Rasa itself only logs that the action server is unreachable.
            actions = await action_server_status(self.action_url)
            log.warning(
                "empty bot turn for conversation %s (action server ok=%s)", conversation.id, actions.ok
            )
            return await self._bot_unavailable(conversation.id, message_id, language, crisis)

        replies = list(turn.replies)
        if turn.handoff is not None:
            signal = {**turn.handoff, "language": turn.handoff.get("language") or language}
            await to_thread.run_sync(db.record_handoff, conversation.id, signal)
            case = await self.handoff.queue(conversation.id, signal)
            replies += await self.handoff.waiting_replies(
                case, language, first=state is ConversationState.BOT
            )
            state = ConversationState.WAITING if state is ConversationState.BOT else state
        await to_thread.run_sync(db.store_outbound, conversation.id, replies)
        await to_thread.run_sync(db.mark_inbound, message_id, "handled")
        log.info("conversation %s: message %s handled, %d replies", conversation.id, message_id, len(replies))
        return RouteResult(replies=replies, language=language, state=state, handoff=turn.handoff)

    async def _while_a_person_holds(
        self,
        conversation_id: str,
        message_id: int,
        inbound: Inbound,
        language: str,
        state: ConversationState,
        crisis: bool,
    ) -> RouteResult:
        """Waiting or with a caseworker: nothing goes to Rasa; the message waits for the person."""
        db = self.db
        if state is ConversationState.WAITING and await self._wants_to_stop_waiting(conversation_id, inbound):
            cancelled = await self.handoff.cancel_waiting(conversation_id, language)
            await to_thread.run_sync(db.store_outbound, conversation_id, cancelled)
            await to_thread.run_sync(db.mark_inbound, message_id, "handled")
            return RouteResult(replies=cancelled, language=language, state=ConversationState.BOT)

        await to_thread.run_sync(db.mark_inbound, message_id, "queued")
        self.handoff.tenant_wrote(conversation_id, message_id)
        replies: list[Outbound] = []
        case = await to_thread.run_sync(db.open_case_for_conversation, conversation_id)
        if crisis:
            # A crisis while waiting or talking to a person: top of the queue, numbers now.
            case = await self.handoff.queue(
                conversation_id,
                {"reason": "crisis", "priority": "S", "stage": "crisis", "language": language},
            )
            if state is ConversationState.CASEWORKER:
                replies.append(Outbound(text=texts.text("emergency_again", language), author="system"))
        if state is ConversationState.WAITING and case is not None:
            replies += await self.handoff.waiting_replies(case, language, first=False)
        if replies:
            await to_thread.run_sync(db.store_outbound, conversation_id, replies)
        return RouteResult(replies=replies, language=language, state=state)

    async def _wants_to_stop_waiting(self, conversation_id: str, inbound: Inbound) -> bool:
        if inbound.button_payload == CANCEL_PAYLOAD:
            return True
        offered = await to_thread.run_sync(self.db.last_offered_buttons, conversation_id)
        return any(
            button.payload == CANCEL_PAYLOAD and button.title.casefold() == inbound.text.casefold()
            for button in offered
        )

    async def _bot_unavailable(
        self, conversation_id: str, message_id: int, language: str, crisis: bool
    ) -> RouteResult:
        """Rasa or an action failed: say so honestly and queue the conversation for a person."""
        replies = [Outbound(text=texts.text("bot_unavailable", language), author="system")]
        signal = {
            "reason": "bot_unavailable",
            "priority": "S" if crisis else "none",
            "stage": "crisis" if crisis else "none",
            "language": language,
        }
        case = await self.handoff.queue(conversation_id, signal)
        replies += await self.handoff.waiting_replies(case, language, first=True)
        await to_thread.run_sync(self.db.store_outbound, conversation_id, replies)
        await to_thread.run_sync(self.db.mark_inbound, message_id, "failed")
        return RouteResult(replies=replies, language=language, state=ConversationState.WAITING)
