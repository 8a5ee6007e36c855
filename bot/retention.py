"""The tenant's data: the retention purge, erasure on request, consent withdrawal, their copy.

* **Retention.** :func:`purge` erases the texts of every conversation closed or idle for
  longer than ``HUURHULP_RETENTION_DAYS`` from the gateway's tables
  (:mod:`bot.storage.privacy`) and from Rasa's tracker store (:mod:`bot.storage.tracker`).
  ``huurhulp purge [--dry-run]`` runs it on demand (:func:`purge_command`); the gateway runs
  it every ``HUURHULP_PURGE_EVERY_HOURS`` (:func:`start_daily_purge`, from its lifespan).
* **Erasure.** "verwijder mijn gesprek" (or its equivalent in any of the eight languages,
  ``vocabulary/lexicon/erasure.yml``), a menu entry of the widget, ``DELETE
  /api/web/conversations/{id}`` or Telegram's ``/verwijder`` and ``/delete``. The channels
  ask :meth:`Forgetting.intercept` first: a request gets a yes/no question from the gateway
  itself, so it works in every state and while Rasa is down; yes erases everywhere
  (:meth:`Forgetting.erase`), tells an open case's caseworker that it closed (ids only)
  and closes the tenant's live connections.
* **Consent.** The storage layer records it from the handoff signal
  (:func:`bot.storage.privacy.record_consent`); "ik trek mijn toestemming in" (or
  ``DELETE .../consent``, Telegram's ``/intrekken`` and ``/withdraw``) withdraws it, and the
  cases lose the intake details.
* **A copy.** :func:`export_text` is the tenant's conversation as a readable text file.

Privacy: only ids and counts are ever logged.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from anyio import to_thread
from babel.dates import format_date

from bot import texts
from bot.handoff import HandoffService
from bot.hub import CONSOLE_TOPIC, console_change, conversation_topic
from bot.messages import Button, Inbound, Outbound
from bot.settings import Settings
from bot.states import ConversationState
from bot.storage.database import Database, Store
from bot.storage.models import utcnow
from bot.storage.privacy import ErasureRecord, PurgeCounts, Withdrawal
from bot.storage.records import MessageRecord
from bot.storage.tracker import TrackerStore, erase_tracker
from vocabulary.erasure import confirmation_answer, privacy_request
from vocabulary.languages import SUPPORTED_LANGUAGES

log = logging.getLogger(__name__)

#: Payloads of the erasure question's buttons; handled by the gateway, never sent to Rasa.
ERASE_PAYLOAD = "/erase:yes"
KEEP_PAYLOAD = "/erase:no"
#: Conversations erased per transaction by the purge: a tenant's turn waits at most for one
#: batch (a few tens of milliseconds on SQLite), and the commits stay few.
PURGE_BATCH = 25
#: The first purge runs this long after the gateway starts (never slows a start-up).
FIRST_PURGE_DELAY = 60.0
#: The hub event that tells a tenant's live connections their conversation is gone.
ERASED_EVENT = {"type": "erased"}
#: Dates and times in the tenant's copy are Belgian.
TIMEZONE = ZoneInfo("Europe/Brussels")
#: What a privacy turn does inside its transaction: its replies, in the given language.
_Answer = Callable[[Store, str], list[Outbound]]
#: Second sweeps of Rasa's tracker store still to run (asyncio keeps only weak references).
_SWEEPS: set[asyncio.Task[None]] = set()


# Retention ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeReport:
    """What a purge run erased (or, with ``dry_run``, would erase): counts only."""

    retention_days: int
    cutoff: dt.datetime
    counts: PurgeCounts
    tracker_conversations: int
    tracker_events: int
    dry_run: bool
    seconds: float

    def lines(self) -> list[str]:
        """The report as ``huurhulp purge`` prints it."""
        counts = self.counts
        verb = "would erase" if self.dry_run else "erased"
        return [
            f"retention: {self.retention_days} days (conversations last active before "
            f"{self.cutoff:%Y-%m-%d %H:%M} UTC)",
            f"conversations {verb}: {counts.conversations} "
            f"(open cases closed as expired: {counts.open_cases})",
            f"messages {verb}: {counts.messages}",
            f"case notes {verb}: {counts.notes}",
            f"case records kept without text: {counts.cases}",
            f"rasa tracker: {self.tracker_events} events of {self.tracker_conversations} "
            f"conversations {verb}",
            "dry run: nothing was changed" if self.dry_run else f"done in {self.seconds:.2f} s",
        ]


def purge(
    db: Database,
    tracker_url: str,
    retention_days: int,
    *,
    now: dt.datetime | None = None,
    dry_run: bool = False,
) -> PurgeReport:
    """Erase the texts of conversations closed or idle for longer than ``retention_days``.

    In the gateway's tables each conversation is erased in its own transaction, after
    checking under its lock that it is still idle (:meth:`bot.storage.privacy.Privacy.erase_if_idle`).
    In Rasa's tracker store go: the events of the conversations erased now, of conversations
    erased before (a turn under way during an erasure can write them back), and of senders
    the gateway does not know whose newest event is older than the cutoff. ``dry_run``
    counts the same without changing anything.
    """
    started = time.monotonic()
    cutoff = (now or utcnow()) - dt.timedelta(days=retention_days)
    expired = db.privacy.expired(cutoff)
    tracker = TrackerStore(tracker_url)
    try:
        senders = tracker.senders()
        known = db.privacy.known_among(senders)
        erased_before = db.privacy.erased_among(senders)
        stale = {
            sender
            for sender, newest in senders.items()
            if sender not in known and (newest is None or newest < cutoff.timestamp())
        }
        if dry_run:
            counts = db.privacy.count(expired)
            targets = (set(expired) | erased_before | stale) & senders.keys()
            events = tracker.count(targets)
        else:
            records = _erase_idle(db, expired, cutoff)
            counts = PurgeCounts(
                conversations=len(records),
                messages=sum(r.messages for r in records),
                notes=sum(r.notes for r in records),
                cases=sum(r.cases for r in records),
                open_cases=sum(1 for r in records if r.closed_case_id is not None),
            )
            if records:
                db.privacy.record_purge(len(records))
            targets = ({r.conversation_id for r in records} | erased_before | stale) & senders.keys()
            events = tracker.erase(targets)
    finally:
        tracker.close()
    return PurgeReport(
        retention_days=retention_days,
        cutoff=cutoff,
        counts=counts,
        tracker_conversations=len(targets),
        tracker_events=events,
        dry_run=dry_run,
        seconds=time.monotonic() - started,
    )


def _erase_idle(db: Database, conversation_ids: Sequence[str], cutoff: dt.datetime) -> list[ErasureRecord]:
    """Erase in batches of :data:`PURGE_BATCH`: short transactions, few commits."""
    erased: list[ErasureRecord] = []
    for start in range(0, len(conversation_ids), PURGE_BATCH):
        erased += db.privacy.erase_idle(conversation_ids[start : start + PURGE_BATCH], cutoff)
    return erased


def purge_command(settings: Settings, dry_run: bool) -> int:
    """``huurhulp purge [--dry-run]``: run the purge once and print what it did (counts only)."""
    db = Database(settings.effective_database_url)
    try:
        db.migrate()
        report = purge(db, settings.effective_tracker_store_url, settings.retention_days, dry_run=dry_run)
    finally:
        db.dispose()
    for line in report.lines():
        print(line)
    sys.stdout.flush()
    return 0


async def _purge_regularly(db: Database, settings: Settings) -> None:
    interval = settings.purge_every_hours * 3600.0
    await asyncio.sleep(min(FIRST_PURGE_DELAY, interval))
    while True:
        try:
            report = await to_thread.run_sync(
                lambda: purge(db, settings.effective_tracker_store_url, settings.retention_days)
            )
            log.info(
                "retention purge: %d conversations, %d messages, %d tracker events erased in %.2f s",
                report.counts.conversations,
                report.counts.messages,
                report.tracker_events,
                report.seconds,
            )
        except Exception as error:  # the next run tries again; never take the gateway down
            log.error("retention purge failed: %s", type(error).__name__)
        await asyncio.sleep(interval)


def start_daily_purge(db: Database, settings: Settings) -> asyncio.Task[None] | None:
    """Start the gateway's regular purge (None when ``HUURHULP_PURGE_EVERY_HOURS`` is 0)."""
    if settings.purge_every_hours <= 0:
        return None
    return asyncio.create_task(_purge_regularly(db, settings), name="retention-purge")


