"""The data-access module, on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event, InvalidTransition
from bot.storage.models import Base
from bot.storage.repository import ConversationNotFound, Database

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

    from bot.storage.repository import MIGRATIONS_DIR

    conversation, _ = db.create_web_conversation("nl")
    db.store_inbound(conversation.id, "hallo")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
    assert "cases" not in inspect(db.engine).get_table_names()
    db.migrate()
    assert [m.text for m in db.messages_after(conversation.id)] == ["hallo"]  # data survived batch mode
    assert set(inspect(db.engine).get_table_names()) >= TABLES


def test_conversation_token_is_stored_hashed(db: Database) -> None:
    conversation, token = db.create_web_conversation("fr")
    assert conversation.state is ConversationState.BOT
    assert conversation.language == "fr"
    assert db.token_matches(conversation.id, token)
    assert not db.token_matches(conversation.id, token + "x")
    assert not db.token_matches("unknown", token)
    with db.engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT token_hash FROM conversations").scalar_one()
    assert token not in stored


def test_messages_keep_their_order_and_text(db: Database) -> None:
    conversation, _ = db.create_web_conversation(None)
    inbound = db.store_inbound(conversation.id, "ik kan mijn huur niet betalen 😟 — één maand")
    out_ids = db.store_outbound(
        conversation.id,
        [Outbound("Dat is lastig.", (Button("Help", "/capabilities"),)), Outbound("Nog iets?")],
    )
    db.mark_inbound(inbound, "handled")
    messages = db.messages_after(conversation.id)
    assert [m.id for m in messages] == [inbound, *out_ids]
    assert messages[0].text == "ik kan mijn huur niet betalen 😟 — één maand"
    assert messages[0].status == "handled"
    assert [(m.direction, m.author) for m in messages] == [("in", "tenant"), ("out", "bot"), ("out", "bot")]
    assert db.messages_after(conversation.id, after_id=out_ids[0])[0].id == out_ids[1]
    assert db.last_offered_buttons(conversation.id) == []  # the last reply had no buttons


def test_last_offered_buttons(db: Database) -> None:
    conversation, _ = db.create_web_conversation(None)
    db.store_outbound(conversation.id, [Outbound("Kies", (Button("Ja", "/affirm"), Button("Nee", "/deny")))])
    assert db.last_offered_buttons(conversation.id) == [Button("Ja", "/affirm"), Button("Nee", "/deny")]


def test_state_changes_follow_the_table(db: Database) -> None:
    conversation, _ = db.create_web_conversation(None)
    assert db.apply_event(conversation.id, Event.HANDOFF_REQUESTED) is ConversationState.WAITING
    with pytest.raises(InvalidTransition):
        db.apply_event(conversation.id, Event.RELEASED)
    assert db.get_conversation(conversation.id).state is ConversationState.WAITING


def test_unknown_conversation(db: Database) -> None:
    with pytest.raises(ConversationNotFound):
        db.get_conversation("nope")
    with pytest.raises(ConversationNotFound):
        db.store_inbound("nope", "hallo")


def test_handoff_signal_and_language_are_recorded(db: Database) -> None:
    conversation, _ = db.create_web_conversation(None)
    db.set_language(conversation.id, "en")
    db.record_handoff(conversation.id, {"priority": "P1", "stage": "court", "reason": "triage"})
    stored = db.get_conversation(conversation.id)
    assert stored.language == "en"
    assert stored.handoff == {"priority": "P1", "stage": "court", "reason": "triage"}
