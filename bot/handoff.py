"""The human side of a conversation: queueing, claiming, replying, handing back, closing.

Routes and the router call this service; it keeps the database, the tenant's channel,
the live updates and Rasa in step. State changes themselves happen in the repository,
through the one state table (``bot/states.py``), in one transaction each.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from anyio import to_thread

from bot import texts
from bot.hub import Hub, conversation_topic
from bot.messages import Button, Outbound
from bot.office_hours import OfficeHours
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.storage.repository import (
    CaseConflict,
    CaseRecord,
    CaseworkerRecord,
    ConversationRecord,
    Database,
    MessageRecord,
)

log = logging.getLogger(__name__)

#: The payload of the "stop waiting" button; handled by the gateway, never sent to Rasa.
CANCEL_PAYLOAD = "/cancel_waiting"
#: The intent Rasa is told when a caseworker hands the conversation back.
HANDED_BACK_INTENT = "handed_back"
#: Sends stored outbound messages over a channel (Telegram registers one; the web chat
#: only needs the live hub, its clients also poll the messages API).
ChannelSender = Callable[[ConversationRecord, list[MessageRecord]], Awaitable[None]]


class HandoffService:
    """One per gateway process."""

    def __init__(self, db: Database, rasa: RasaClient, hub: Hub, office_hours: OfficeHours) -> None:
        self.db = db
        self.rasa = rasa
        self.hub = hub
        self.office_hours = office_hours
        self.senders: dict[str, ChannelSender] = {}

    # Tenant side ---------------------------------------------------------------------

    async def queue(self, conversation_id: str, signal: dict[str, Any]) -> CaseRecord:
        """Open (or escalate) the conversation's case from a handoff signal."""
        case = await to_thread.run_sync(self.db.open_case, conversation_id, signal)
        self.hub.publish("console", {"type": "case", "case_id": case.id, "priority": case.priority})
        log.info("case %s for conversation %s: %s %s", case.id, conversation_id, case.priority, case.stage)
        return case

    async def waiting_replies(self, case: CaseRecord, language: str | None, first: bool) -> list[Outbound]:
        """What a waiting tenant is told: who answers, when, their place; numbers again for S."""
        position = await to_thread.run_sync(self.db.queue_position, case.id) or 1
        now = dt.datetime.now(dt.timezone.utc)
        if first:
            parts = [texts.text("waiting", language, position=position)]
            if self.office_hours.is_open(now):
                parts.append(texts.text("office_open", language))
            else:
                opening = texts.format_opening(self.office_hours.next_opening(now), language)
                parts.append(texts.text("office_closed", language, opening=opening))
        else:
            parts = [texts.text("still_waiting", language, position=position)]
        replies = [
            Outbound(
                text=" ".join(parts),
                buttons=(Button(texts.text("cancel_button", language), CANCEL_PAYLOAD),),
                author="system",
            )
        ]
        if case.priority == "S":
            replies.append(Outbound(text=texts.text("emergency_again", language), author="system"))
        return replies

    async def cancel_waiting(self, conversation_id: str, language: str | None) -> list[Outbound]:
        """The tenant no longer wants to wait: back to the bot."""
        await to_thread.run_sync(self.db.cancel_waiting, conversation_id)
        self.hub.publish("console", {"type": "cancelled", "conversation_id": conversation_id})
        return [Outbound(text=texts.text("cancelled", language), author="system")]

    def tenant_wrote(self, conversation_id: str, message_id: int) -> None:
        """Tell open console pages that a tenant message arrived."""
        self.hub.publish(
            "console", {"type": "message", "conversation_id": conversation_id, "message_id": message_id}
        )

    # Caseworker side -----------------------------------------------------------------

    async def claim(self, case_id: int, caseworker: CaseworkerRecord) -> CaseRecord:
        """Take a waiting case (exclusive); the tenant is told who took over."""
        before = await to_thread.run_sync(self.db.get_case, case_id)
        case = await to_thread.run_sync(self.db.claim_case, case_id, caseworker.id)
        await to_thread.run_sync(self.db.audit, caseworker.id, "claimed", case_id, None)
        if before.status == "waiting":  # not when the holder claims again
            await self._tell_tenant(
                case, texts.text("caseworker_joined", case.language, name=caseworker.display_name)
            )
        return case

    async def reply(self, case_id: int, caseworker: CaseworkerRecord, text: str) -> MessageRecord:
        """A caseworker's message, stored, then delivered over the tenant's channel."""
        case = await to_thread.run_sync(self.db.get_case, case_id)
        if case.status != "caseworker" or case.claimed_by != caseworker.id:
            raise CaseConflict("Claim the case before replying.")
        message_id = await to_thread.run_sync(
            self.db.store_caseworker_message, case.conversation_id, caseworker.id, text
        )
        await to_thread.run_sync(self.db.audit, caseworker.id, "replied", case_id, {"message_id": message_id})
        messages = await to_thread.run_sync(self.db.messages_after, case.conversation_id, message_id - 1, 1)
        await self._deliver(case.conversation_id, messages)
        return messages[0]

    async def transfer(
        self, case_id: int, caseworker: CaseworkerRecord, target: CaseworkerRecord
    ) -> CaseRecord:
        """Give the case to a colleague."""
        case = await to_thread.run_sync(self.db.transfer_case, case_id, caseworker.id, target.id)
        await to_thread.run_sync(
            self.db.audit, caseworker.id, "transferred", case_id, {"to": target.username}
        )
        return case

    async def release(self, case_id: int, caseworker: CaseworkerRecord) -> CaseRecord:
        """Hand the conversation back to the bot and tell Rasa, so the bot knows."""
        case = await to_thread.run_sync(self.db.release_case, case_id, caseworker.id)
        await to_thread.run_sync(self.db.audit, caseworker.id, "released", case_id, None)
        try:
            turn = await self.rasa.trigger_intent(case.conversation_id, HANDED_BACK_INTENT)
            replies = turn.replies
        except RasaUnavailable as error:
            log.warning("could not tell Rasa about the hand-back of case %s: %s", case_id, error)
            replies = []
        if not replies:
            replies = [Outbound(text=texts.text("cancelled", case.language), author="system")]
        await self._store_and_deliver(case.conversation_id, replies)
        return case

    async def close(
        self, case_id: int, caseworker: CaseworkerRecord, outcome: str, note: str | None
    ) -> CaseRecord:
        """Close the case with an outcome; the tenant may always write again."""
        case = await to_thread.run_sync(self.db.close_case, case_id, caseworker.id, outcome, note)
        await to_thread.run_sync(self.db.audit, caseworker.id, "closed", case_id, {"outcome": outcome})
        await self._tell_tenant(case, texts.text("case_closed", case.language))
        return case

    # Delivery ------------------------------------------------------------------------

    async def _tell_tenant(self, case: CaseRecord, text: str) -> None:
        await self._store_and_deliver(case.conversation_id, [Outbound(text=text, author="system")])

    async def _store_and_deliver(self, conversation_id: str, replies: list[Outbound]) -> None:
        ids = await to_thread.run_sync(self.db.store_outbound, conversation_id, replies)
        messages = await to_thread.run_sync(self.db.messages_after, conversation_id, min(ids) - 1, len(ids))
        await self._deliver(conversation_id, messages)

    async def _deliver(self, conversation_id: str, messages: list[MessageRecord]) -> None:
        """Push stored messages to the tenant: live hub, plus the channel's own sender."""
        for message in messages:
            self.hub.publish(
                conversation_topic(conversation_id), {"type": "message", "message": message.to_dict()}
            )
        self.hub.publish("console", {"type": "message", "conversation_id": conversation_id})
        conversation = await to_thread.run_sync(self.db.get_conversation, conversation_id)
        sender = self.senders.get(conversation.channel)
        if sender is not None:
            await sender(conversation, messages)