# The tenant's copy ---------------------------------------------------------------------------


def export_text(messages: Sequence[MessageRecord], language: str | None, now: dt.datetime) -> str:
    """The conversation as a plain text file the tenant can read and keep."""
    lang = language if language in SUPPORTED_LANGUAGES else "nl"
    day = format_date(now.astimezone(TIMEZONE).date(), format="long", locale=lang)
    header = texts.text("export_header", lang, date=day)
    lines = [header, "=" * len(header), ""]
    for message in messages:
        when = message.created_at.astimezone(TIMEZONE).strftime("%Y-%m-%d %H:%M")
        if message.author == "tenant":
            who = texts.text("export_you", lang)
        elif message.author == "caseworker":
            who = message.author_name or texts.text("export_caseworker", lang)
        else:
            who = "Huurhulp"
        lines.append(f"{when}  {who}:")
        lines.append(message.text)
        if message.buttons:
            lines.append("  " + " ".join(f"[{button.title}]" for button in message.buttons))
        lines.append("")
    return "\n".join(lines)


def export_file_name(now: dt.datetime) -> str:
    """``huurhulp-2026-12-06.txt``."""
    return f"huurhulp-{now.astimezone(TIMEZONE):%Y-%m-%d}.txt"


# Erasure and consent ---------------------------------------------------------------------------


