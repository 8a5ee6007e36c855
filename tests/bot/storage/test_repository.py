"""The data-access module, on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import inspect

from bot.messages import Button, Outbound
from bot.states import ConversationState, Event, InvalidTransition
from bot.storage.repository import ConversationNotFound, Database


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def test_migrations_create_the_tables(db: Database) -> None:
    tables = set(inspect(db.engine).get_table_names())
    assert {"conversations", "messages", "alembic_version"} <= tables
    db.migrate()  # running them again is harmless


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
