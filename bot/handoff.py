"""The human side of a conversation: queueing, claiming, replying, handing back, closing.

Routes and the router call this service; it keeps the database, the tenant's channel,
the live updates and Rasa in step. Every caseworker action is one database transaction
(the state change of conversation and case, the audit event and the message that tells
the tenant); delivery to the tenant follows the commit. The state machines are in
``bot/states.py``, the urgency rules in ``bot/escalation.py``.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable

from anyio import to_thread

from bot import texts
from bot.escalation import needs_emergency_numbers
from bot.hub import CONSOLE_TOPIC, Hub, console_change, conversation_topic
from bot.messages import Button, Outbound
from bot.office_hours import OfficeHours
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.states import CaseStatus
from bot.storage.database import Database, Store
from bot.storage.records import CaseRecord, CaseworkerRecord, MessageRecord

log = logging.getLogger(__name__)

#: The payload of the "stop waiting" button; handled by the gateway, never sent to Rasa.
CANCEL_PAYLOAD = "/cancel_waiting"
#: The intent Rasa is told when a caseworker hands the conversation back.
HANDED_BACK_INTENT = "handed_back"
#: Sends stored outbound messages of a conversation over a channel (Telegram registers one;
#: the web chat only needs the live hub, its clients also poll the messages API).
ChannelSender = Callable[[str, list[MessageRecord]], Awaitable[None]]


def waiting_replies(
    case: CaseRecord,
    position: int | None,
    language: str | None,
    first: bool,
    office_hours: OfficeHours,
    now: dt.datetime,
) -> list[Outbound]:
    """What a waiting tenant is told: who answers, when, their place; numbers again for S."""
    place = position or 1
    if first:
        parts = [texts.text("waiting", language, position=place)]
        if office_hours.is_open(now):
            parts.append(texts.text("office_open", language))
        else:
            opening = texts.format_opening(office_hours.next_opening(now), language)
            parts.append(texts.text("office_closed", language, opening=opening))
    else:
        parts = [texts.text("still_waiting", language, position=place)]
    replies = [
        Outbound(
            text=" ".join(parts),
            buttons=(Button(texts.text("cancel_button", language), CANCEL_PAYLOAD),),
            author="system",
        )
    ]
    if needs_emergency_numbers(case.priority):
        replies.append(Outbound(text=texts.text("emergency_again", language), author="system"))
    return replies


def cancelled_replies(language: str | None) -> list[Outbound]:
    """What a tenant who stopped waiting is told."""
    return [Outbound(text=texts.text("cancelled", language), author="system")]


class HandoffService:
    """One per gateway process."""

    def __init__(self, db: Database, rasa: RasaClient, hub: Hub, office_hours: OfficeHours) -> None:
        self.db = db
        self.rasa = rasa
        self.hub = hub
        self.office_hours = office_hours
        self.senders: dict[str, ChannelSender] = {}

    # Tenant side (inside the router's transaction, then announced) ----------------------

    def waiting_replies_in(
        self, store: Store, case: CaseRecord, language: str | None, first: bool
    ) -> list[Outbound]:
        """:func:`waiting_replies` with the case's place in the queue, read in ``store``'s transaction."""
        position = store.cases.queue_position(case.id)
        now = dt.datetime.now(dt.timezone.utc)
        return waiting_replies(case, position, language, first, self.office_hours, now)

    def case_queued(self, case: CaseRecord) -> None:
        """Tell open console pages about a new or escalated case (after the commit)."""
        self._announce("queued", case.conversation_id, case.id)
        log.info(
            "case %s for conversation %s: %s %s", case.id, case.conversation_id, case.priority, case.stage
        )

    def waiting_cancelled(self, conversation_id: str) -> None:
        """Tell open console pages that a tenant stopped waiting."""
        self._announce("cancelled", conversation_id)

    def tenant_wrote(self, conversation_id: str, message_id: int) -> None:
        """Tell open console pages that a tenant message arrived for the person (stored)."""
        self._announce("message", conversation_id, message_id=message_id)

    def _announce(
        self, what: str, conversation_id: str, case_id: int | None = None, message_id: int | None = None
    ) -> None:
        """The one place the console is told about changes (after the commit; ids only)."""
        self.hub.publish(CONSOLE_TOPIC, console_change(what, conversation_id, case_id, message_id))

    # Caseworker side -----------------------------------------------------------------

    async def claim(self, case_id: int, caseworker: CaseworkerRecord) -> CaseRecord:
        """Take a waiting case (exclusive); the tenant is told who took over. One transaction."""

        def work(store: Store) -> tuple[CaseRecord, list[MessageRecord]]:
            before = store.cases.get(case_id)
            case = store.cases.claim(case_id, caseworker.id)
            told: list[MessageRecord] = []
            if before.status is CaseStatus.WAITING:  # not when the holder claims again
                joined = texts.text("caseworker_joined", case.language, name=caseworker.display_name)
                told = store.conversations.store_outbound(
                    case.conversation_id, [Outbound(text=joined, author="system")]
                )
            return case, told

        case, told = await to_thread.run_sync(self.db.in_transaction, work)
        self._announce("claimed", case.conversation_id, case.id)
        if told:
            await self._deliver(case.conversation_id, case.channel, told)
        return case

    async def reply(self, case_id: int, caseworker: CaseworkerRecord, text: str) -> MessageRecord:
        """A caseworker's message: holder check, store and audit in one transaction, then delivered."""
        message = await to_thread.run_sync(self.db.cases.reply, case_id, caseworker.id, text)
        self._announce("message", message.conversation_id, case_id, message.id)
        await self._deliver(message.conversation_id, None, [message])
        return message

    async def transfer(
        self, case_id: int, caseworker: CaseworkerRecord, target: CaseworkerRecord
    ) -> CaseRecord:
        """Give the case to a colleague (audited in the same transaction)."""
        case = await to_thread.run_sync(self.db.cases.transfer, case_id, caseworker.id, target.id)
        self._announce("transferred", case.conversation_id, case.id)
        return case

    async def release(self, case_id: int, caseworker: CaseworkerRecord) -> CaseRecord:
        """Hand the conversation back to the bot and tell Rasa, so the bot knows."""
        case = await to_thread.run_sync(self.db.cases.release, case_id, caseworker.id)
        self._announce("released", case.conversation_id, case.id)
        try:
            turn = await self.rasa.trigger_intent(case.conversation_id, HANDED_BACK_INTENT)
            replies = turn.replies
        except RasaUnavailable as error:
            log.warning("could not tell Rasa about the hand-back of case %s: %s", case_id, error)
            replies = []
        if not replies:
            replies = cancelled_replies(case.language)
        stored = await to_thread.run_sync(self.db.conversations.store_outbound, case.conversation_id, replies)
        self._announce("message", case.conversation_id, case.id)  # the bot's (or our) words to the tenant
        await self._deliver(case.conversation_id, case.channel, stored)
        return case

    async def close(
        self, case_id: int, caseworker: CaseworkerRecord, outcome: str, note: str | None
    ) -> CaseRecord:
        """Close the case with an outcome; the tenant may always write again. One transaction."""

        def work(store: Store) -> tuple[CaseRecord, list[MessageRecord]]:
            case = store.cases.close(case_id, caseworker.id, outcome, note)
            told = store.conversations.store_outbound(
                case.conversation_id,
                [Outbound(text=texts.text("case_closed", case.language), author="system")],
            )
            return case, told

        case, told = await to_thread.run_sync(self.db.in_transaction, work)
        self._announce("closed", case.conversation_id, case.id)
        await self._deliver(case.conversation_id, case.channel, told)
        return case

    # Delivery ------------------------------------------------------------------------

    async def _deliver(
        self, conversation_id: str, channel: str | None, messages: list[MessageRecord]
    ) -> None:
        """Push stored messages to the tenant: live hub, plus the channel's own sender.

        ``channel`` None: every sender is woken (they only deliver what their outbox holds).
        The console was already told by the action (:meth:`_announce`).
        """
        for message in messages:
            self.hub.publish(
                conversation_topic(conversation_id), {"type": "message", "message": message.to_dict()}
            )
        senders = list(self.senders.values()) if channel is None else [self.senders.get(channel)]
        for sender in senders:
            if sender is not None:
                await sender(conversation_id, messages)
