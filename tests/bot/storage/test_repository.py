"""The data-access module, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event, InvalidTransition
from bot.storage.database import Database
from bot.storage.models import Base
from bot.storage.records import ConversationNotFound

TABLES = {
    "conversations",
    "messages",
    "caseworkers",
    "cases",
    "case_notes",
    "audit_events",
    "console_sessions",
    "alembic_version",
}


def test_migrations_create_the_tables(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert tables >= TABLES
    assert "caseworker_id" in {c["name"] for c in inspect(db.engine).get_columns("messages")}
    db.migrate()  # running them again is harmless


def test_migrations_match_the_models(db: Database) -> None:
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_migration_0002_downgrades_and_upgrades_again(db: Database) -> None:
    from alembic import command
    from alembic.config import Config

    from bot.storage.engine import MIGRATIONS_DIR

    conversation, _ = db.conversations.create_web("nl")
    db.conversations.store_inbound(conversation.id, "hallo")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "cases" not in inspect(db.engine).get_table_names()
    db.migrate()
    assert [m.text for m in db.conversations.messages_after(conversation.id)] == [
        "hallo"
    ]  # data survived batch mode
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_conversation_token_is_stored_hashed(db: Database) -> None:
    conversation, token = db.conversations.create_web("fr")
    assert conversation.state is ConversationState.BOT
    assert conversation.language == "fr"
    assert db.conversations.token_matches(conversation.id, token)
    assert not db.conversations.token_matches(conversation.id, token + "x")
    assert not db.conversations.token_matches("unknown", token)
    with db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash FROM conversations").scalar_one()
    assert token not in stored


def test_messages_keep_their_order_and_text(db: Database) -> None:
    conversation, _ = db.conversations.create_web(None)
    inbound = db.conversations.store_inbound(conversation.id, "ik kan mijn huur niet betalen 😟 — één maand")
    stored = db.conversations.store_outbound(
        conversation.id,
        [Outbound("Dat is lastig.", (Button("Help", "/capabilities"),)), Outbound("Nog iets?")],
    )
    out_ids = [message.id for message in stored]
    db.conversations.mark_inbound(inbound, "handled")
    messages = db.conversations.messages_after(conversation.id)
    assert [m.id for m in messages] == [inbound, *out_ids]
    assert messages[0].text == "ik kan mijn huur niet betalen 😟 — één maand"
    assert messages[0].status == "handled"
    assert [(m.direction, m.author) for m in messages] == [("in", "tenant"), ("out", "bot"), ("out", "bot")]
    assert db.conversations.messages_after(conversation.id, after_id=out_ids[0])[0].id == out_ids[1]
    assert db.conversations.last_offered_buttons(conversation.id) == []  # the last reply had no buttons


def test_last_offered_buttons(db: Database) -> None:
    conversation, _ = db.conversations.create_web(None)
    db.conversations.store_outbound(
        conversation.id, [Outbound("Kies", (Button("Ja", "/affirm"), Button("Nee", "/deny")))]
    )
    assert db.conversations.last_offered_buttons(conversation.id) == [
        Button("Ja", "/affirm"),
        Button("Nee", "/deny"),
    ]


def test_state_changes_follow_the_table(db: Database) -> None:
    conversation, _ = db.conversations.create_web(None)
    assert db.conversations.apply_event(conversation.id, Event.HANDOFF_REQUESTED) is ConversationState.WAITING
    with pytest.raises(InvalidTransition):
        db.conversations.apply_event(conversation.id, Event.RELEASED)
    assert db.conversations.get(conversation.id).state is ConversationState.WAITING


def test_unknown_conversation(db: Database) -> None:
    with pytest.raises(ConversationNotFound):
        db.conversations.get("nope")
    with pytest.raises(ConversationNotFound):
        db.conversations.store_inbound("nope", "hallo")


def test_handoff_signal_and_language_are_recorded(db: Database) -> None:
    conversation, _ = db.conversations.create_web(None)
    db.conversations.set_language(conversation.id, "en")
    db.conversations.record_handoff(conversation.id, {"priority": "P1", "stage": "court", "reason": "triage"})
    stored = db.conversations.get(conversation.id)
    assert stored.language == "en"
    assert stored.handoff == {"priority": "P1", "stage": "court", "reason": "triage"}
