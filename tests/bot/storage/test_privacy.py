"""Erasure, the purge's selection and consents in the gateway's tables.

Every test runs on SQLite and on PostgreSQL (the ``database_url`` fixture). "Gone" is
checked by reading every row of every table for a unique marker (tests/privacy.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import case as sql_case
from sqlalchemy import inspect, update

import bot.storage.rows as rows
from bot.messages import Button, Outbound
from bot.states import CaseStatus, ConversationState, Event, Step
from bot.storage.database import Database
from bot.storage.models import Case, Conversation, Message, utcnow
from bot.storage.privacy import EXPIRED_OUTCOME, text_digest
from bot.storage.records import CaseworkerRecord, ConversationNotFound
from tests.bot.storage.conftest import signal
from tests.privacy import marker, tables_containing

MakeCaseworker = Callable[[str], CaseworkerRecord]
CONSENT_QUESTION = "Mag ik je gesprek doorgeven aan een hulpverlener?"


def chatted(db: Database, text: str) -> str:
    """A web conversation in which the tenant wrote ``text`` and the bot echoed it with buttons."""
    conversation, _ = db.conversations.create_web("nl")
    start = db.conversations.begin_turn(conversation.id, text)
    db.conversations.store_outbound(
        conversation.id, [Outbound(f"Je schreef: {text}", buttons=(Button(text, "/affirm"),))]
    )
    db.conversations.mark_inbound(start.message_id, "handled")
    return conversation.id


def consent_signal(**intake: Any) -> dict[str, Any]:
    return signal(
        reason="consent",
        intake={"handoff_consent": True, "children": True, "municipality": "Genk", **intake},
        flags=["children", "health_problems"],
    )


def age(db: Database, conversation_id: str, days: float) -> None:
    """Move everything of a conversation ``days`` into the past."""
    then = utcnow() - dt.timedelta(days=days)
    with db.engine.begin() as connection:
        connection.execute(
            update(Conversation)
            .where(Conversation.id == conversation_id)
            .values(created_at=then, last_activity_at=then)
        )
        connection.execute(
            update(Message).where(Message.conversation_id == conversation_id).values(created_at=then)
        )
        connection.execute(
            update(Case)
            .where(Case.conversation_id == conversation_id)
            .values(
                created_at=then,
                waiting_since=then,
                closed_at=sql_case((Case.closed_at.is_not(None), then), else_=None),
            )
        )


# Erasure -----------------------------------------------------------------------------------


def test_erasure_leaves_no_trace_of_the_text(
    db: Database, database_url: str, caseworker: MakeCaseworker
) -> None:
    secret = marker()
    conversation_id = chatted(db, f"mijn schuld is {secret}")
    wendy = caseworker("wendy")
    handoff = consent_signal(municipality="Genk", arrears_months=3, hearing_date=secret)
    db.conversations.record_handoff(conversation_id, handoff)  # as the router does
    case = db.cases.open(conversation_id, handoff)
    db.cases.claim(case.id, wendy.id)
    db.cases.reply(case.id, wendy.id, f"Ik noteer {secret}")
    db.cases.add_note(case.id, wendy.id, f"interne notitie {secret}")
    other = chatted(db, "iets anders")
    where = set(tables_containing(database_url, secret))
    assert where >= {"messages", "cases", "case_notes", "conversations"}

    erased = db.privacy.erase(conversation_id)

    assert tables_containing(database_url, secret) == {}
    assert (erased.messages, erased.notes, erased.cases, erased.closed_case_id) == (3, 1, 1, case.id)
    kept = db.cases.get(case.id)
    assert kept.status is CaseStatus.CLOSED and kept.outcome == "erased"
    assert (kept.priority, kept.stage, kept.flags) == ("P3", "arrears", ())
    assert kept.summary == {"municipality": "Genk"}
    assert kept.created_at and kept.closed_at and kept.reasons  # dates and reason codes stay
    assert db.conversations.get(conversation_id).state is ConversationState.CLOSED
    assert db.conversations.messages_after(conversation_id) == []
    audit = [(e.action, e.case_id, e.detail) for e in reversed(db.audit.recent(case_id=case.id))]
    assert [action for action, _, _ in audit] == ["consent_given", "claimed", "replied", "noted", "erased"]
    assert audit[-1] == ("erased", case.id, {"count": 3})
    assert len(db.conversations.messages_after(other)) == 2  # nobody else's conversation is touched


def test_the_state_machine_closes_the_open_case(db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[Event] = []
    real = rows.step

    def spy(state: ConversationState, case: CaseStatus | None, event: Event) -> Step:
        seen.append(event)
        return real(state, case, event)

    conversation_id = chatted(db, "hallo")
    case = db.cases.open(conversation_id, signal())
    monkeypatch.setattr(rows, "step", spy)
    db.privacy.erase(conversation_id)
    assert seen == [Event.CLOSED]
    assert db.cases.get(case.id).outcome == "erased"
    assert db.cases.open_for_conversation(conversation_id) is None


def test_an_erased_web_conversation_is_gone_for_its_token(db: Database) -> None:
    conversation, token = db.conversations.create_web("nl")
    assert db.conversations.authorised(conversation.id, token) is not None
    first = db.privacy.erase(conversation.id)
    assert not first.already_erased and first.closed_case_id is None
    with pytest.raises(ConversationNotFound):
        db.conversations.authorised(conversation.id, token)
    assert not db.conversations.token_matches(conversation.id, token)
    with pytest.raises(ConversationNotFound):
        db.conversations.begin_turn(conversation.id, "nog iets")  # nothing is stored any more
    # A turn under way during the erasure writes nothing back: no reply, no handoff, no case.
    assert db.conversations.store_outbound(conversation.id, [Outbound("te laat")]) == []
    db.conversations.record_handoff(conversation.id, signal())
    assert db.conversations.get(conversation.id).handoff is None
    with pytest.raises(ConversationNotFound):
        db.cases.open(conversation.id, signal())
    assert db.privacy.erase(conversation.id).already_erased
    assert [e.action for e in db.audit.recent()] == ["erased"]  # once


def test_an_erased_telegram_chat_starts_afresh(db: Database) -> None:
    conversation, _ = db.conversations.for_channel("telegram", "4242")
    db.conversations.begin_turn(conversation.id, "hallo")
    erased = db.privacy.erase(conversation.id)
    assert (erased.channel, erased.external_id) == ("telegram", "4242")
    again, created = db.conversations.for_channel("telegram", "4242")
    assert created and again.id != conversation.id


def test_unknown_conversation(db: Database) -> None:
    with pytest.raises(ConversationNotFound):
        db.privacy.erase("0" * 32)
    with pytest.raises(ConversationNotFound):
        db.privacy.withdraw_consent("0" * 32)
    with pytest.raises(ConversationNotFound):
        db.privacy.export("0" * 32)


# The purge's selection ---------------------------------------------------------------------


def test_only_conversations_idle_since_the_cutoff_expire(db: Database) -> None:
    old = chatted(db, "oud")
    recent = chatted(db, "recent")
    closed_long_ago = chatted(db, "afgesloten")
    db.cases.open(closed_long_ago, signal())
    db.cases.cancel_waiting(closed_long_ago)
    age(db, old, 200)
    age(db, closed_long_ago, 190)
    written_to_lately = chatted(db, "stil")
    age(db, written_to_lately, 200)
    db.conversations.store_outbound(written_to_lately, [Outbound("een hulpverlener schreef net")])
    cutoff = utcnow() - dt.timedelta(days=180)

    assert set(db.privacy.expired(cutoff)) == {old, closed_long_ago}
    counts = db.privacy.count([old, closed_long_ago])
    assert (counts.conversations, counts.messages, counts.cases, counts.open_cases) == (2, 4, 1, 0)
    assert recent not in db.privacy.expired(cutoff)

    db.conversations.begin_turn(old, "toch nog iets")  # becomes active before the purge reaches it
    assert db.privacy.erase_if_idle(old, cutoff) is None
    erased = db.privacy.erase_if_idle(closed_long_ago, cutoff)
    assert erased is not None and erased.closed_case_id is None
    assert db.privacy.expired(cutoff) == []
    assert db.privacy.erased_among([old, closed_long_ago, recent, "unknown"]) == {closed_long_ago}
    assert db.privacy.known_among([old, "unknown"]) == {old}


def test_an_open_case_idle_for_the_whole_period_closes_as_expired(db: Database) -> None:
    conversation_id = chatted(db, "hallo")
    case = db.cases.open(conversation_id, signal())
    age(db, conversation_id, 200)
    erased = db.privacy.erase_if_idle(conversation_id, utcnow() - dt.timedelta(days=180))
    assert erased is not None and erased.closed_case_id == case.id
    assert db.cases.get(case.id).outcome == EXPIRED_OUTCOME
    assert db.audit.recent(case_id=case.id)[0].action == "expired"


# Consent -------------------------------------------------------------------------------------


def test_consent_is_recorded_with_its_time_and_the_text_shown(db: Database) -> None:
    conversation, _ = db.conversations.create_web("nl")
    buttons = (Button("Ja", "/affirm"), Button("Nee", "/deny"))
    db.conversations.store_outbound(conversation.id, [Outbound(CONSENT_QUESTION, buttons=buttons)])
    db.conversations.begin_turn(conversation.id, "Ja", "/affirm")
    before = utcnow()
    case = db.cases.open(conversation.id, consent_signal())
    (consent,) = db.privacy.consents(conversation.id)
    shown = f"{CONSENT_QUESTION}\n[Ja] [Nee]"
    assert (consent.purpose, consent.case_id, consent.language, consent.text_shown) == (
        "handoff",
        case.id,
        "nl",
        shown,
    )
    assert consent.text_sha256 == text_digest(shown)
    assert before <= consent.given_at <= utcnow() and consent.withdrawn_at is None
    assert case.summary["children"] is True
    # Other handoff reasons record no consent.
    other, _ = db.conversations.create_web("nl")
    db.cases.open(other.id, signal(reason="requested"))
    assert db.privacy.consents(other.id) == []

    db.privacy.erase(conversation.id)  # erasure keeps when and what for, not the text
    (kept,) = db.privacy.consents(conversation.id)
    assert kept.text_shown is None and kept.text_sha256 == text_digest(shown)


def test_withdrawn_consent_leaves_no_intake_details(db: Database) -> None:
    conversation_id = chatted(db, "ja")
    case = db.cases.open(conversation_id, consent_signal())
    db.conversations.record_handoff(conversation_id, consent_signal())
    withdrawal = db.privacy.withdraw_consent(conversation_id)
    assert (withdrawal.consents, withdrawal.cases) == (1, 1)
    stripped = db.cases.get(case.id)
    assert (stripped.summary, stripped.flags) == ({}, ())
    assert (stripped.priority, stripped.stage) == ("P3", "arrears")  # the queue still works
    handoff = db.conversations.get(conversation_id).handoff
    assert handoff is not None and "intake" not in handoff and "flags" not in handoff
    (consent,) = db.privacy.consents(conversation_id)
    assert consent.withdrawn_at is not None
    assert db.audit.recent(case_id=case.id)[0].action == "consent_withdrawn"

    # The bot's later signals still carry the old answers (Rasa's slots): they stay out.
    escalated = db.cases.open(
        conversation_id,
        signal(
            reason="triage",
            priority="P1",
            stage="judgment",
            intake={"handoff_consent": True, "children": True},
        ),
    )
    assert (escalated.priority, escalated.summary, escalated.flags) == ("P1", {}, ())
    # Consenting anew (the intake asked again) brings them back, with a new record.
    again = db.cases.open(conversation_id, consent_signal())
    assert again.summary["children"] is True
    assert [c.withdrawn_at is None for c in db.privacy.consents(conversation_id)] == [False, True]


# The tenant's copy ---------------------------------------------------------------------------


def test_export_has_every_message_in_order(db: Database, caseworker: MakeCaseworker) -> None:
    conversation_id = chatted(db, "eerste")
    wendy = caseworker("wendy")
    case = db.cases.open(conversation_id, signal())
    db.cases.claim(case.id, wendy.id)
    db.cases.reply(case.id, wendy.id, "Dag, ik ben Wendy")
    messages = db.privacy.export(conversation_id)
    assert [(m.author, m.text) for m in messages] == [
        ("tenant", "eerste"),
        ("bot", "Je schreef: eerste"),
        ("caseworker", "Dag, ik ben Wendy"),
    ]
    assert messages[-1].author_name == "Wendy"


# The migration --------------------------------------------------------------------------------


def test_migration_0004_downgrades_and_upgrades_again_keeping_the_messages(db: Database) -> None:
    from alembic import command
    from alembic.config import Config

    from bot.storage.engine import MIGRATIONS_DIR

    conversation_id = chatted(db, "blijft staan")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0003")
    assert "consents" not in inspect(db.engine).get_table_names()
    assert "erased_at" not in {c["name"] for c in inspect(db.engine).get_columns("conversations")}
    db.migrate()
    assert [m.text for m in db.conversations.messages_after(conversation_id)] == [
        "blijft staan",
        "Je schreef: blijft staan",
    ]