@dataclass
class PrivacyTurn:
    """What the gateway answered to a privacy request (nothing of it went to Rasa)."""

    replies: list[Outbound]
    language: str
    state: ConversationState | None  # None: the conversation is erased
    erased: ErasureRecord | None = None

    @property
    def mode(self) -> str:
        """The web chat API's ``mode``: the conversation's state, or ``erased``."""
        return "erased" if self.state is None else self.state.value


def erase_buttons(language: str | None) -> tuple[Button, Button]:
    """Yes and no to the erasure question."""
    return (
        Button(texts.text("erase_yes", language), ERASE_PAYLOAD),
        Button(texts.text("erase_no", language), KEEP_PAYLOAD),
    )


async def cancel_sweeps() -> None:
    """Cancel the second sweeps still waiting (the gateway stops; the next purge sweeps them)."""
    pending = list(_SWEEPS)
    for task in pending:
        task.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


@dataclass(frozen=True)
class Forgetting:
    """Erasure and consent withdrawal for the channels. It keeps no state of its own (the
    second sweeps wait in the module), so a channel may build one whenever it needs it."""

    db: Database
    settings: Settings
    handoff: HandoffService

    async def erase(self, conversation_id: str) -> ErasureRecord:
        """Erase a conversation everywhere, at the tenant's request.

        The gateway's tables first (one transaction: :meth:`bot.storage.privacy.Privacy.erase`),
        then Rasa's tracker store, now and once more after a Rasa turn's time (a turn under
        way could write its tracker back). A tracker store that fails now is swept by the
        next purge; the erasure itself stands. Raises :class:`ConversationNotFound`.
        """
        record = await to_thread.run_sync(self.db.privacy.erase, conversation_id, "tenant")
        events = await self._erase_tracker(conversation_id)
        self._sweep_later(conversation_id)
        self.handoff.hub.publish(conversation_topic(conversation_id), dict(ERASED_EVENT))
        if record.closed_case_id is not None:
            # The caseworker's console learns that the case closed (ids only); it never sees
            # the text again.
            self.handoff.hub.publish(
                CONSOLE_TOPIC, console_change("closed", conversation_id, record.closed_case_id)
            )
        log.info(
            "conversation %s erased by the tenant: %d messages, %d notes, %d tracker events%s",
            conversation_id,
            record.messages,
            record.notes,
            events,
            f", case {record.closed_case_id} closed" if record.closed_case_id is not None else "",
        )
        return record

    async def _erase_tracker(self, conversation_id: str) -> int:
        url = self.settings.effective_tracker_store_url
        try:
            return await to_thread.run_sync(erase_tracker, url, [conversation_id])
        except Exception as error:
            log.warning(
                "rasa tracker of conversation %s not erased yet (%s); the next purge does it",
                conversation_id,
                type(error).__name__,
            )
            return 0

    def _sweep_later(self, conversation_id: str) -> None:
        async def sweep() -> None:
            await asyncio.sleep(self.settings.rasa_timeout + 5.0)
            late = await self._erase_tracker(conversation_id)
            if late:
                log.info("conversation %s: %d late tracker events erased", conversation_id, late)

        task = asyncio.create_task(sweep(), name=f"erase-tracker-{conversation_id}")
        _SWEEPS.add(task)
        task.add_done_callback(_SWEEPS.discard)

    async def withdraw_consent(self, conversation_id: str) -> Withdrawal:
        """The tenant withdraws consent: the cases keep no intake details (audited)."""
        withdrawal = await to_thread.run_sync(self.db.privacy.withdraw_consent, conversation_id)
        log.info(
            "conversation %s: consent withdrawn (%d consents, %d cases without intake)",
            conversation_id,
            withdrawal.consents,
            withdrawal.cases,
        )
        return withdrawal

    # In the conversation -------------------------------------------------------------------

    async def intercept(self, inbound: Inbound) -> PrivacyTurn | None:
        """Answer a privacy request or the answer to the erasure question; None for anything
        else (the router handles it). Channels call this before the router."""
        if inbound.intent is not None:
            return None  # a channel command the channel mapped itself (/start, /help)
        payload = inbound.button_payload
        answer: bool | None = None
        request = None
        if payload in (ERASE_PAYLOAD, KEEP_PAYLOAD):
            answer = payload == ERASE_PAYLOAD
        elif payload is None:
            request = privacy_request(inbound.text)
            if request is None:
                answer = confirmation_answer(inbound.text)
        if request is not None:
            if request.kind == "erase":
                return await self.ask(inbound, request.language)
            return await self.withdraw_turn(inbound, request.language)
        if answer is None:
            return None
        # A yes or no only counts as the answer to the erasure question, the newest one.
        conversation_id = inbound.conversation_id
        offered = await to_thread.run_sync(self.db.conversations.last_offered_buttons, conversation_id)
        if not {ERASE_PAYLOAD, KEEP_PAYLOAD} <= {button.payload for button in offered}:
            return None
        if answer:
            record = await self.erase(conversation_id)
            language = record.language or self.settings.default_language
            key = "erased_telegram" if record.channel == "telegram" else "erased"
            return PrivacyTurn(
                [Outbound(text=texts.text(key, language), author="system")], language, None, record
            )

        def kept(_store: Store, lang: str) -> list[Outbound]:
            return [Outbound(texts.text("erase_kept", lang), author="system")]

        return await self._stored_turn(inbound, None, kept)

    async def ask(self, inbound: Inbound, language: str | None) -> PrivacyTurn:
        """Store the request and ask whether to erase everything (yes / no buttons)."""

        def question(_store: Store, lang: str) -> list[Outbound]:
            return [Outbound(texts.text("erase_confirm", lang), buttons=erase_buttons(lang), author="system")]

        return await self._stored_turn(inbound, language, question)

    async def withdraw_turn(self, inbound: Inbound, language: str | None) -> PrivacyTurn:
        """Store the request, withdraw the consent (the cases lose the intake details), say so."""

        def withdraw(store: Store, lang: str) -> list[Outbound]:
            store.privacy.withdraw_consent(inbound.conversation_id)
            return [Outbound(texts.text("consent_withdrawn", lang), author="system")]

        turn = await self._stored_turn(inbound, language, withdraw)
        log.info("conversation %s: consent withdrawn in the conversation", inbound.conversation_id)
        return turn

    async def _stored_turn(self, inbound: Inbound, language: str | None, answer: _Answer) -> PrivacyTurn:
        """One transaction: store the tenant's message, do ``answer``'s work, store its replies
        (after the privacy notice on first contact), mark the message handled."""

        def work(store: Store) -> tuple[list[Outbound], str, ConversationState, int]:
            start = store.conversations.begin_turn(
                inbound.conversation_id, inbound.text, inbound.button_payload
            )
            conversation = start.conversation
            lang = (
                language or conversation.language or inbound.language_hint or self.settings.default_language
            )
            if conversation.language is None:
                store.conversations.set_language(conversation.id, lang)
            replies: list[Outbound] = []
            if start.first_contact:
                replies.append(Outbound(texts.text("privacy_notice", lang), author="system"))
            replies += answer(store, lang)
            store.conversations.store_outbound(conversation.id, replies)
            store.conversations.mark_inbound(start.message_id, "handled")
            return replies, lang, conversation.state, start.message_id

        replies, lang, state, message_id = await to_thread.run_sync(self.db.in_transaction, work)
        if state in (ConversationState.WAITING, ConversationState.CASEWORKER):
            self.handoff.tenant_wrote(inbound.conversation_id, message_id)  # the person sees it
        log.info("conversation %s: privacy message %s handled", inbound.conversation_id, message_id)
        return PrivacyTurn(replies, lang, state)
