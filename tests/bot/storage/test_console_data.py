"""Caseworkers, console sessions, internal notes and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.storage.audit import AUDIT_ACTIONS
from bot.storage.database import Database
from bot.storage.records import (
    CaseNotFound,
    CaseworkerExists,
    CaseworkerNotFound,
    CaseworkerRecord,
    hash_token,
)
from tests.bot.storage.conftest import FAKE_HASH, signal

MakeCaseworker = Callable[[str], CaseworkerRecord]
HOUR = 3600


# Caseworkers -----------------------------------------------------------------------------


def test_add_and_find_caseworkers(db: Database) -> None:
    anna = db.caseworkers.add("  Anna.Peeters ", " Anna Peeters ", FAKE_HASH)
    assert (anna.username, anna.display_name, anna.active) == ("anna.peeters", "Anna Peeters", True)
    assert anna.password_hash == FAKE_HASH
    assert FAKE_HASH not in repr(anna)
    assert db.caseworkers.by_username("ANNA.PEETERS") == anna
    assert db.caseworkers.by_username("nobody") is None
    assert db.caseworkers.get(anna.id) == anna
    with pytest.raises(CaseworkerNotFound):
        db.caseworkers.get(999_999)
    bert = db.caseworkers.add("bert", "Bert Aerts", FAKE_HASH)
    assert [c.username for c in db.caseworkers.list_all()] == ["anna.peeters", "bert"]
    assert db.caseworkers.list_all()[1] == bert


def test_duplicate_and_invalid_caseworkers_are_refused(db: Database) -> None:
    db.caseworkers.add("anna", "Anna", FAKE_HASH)
    with pytest.raises(CaseworkerExists, match="'anna' already exists"):
        db.caseworkers.add("ANNA", "Another Anna", FAKE_HASH)
    for username, name, password_hash in [
        ("", "X", FAKE_HASH),
        ("two words", "X", FAKE_HASH),
        ("x" * 65, "X", FAKE_HASH),
        ("carl", "  ", FAKE_HASH),
        ("carl", "Carl", ""),
    ]:
        with pytest.raises(ValueError):
            db.caseworkers.add(username, name, password_hash)
    assert len(db.caseworkers.list_all()) == 1


def test_deactivation_and_password_change(db: Database, caseworker: MakeCaseworker) -> None:
    caseworker("anna")
    off = db.caseworkers.set_active("Anna", False)
    assert off is not None and off.active is False
    assert db.caseworkers.set_active("nobody", False) is None
    on = db.caseworkers.set_active("anna", True)
    assert on is not None and on.active is True
    db.caseworkers.set_password_hash("anna", "$argon2id$new")
    assert db.caseworkers.by_username("anna").password_hash == "$argon2id$new"  # type: ignore[union-attr]
    with pytest.raises(CaseworkerNotFound):
        db.caseworkers.set_password_hash("nobody", "x")


# Console sessions ------------------------------------------------------------------------


def test_session_lifecycle(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, csrf = db.caseworkers.create_session(anna.id, 8 * HOUR)
    assert token != csrf and len(token) >= 40 and len(csrf) >= 40
    found = db.caseworkers.session_caseworker(token)
    assert found is not None and found[0] == anna and found[1] == csrf
    assert db.caseworkers.session_caseworker(token + "x") is None
    assert db.caseworkers.session_caseworker("") is None and db.caseworkers.session_caseworker(None) is None
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT id, csrf_token FROM console_sessions")).one()
    assert stored[0] == hash_token(token)  # only the hash of the cookie token is stored
    db.caseworkers.delete_session(token)  # logout
    assert db.caseworkers.session_caseworker(token) is None
    db.caseworkers.delete_session(token)  # twice is harmless


def test_sessions_expire(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.caseworkers.create_session(anna.id, HOUR)
    now = dt.datetime.now(dt.timezone.utc)
    assert db.caseworkers.session_caseworker(token, now=now + dt.timedelta(minutes=59)) is not None
    assert db.caseworkers.session_caseworker(token, now=now + dt.timedelta(minutes=61)) is None
    other, _ = db.caseworkers.create_session(anna.id, 10 * HOUR)
    assert db.caseworkers.purge_expired_sessions(now=now + dt.timedelta(hours=2)) == 1
    assert db.caseworkers.session_caseworker(other) is not None
    with pytest.raises(ValueError):
        db.caseworkers.create_session(anna.id, 0)


def test_sessions_of_inactive_caseworkers_end(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.caseworkers.create_session(anna.id, HOUR)
    db.caseworkers.set_active("anna", False)
    assert db.caseworkers.session_caseworker(token) is None
    with pytest.raises(CaseworkerNotFound):  # no new session while inactive
        db.caseworkers.create_session(anna.id, HOUR)
    db.caseworkers.set_active("anna", True)
    assert db.caseworkers.session_caseworker(token) is None  # deactivation ended it for good
    with pytest.raises(CaseworkerNotFound):
        db.caseworkers.create_session(999_999, HOUR)


def test_inactive_check_happens_on_every_lookup(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.caseworkers.create_session(anna.id, HOUR)
    with Session(db.engine, future=True) as session, session.begin():  # behind the storage's back
        session.execute(text("UPDATE caseworkers SET active = :off"), {"off": False})
    assert db.caseworkers.session_caseworker(token) is None


# Notes -------------------------------------------------------------------------------------


def test_notes_are_internal(db: Database, caseworker: MakeCaseworker) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, signal())
    first = db.cases.add_note(case.id, anna.id, "Huurder heeft al een afspraak bij het OCMW.")
    second = db.cases.add_note(case.id, bert.id, "Verhuurder gebeld.")
    notes = db.cases.list_notes(case.id)
    assert notes == [first, second]
    assert (notes[0].author_name, notes[1].author_name) == ("Anna", "Bert")
    assert json.loads(json.dumps(first.to_dict()))["author_name"] == "Anna"
    assert db.conversations.messages_after(conversation.id) == []  # notes never reach the tenant's transcript
    with pytest.raises(CaseNotFound):
        db.cases.add_note(999_999, anna.id, "x")
    with pytest.raises(ValueError):
        db.cases.add_note(case.id, anna.id, "  ")
    assert db.cases.list_notes(999_999) == []


# Audit -------------------------------------------------------------------------------------


def test_audit_trail(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, signal())
    db.audit.record(None, "login_failed")
    db.audit.record(anna.id, "login")
    db.audit.record(anna.id, "viewed", case.id)
    db.audit.record(anna.id, "claimed", case.id)
    db.audit.record(anna.id, "closed", case.id, {"outcome": "resolved"})
    everything = db.audit.recent()
    assert [e.action for e in everything] == ["closed", "claimed", "viewed", "login", "login_failed"]
    assert everything[-1].caseworker_id is None and everything[-1].caseworker_name is None
    assert everything[0].caseworker_name == "Anna" and everything[0].detail == {"outcome": "resolved"}
    assert [e.action for e in db.audit.recent(case.id)] == ["closed", "claimed", "viewed"]
    assert [e.action for e in db.audit.recent(limit=2)] == ["closed", "claimed"]
    assert json.loads(json.dumps(everything[0].to_dict()))["caseworker"] == "Anna"
    with pytest.raises(ValueError, match="unknown audit action"):
        db.audit.record(anna.id, "deleted_everything")
    assert "claimed" in AUDIT_ACTIONS


@pytest.mark.parametrize(
    "detail",
    [
        {"text": "Ik word morgen uit mijn huis gezet"},
        {"message": "hallo"},
        {"note": "x"},
        {"outcome": "x" * 65},
        {"message_id": {"text": "nested"}},
        {"to": ["a", "list"]},
    ],
)
def test_audit_detail_cannot_carry_text(
    db: Database, caseworker: MakeCaseworker, detail: dict[str, object]
) -> None:
    anna = caseworker("anna")
    with pytest.raises(ValueError):
        db.audit.record(anna.id, "replied", None, detail)
    assert db.audit.recent() == []


def test_a_whole_case_leaves_no_message_text_in_the_audit_trail(
    db: Database, caseworker: MakeCaseworker
) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    conversation, _ = db.conversations.create_web("nl")
    tenant_text = "Mijn deurwaarder komt dinsdag, ik heb drie kinderen"
    reply_text = "Ik bel de deurwaarder vandaag nog op"
    note_text = "Gevoelig: ex-partner mag adres niet kennen"
    db.conversations.store_inbound(conversation.id, tenant_text)
    case = db.cases.open(conversation.id, signal(priority="P1", stage="eviction_scheduled"))
    # Each caseworker action writes its own audit event, in its own transaction.
    db.cases.claim(case.id, anna.id)
    message = db.cases.reply(case.id, anna.id, reply_text)
    note = db.cases.add_note(case.id, anna.id, note_text)
    db.cases.transfer(case.id, anna.id, bert.id)
    db.cases.close(case.id, bert.id, "referred_legal_aid", note="Pro deo advocaat")
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT action, detail FROM audit_events ORDER BY id")).all()
    assert [row[0] for row in rows] == ["claimed", "replied", "noted", "transferred", "closed"]
    details = [json.loads(row[1]) if isinstance(row[1], str) else row[1] for row in rows]
    assert details == [
        None,
        {"message_id": message.id},
        {"note_id": note.id},
        {"to": "bert"},
        {"outcome": "referred_legal_aid"},
    ]
    dumped = json.dumps([row[1] for row in rows], ensure_ascii=False)
    for secret in (tenant_text, reply_text, note_text, "Pro deo", "deurwaarder", "kinderen"):
        assert secret not in dumped
