"""One entry for every tenant message: store it, decide who answers, answer, record.

inbound message -> stored -> conversation state -> Rasa (state ``bot``) or the human side
-> replies stored -> returned to the channel. Channels never talk to Rasa directly.

One turn is two database transactions: the first stores the message and loads what the
route needs (:meth:`bot.storage.conversations.Conversations.begin_turn`); the second
stores everything the turn decided (language, handoff, case, replies, the message's
status) at once (:meth:`Router._answer`). Nothing is held open while Rasa thinks.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from anyio import to_thread

from bot import texts
from bot.escalation import bot_unavailable_signal, crisis_signal
from bot.handoff import CANCEL_PAYLOAD, HandoffService, cancelled_replies
from bot.health import action_server_status
from bot.language import choose_language, requested_language, unsupported_language
from bot.messages import Button, Inbound, Outbound
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.states import ConversationState, Event, bot_answers
from bot.storage.conversations import TurnStart
from bot.storage.database import Database, Store
from bot.storage.records import CaseRecord
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


@dataclass(frozen=True)
class _Answer:
    """What the second transaction of a turn writes, besides the replies."""

    status: str  # what became of the inbound message: handled, queued, failed
    reopen: bool = False  # a closed conversation goes back to the bot
    cancel: bool = False  # the tenant stops waiting
    handoff: dict[str, Any] | None = None  # the bot's handoff signal, kept on the conversation
    signal: dict[str, Any] | None = None  # open or escalate the case with this signal
    waiting: bool | None = None  # add the waiting replies: True first time, False again


class Router:
    """Routes tenant messages; one instance per gateway process."""

    def __init__(self, db: Database, rasa: RasaClient, action_url: str, handoff: HandoffService) -> None:
        self.db = db
        self.rasa = rasa
        self.action_url = action_url
        self.handoff = handoff

    async def handle(self, inbound: Inbound) -> RouteResult:
        """Store ``inbound``, get the replies and store them. Never loses the message."""
        start = await to_thread.run_sync(
            self.db.conversations.begin_turn, inbound.conversation_id, inbound.text, inbound.button_payload
        )
        decision = await to_thread.run_sync(decide_language, start.conversation.language, inbound)
        notice: list[Outbound] = []
        offered = start.offered
        if start.first_contact:
            # Before anything else, once: what we keep and who reads it (also when Rasa is
            # down), and the languages the tenant can choose from.
            notice = [
                Outbound(
                    text=texts.text("privacy_notice", decision.language),
                    buttons=language_buttons(),
                    author="system",
                )
            ]
            offered = list(notice[0].buttons)
        # Once per message: the lexicon runs dozens of patterns over several forms of the text.
        crisis = detect_crisis(inbound.text)
        about_language = self._about_language(start, decision, crisis)
        if about_language is not None:
            stored = await self._answer(start, decision.language, notice + about_language, _Answer("handled"))
            log.info("conversation %s: language message %s handled", start.conversation.id, start.message_id)
            if start.conversation.state in (ConversationState.WAITING, ConversationState.CASEWORKER):
                self.handoff.tenant_wrote(start.conversation.id, start.message_id)  # the person reads it
            return RouteResult(replies=stored, language=decision.language, state=start.conversation.state)
        state = start.conversation.state
        if bot_answers(state) or state is ConversationState.CLOSED:
            return await self._to_the_bot(inbound, start, decision.language, notice, offered, crisis)
        return await self._while_a_person_holds(inbound, start, decision.language, notice, offered, crisis)

    def _about_language(
        self, start: TurnStart, decision: LanguageDecision, crisis: bool
    ) -> list[Outbound] | None:
        """The answer to a language choice, or to a message in a language we do not speak; else None.

        Neither goes to Rasa: the gateway owns the language. A person holding the
        conversation reads the message anyway; the tenant only gets the confirmation.
        """
        if crisis:
            return None  # the crisis route beats everything
        if decision.explicit:
            return [Outbound(text=texts.text("language_switched", decision.language), author="system")]
        if decision.unsupported and bot_answers(start.conversation.state):
            # Dutch and English, the languages most people in Flanders read, plus the list.
            both = "\n\n".join(texts.text("unsupported_language", lang) for lang in ("nl", "en"))
            return [Outbound(text=both, buttons=language_buttons(), author="system")]
        return None

    async def _to_the_bot(
        self,
        inbound: Inbound,
        start: TurnStart,
        language: str,
        notice: list[Outbound],
        offered: list[Button],
        crisis: bool,
    ) -> RouteResult:
        conversation_id = start.conversation.id
        if inbound.intent is not None and not crisis:
            rasa_text = inbound.intent  # mapped by the channel from a command, never tenant text
        else:
            rasa_text = text_for_rasa(inbound.text, inbound.button_payload, offered, crisis)
        metadata = {"language": language, "channel": inbound.channel}
        try:
            turn = await self.rasa.send(conversation_id, rasa_text, metadata)
        except RasaUnavailable as error:
            log.warning("rasa unavailable for conversation %s: %s", conversation_id, error)
            return await self._bot_unavailable(start, language, notice, crisis)

        if not turn.replies and turn.handoff is None:
            # Every custom action answers something, so silence means an action failed;
            # Rasa itself only logs that the action server is unreachable.
            actions = await action_server_status(self.action_url)
            log.warning(
                "empty bot turn for conversation %s (action server ok=%s)", conversation_id, actions.ok
            )
            return await self._bot_unavailable(start, language, notice, crisis)

        signal = None
        if turn.handoff is not None:
            signal = {**turn.handoff, "language": turn.handoff.get("language") or language}
        answer = _Answer("handled", reopen=True, handoff=signal, signal=signal, waiting=True)
        stored = await self._answer(start, language, notice + list(turn.replies), answer)
        log.info(
            "conversation %s: message %s handled, %d replies", conversation_id, start.message_id, len(stored)
        )
        state = ConversationState.WAITING if signal is not None else ConversationState.BOT
        return RouteResult(replies=stored, language=language, state=state, handoff=turn.handoff)

    async def _while_a_person_holds(
        self,
        inbound: Inbound,
        start: TurnStart,
        language: str,
        notice: list[Outbound],
        offered: list[Button],
        crisis: bool,
    ) -> RouteResult:
        """Waiting or with a caseworker: nothing goes to Rasa; the message waits for the person."""
        conversation_id = start.conversation.id
        state = start.conversation.state
        if state is ConversationState.WAITING and _wants_to_stop_waiting(inbound, offered):
            replies = notice + cancelled_replies(language)
            await self._answer(start, language, replies, _Answer("handled", cancel=True))
            self.handoff.waiting_cancelled(conversation_id)
            return RouteResult(replies=replies, language=language, state=ConversationState.BOT)

        replies = list(notice)
        if crisis and state is ConversationState.CASEWORKER:
            # A crisis while talking to a person: top of the queue, numbers now.
            replies.append(Outbound(text=texts.text("emergency_again", language), author="system"))
        answer = _Answer(
            "queued",
            signal=crisis_signal(language) if crisis else None,
            waiting=False if state is ConversationState.WAITING else None,
        )
        stored = await self._answer(start, language, replies, answer)
        self.handoff.tenant_wrote(conversation_id, start.message_id)
        return RouteResult(replies=stored, language=language, state=state)

    async def _bot_unavailable(
        self, start: TurnStart, language: str, notice: list[Outbound], crisis: bool
    ) -> RouteResult:
        """Rasa or an action failed: say so honestly and queue the conversation for a person."""
        replies = [*notice, Outbound(text=texts.text("bot_unavailable", language), author="system")]
        answer = _Answer("failed", signal=bot_unavailable_signal(language, crisis), waiting=True)
        stored = await self._answer(start, language, replies, answer)
        return RouteResult(replies=stored, language=language, state=ConversationState.WAITING)

    async def _answer(
        self, start: TurnStart, language: str, replies: list[Outbound], answer: _Answer
    ) -> list[Outbound]:
        """The turn's second transaction: the language, the state change, the handoff and its
        case, the waiting tenant's replies, every reply, and the inbound message's status.

        Returns the replies as stored (with the waiting replies added).
        """
        conversation = start.conversation

        def work(store: Store) -> tuple[list[Outbound], CaseRecord | None]:
            conversations, cases = store.conversations, store.cases
            if language != conversation.language:
                conversations.set_language(conversation.id, language)
            if answer.cancel:
                cases.cancel_waiting(conversation.id)
            if answer.reopen and answer.signal is None and conversation.state is ConversationState.CLOSED:
                conversations.apply_event(conversation.id, Event.TENANT_RETURNED)
            if answer.handoff is not None:
                conversations.record_handoff(conversation.id, answer.handoff)
            case = None
            if answer.signal is not None:
                case = cases.open(conversation.id, answer.signal)
            elif answer.waiting is not None:
                case = cases.open_for_conversation(conversation.id)
            all_replies = list(replies)
            if case is not None and answer.waiting is not None:
                all_replies += self.handoff.waiting_replies_in(store, case, language, first=answer.waiting)
            conversations.store_outbound(conversation.id, all_replies)
            conversations.mark_inbound(start.message_id, answer.status)
            return all_replies, case

        stored, case = await to_thread.run_sync(self.db.in_transaction, work)
        if case is not None and answer.signal is not None:
            self.handoff.case_queued(case)
        return stored


def _wants_to_stop_waiting(inbound: Inbound, offered: list[Button]) -> bool:
    """The "stop waiting" button, pressed or typed."""
    if inbound.button_payload == CANCEL_PAYLOAD:
        return True
    return any(
        button.payload == CANCEL_PAYLOAD and button.title.casefold() == inbound.text.casefold()
        for button in offered
    )
