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

# The crisis lexicon is shared with the action server and `huurhulp triage`: one list of
# phrasings, one place to improve it. (actions never imports bot; this direction is fine.)
from actions.triage import detect_crisis
from bot import texts
from bot.handoff import CANCEL_PAYLOAD, HandoffService
from bot.health import action_server_status
from bot.language import choose_language
from bot.messages import Button, Inbound, Outbound
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.states import ConversationState, Event, bot_answers
from bot.storage.repository import ConversationRecord, Database

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


def clean_text(raw: str) -> str:
    """Normalise a tenant's text for storage: NFC, no control characters, trimmed."""
    return _UNPRINTABLE.sub("", unicodedata.normalize("NFC", raw)).strip()


def text_for_rasa(text: str, pressed: str | None, offered: list[Button], crisis: bool = False) -> str:
    """What Rasa may see of a tenant message.

    Rasa parses any text that starts with ``/`` as an intent with entities, bypassing NLU
    (``/restart``, ``/inform{"slot": "x"}``). A tenant must not drive the bot's internals,
    so such a payload only passes when it is one of the buttons the bot just offered;
    typed text that equals a button's title counts as pressing it. Everything else loses
    its leading slashes and goes through NLU like any other sentence.
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
        language = choose_language(conversation.language, inbound.text, inbound.language_hint)
        if language != conversation.language:
            await to_thread.run_sync(db.set_language, conversation.id, language)
        notice: list[Outbound] = []
        if await to_thread.run_sync(db.count_messages, conversation.id, "out") == 0:
            # Before anything else, once: what we keep and who reads it (also when Rasa is down).
            notice = [Outbound(text=texts.text("privacy_notice", language), author="system")]
            await to_thread.run_sync(db.store_outbound, conversation.id, notice)
        result = await self._route(inbound, message_id, conversation, language)
        result.replies[:0] = notice
        return result

    async def _route(
        self, inbound: Inbound, message_id: int, conversation: ConversationRecord, language: str
    ) -> RouteResult:
        db = self.db
        state = conversation.state
        if state is ConversationState.CLOSED:
            state = await to_thread.run_sync(db.apply_event, conversation.id, Event.TENANT_RETURNED)
        crisis = detect_crisis(inbound.text)

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
