"""Caseworkers, console sessions, internal notes and the audit trail, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable

import pytest
from sqlalchemy import text

from bot.storage.repository import (
    AUDIT_ACTIONS,
    CaseNotFound,
    CaseworkerExists,
    CaseworkerNotFound,
    CaseworkerRecord,
    Database,
    hash_token,
)
from tests.bot.storage.conftest import FAKE_HASH, signal

MakeCaseworker = Callable[[str], CaseworkerRecord]
HOUR = 3600


# Caseworkers -----------------------------------------------------------------------------


def test_add_and_find_caseworkers(db: Database) -> None:
    anna = db.add_caseworker("  Anna.Peeters ", " Anna Peeters ", FAKE_HASH)
    assert (anna.username, anna.display_name, anna.active) == ("anna.peeters", "Anna Peeters", True)
    assert anna.password_hash == FAKE_HASH
    assert FAKE_HASH not in repr(anna)
    assert db.caseworker_by_username("ANNA.PEETERS") == anna
    assert db.caseworker_by_username("nobody") is None
    assert db.get_caseworker(anna.id) == anna
    with pytest.raises(CaseworkerNotFound):
        db.get_caseworker(999_999)
    bert = db.add_caseworker("bert", "Bert Aerts", FAKE_HASH)
    assert [c.username for c in db.list_caseworkers()] == ["anna.peeters", "bert"]
    assert db.list_caseworkers()[1] == bert


def test_duplicate_and_invalid_caseworkers_are_refused(db: Database) -> None:
    db.add_caseworker("anna", "Anna", FAKE_HASH)
    with pytest.raises(CaseworkerExists, match="'anna' already exists"):
        db.add_caseworker("ANNA", "Another Anna", FAKE_HASH)
    for username, name, password_hash in [
        ("", "X", FAKE_HASH),
        ("two words", "X", FAKE_HASH),
        ("x" * 65, "X", FAKE_HASH),
        ("carl", "  ", FAKE_HASH),
        ("carl", "Carl", ""),
    ]:
        with pytest.raises(ValueError):
            db.add_caseworker(username, name, password_hash)
    assert len(db.list_caseworkers()) == 1


def test_deactivation_and_password_change(db: Database, caseworker: MakeCaseworker) -> None:
    caseworker("anna")
    off = db.set_caseworker_active("Anna", False)
    assert off is not None and off.active is False
    assert db.set_caseworker_active("nobody", False) is None
    on = db.set_caseworker_active("anna", True)
    assert on is not None and on.active is True
    db.set_password_hash("anna", "$argon2id$new")
    assert db.caseworker_by_username("anna").password_hash == "$argon2id$new"  # type: ignore[union-attr]
    with pytest.raises(CaseworkerNotFound):
        db.set_password_hash("nobody", "x")


# Console sessions ------------------------------------------------------------------------


def test_session_lifecycle(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, csrf = db.create_session(anna.id, 8 * HOUR)
    assert token != csrf and len(token) >= 40 and len(csrf) >= 40
    found = db.session_caseworker(token)
    assert found is not None and found[0] == anna and found[1] == csrf
    assert db.session_caseworker(token + "x") is None
    assert db.session_caseworker("") is None and db.session_caseworker(None) is None
    with db.engine.connect() as connection:
        stored = connection.execute(text("SELECT id, csrf_token FROM console_sessions")).one()
    assert stored[0] == hash_token(token)  # only the hash of the cookie token is stored
    db.delete_session(token)  # logout
    assert db.session_caseworker(token) is None
    db.delete_session(token)  # twice is harmless


def test_sessions_expire(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.create_session(anna.id, HOUR)
    now = dt.datetime.now(dt.timezone.utc)
    assert db.session_caseworker(token, now=now + dt.timedelta(minutes=59)) is not None
    assert db.session_caseworker(token, now=now + dt.timedelta(minutes=61)) is None
    other, _ = db.create_session(anna.id, 10 * HOUR)
    assert db.purge_expired_sessions(now=now + dt.timedelta(hours=2)) == 1
    assert db.session_caseworker(other) is not None
    with pytest.raises(ValueError):
        db.create_session(anna.id, 0)


def test_sessions_of_inactive_caseworkers_end(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.create_session(anna.id, HOUR)
    db.set_caseworker_active("anna", False)
    assert db.session_caseworker(token) is None
    with pytest.raises(CaseworkerNotFound):  # no new session while inactive
        db.create_session(anna.id, HOUR)
    db.set_caseworker_active("anna", True)
    assert db.session_caseworker(token) is None  # deactivation ended it for good
    with pytest.raises(CaseworkerNotFound):
        db.create_session(999_999, HOUR)


def test_inactive_check_happens_on_every_lookup(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    token, _ = db.create_session(anna.id, HOUR)
    with db.session() as session:  # deactivated behind the repository's back: still refused
        session.execute(text("UPDATE caseworkers SET active = :off"), {"off": False})
    assert db.session_caseworker(token) is None


# Notes -------------------------------------------------------------------------------------


def test_notes_are_internal(db: Database, caseworker: MakeCaseworker) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    conversation, _ = db.create_web_conversation("nl")
    case = db.open_case(conversation.id, signal())
    first = db.add_note(case.id, anna.id, "Huurder heeft al een afspraak bij het OCMW.")
    second = db.add_note(case.id, bert.id, "Verhuurder gebeld.")
    notes = db.list_notes(case.id)
    assert notes == [first, second]
    assert (notes[0].author_name, notes[1].author_name) == ("Anna", "Bert")
    assert json.loads(json.dumps(first.to_dict()))["author_name"] == "Anna"
    assert db.messages_after(conversation.id) == []  # notes never reach the tenant's transcript
    with pytest.raises(CaseNotFound):
        db.add_note(999_999, anna.id, "x")
    with pytest.raises(ValueError):
        db.add_note(case.id, anna.id, "  ")
    assert db.list_notes(999_999) == []


# Audit -------------------------------------------------------------------------------------


def test_audit_trail(db: Database, caseworker: MakeCaseworker) -> None:
    anna = caseworker("anna")
    conversation, _ = db.create_web_conversation("nl")
    case = db.open_case(conversation.id, signal())
    db.audit(None, "login_failed")
    db.audit(anna.id, "login")
    db.audit(anna.id, "viewed", case.id)
    db.audit(anna.id, "claimed", case.id)
    db.audit(anna.id, "closed", case.id, {"outcome": "resolved"})
    everything = db.list_audit()
    assert [e.action for e in everything] == ["closed", "claimed", "viewed", "login", "login_failed"]
    assert everything[-1].caseworker_id is None and everything[-1].caseworker_name is None
    assert everything[0].caseworker_name == "Anna" and everything[0].detail == {"outcome": "resolved"}
    assert [e.action for e in db.list_audit(case.id)] == ["closed", "claimed", "viewed"]
    assert [e.action for e in db.list_audit(limit=2)] == ["closed", "claimed"]
    assert json.loads(json.dumps(everything[0].to_dict()))["caseworker"] == "Anna"
    with pytest.raises(ValueError, match="unknown audit action"):
        db.audit(anna.id, "deleted_everything")
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
        db.audit(anna.id, "replied", None, detail)
    assert db.list_audit() == []


def test_a_whole_case_leaves_no_message_text_in_the_audit_trail(
    db: Database, caseworker: MakeCaseworker
) -> None:
    anna, bert = caseworker("anna"), caseworker("bert")
    conversation, _ = db.create_web_conversation("nl")
    tenant_text = "Mijn deurwaarder komt dinsdag, ik heb drie kinderen"
    reply_text = "Ik bel de deurwaarder vandaag nog op"
    note_text = "Gevoelig: ex-partner mag adres niet kennen"
    db.store_inbound(conversation.id, tenant_text)
    case = db.open_case(conversation.id, signal(priority="P1", stage="eviction_scheduled"))
    db.claim_case(case.id, anna.id)
    db.audit(anna.id, "claimed", case.id)
    message_id = db.store_caseworker_message(conversation.id, anna.id, reply_text)
    db.audit(anna.id, "replied", case.id, {"message_id": message_id})
    note = db.add_note(case.id, anna.id, note_text)
    db.audit(anna.id, "noted", case.id, {"note_id": note.id})
    db.transfer_case(case.id, anna.id, bert.id)
    db.audit(anna.id, "transferred", case.id, {"to": "bert"})
    db.close_case(case.id, bert.id, "referred_legal_aid", note="Pro deo advocaat")
    db.audit(bert.id, "closed", case.id, {"outcome": "referred_legal_aid"})
    with db.engine.connect() as connection:
        rows = connection.execute(text("SELECT action, detail FROM audit_events ORDER BY id")).all()
    assert [row[0] for row in rows] == ["claimed", "replied", "noted", "transferred", "closed"]
    dumped = json.dumps([row[1] for row in rows], ensure_ascii=False)
    for secret in (tenant_text, reply_text, note_text, "Pro deo", "deurwaarder", "kinderen"):
        assert secret not in dumped
