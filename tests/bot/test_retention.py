"""Retention: the purge in the gateway's tables and Rasa's tracker store, on demand and daily.

Rasa's copy is written by Rasa's own SQLTrackerStore (tests/privacy.py): on SQLite in a file
of its own (today's var/rasa/tracker.db), on PostgreSQL inside the gateway's database.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import case as sql_case
from sqlalchemy import func, select, update

from bot.messages import Button, Outbound
from bot.retention import export_file_name, export_text, purge
from bot.settings import PROJECT_ROOT, Settings
from bot.storage.database import Database
from bot.storage.models import Case, Conversation, Message, utcnow
from bot.storage.records import MessageRecord
from tests.bot.storage.conftest import signal
from tests.conftest import offline_settings
from tests.privacy import marker, tables_containing, write_rasa_conversation

HUURHULP = str(Path(sys.executable).with_name("huurhulp"))
DAY = 86400.0


@pytest.fixture
def db(database_url: str) -> Database:
    database = Database(database_url)
    database.migrate()
    yield database  # type: ignore[misc]
    database.dispose()


@pytest.fixture
def tracker_url(database_url: str, tmp_path: Path) -> str:
    """SQLite: Rasa's own file, as today. PostgreSQL: inside the gateway's database."""
    if database_url.startswith("sqlite"):
        (tmp_path / "rasa").mkdir(exist_ok=True)
        return f"sqlite:///{tmp_path / 'rasa' / 'tracker.db'}"
    return database_url


def conversation_with(db: Database, tracker_url: str, text: str, days_ago: float = 0.0) -> str:
    """A web conversation in the gateway and in Rasa's tracker store, ``days_ago`` old."""
    conversation, _ = db.conversations.create_web("nl")
    start = db.conversations.begin_turn(conversation.id, text)
    echo = Outbound(f"Je schreef: {text}", (Button("Ja", "/affirm"),))
    db.conversations.store_outbound(conversation.id, [echo])
    db.conversations.mark_inbound(start.message_id, "handled")
    write_rasa_conversation(tracker_url, conversation.id, text, timestamp=time.time() - days_ago * DAY)
    if days_ago:
        then = utcnow() - dt.timedelta(days=days_ago)
        with db.engine.begin() as connection:
            connection.execute(
                update(Conversation)
                .where(Conversation.id == conversation.id)
                .values(created_at=then, last_activity_at=then)
            )
            connection.execute(
                update(Message).where(Message.conversation_id == conversation.id).values(created_at=then)
            )
            connection.execute(
                update(Case)
                .where(Case.conversation_id == conversation.id)
                .values(
                    created_at=then,
                    waiting_since=then,
                    closed_at=sql_case((Case.closed_at.is_not(None), then), else_=None),
                )
            )
    return conversation.id


def row_counts(url: str, db: Database) -> tuple[int, ...]:
    with db.engine.connect() as connection:
        gateway = tuple(
            int(connection.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (Conversation, Message, Case)
        )
    return (*gateway, sum(tables_containing(url, "session_started").values()))


def test_purge_erases_what_was_idle_too_long_from_both_stores(
    db: Database, database_url: str, tracker_url: str
) -> None:
    old, recent, orphan = marker(), marker(), marker()
    old_id = conversation_with(db, tracker_url, f"schuld {old}", days_ago=200)
    case = db.cases.open(old_id, signal(intake={"municipality": "Genk", "hearing_date": old}))
    db.cases.cancel_waiting(old_id)
    conversation_with(db, tracker_url, f"schuld {old}", days_ago=200)  # a second old one
    recent_id = conversation_with(db, tracker_url, f"schuld {recent}", days_ago=10)
    write_rasa_conversation(tracker_url, "rasa-shell-session", f"test {orphan}", time.time() - 300 * DAY)
    write_rasa_conversation(tracker_url, "rasa-shell-today", "test van vandaag")
    # The age of the case (created, closed) must not keep the conversation: it is old too.
    with db.engine.begin() as connection:
        then = utcnow() - dt.timedelta(days=200)
        connection.execute(update(Case).where(Case.id == case.id).values(created_at=then, closed_at=then))
    assert tables_containing(database_url, old) and tables_containing(tracker_url, old)

    report = purge(db, tracker_url, 180)

    assert tables_containing(database_url, old) == {}
    assert tables_containing(tracker_url, old) == {}
    assert tables_containing(tracker_url, orphan) == {}  # Rasa-only, older than the period
    assert tables_containing(database_url, recent) and tables_containing(tracker_url, recent)
    assert len(db.conversations.messages_after(recent_id)) == 2
    counts = report.counts
    assert (counts.conversations, counts.messages, counts.cases, counts.open_cases) == (2, 4, 1, 0)
    assert (report.tracker_conversations, report.tracker_events) == (3, 18)
    kept = db.cases.get(case.id)
    assert kept.summary == {"municipality": "Genk"} and kept.outcome == "cancelled_by_tenant"
    assert db.audit.recent()[0].action == "purged" and db.audit.recent()[0].detail == {"count": 2}
    assert "rasa-shell-today" in {s for s in _senders(tracker_url)}

    again = purge(db, tracker_url, 180)
    assert (again.counts.conversations, again.tracker_events) == (0, 0)


def _senders(url: str) -> set[str]:
    from bot.storage.tracker import TrackerStore

    store = TrackerStore(url)
    try:
        return set(store.senders())
    finally:
        store.close()


def test_an_erased_conversation_that_rasa_wrote_back_is_swept(
    db: Database, database_url: str, tracker_url: str
) -> None:
    secret = marker()
    conversation_id = conversation_with(db, tracker_url, f"verhaal {secret}")
    db.privacy.erase(conversation_id)
    # A turn under way during the erasure: Rasa saves its whole tracker again afterwards.
    assert tables_containing(tracker_url, secret)
    report = purge(db, tracker_url, 180)
    assert report.counts.conversations == 0 and report.tracker_conversations == 1
    assert tables_containing(tracker_url, secret) == {} and tables_containing(database_url, secret) == {}


def test_dry_run_changes_nothing_and_prints_counts_only(
    db: Database, database_url: str, tracker_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.retention import purge_command

    secret = marker()
    for _ in range(3):
        conversation_with(db, tracker_url, f"mijn gezondheid {secret}", days_ago=365)

    def state() -> tuple[object, ...]:
        where = tables_containing(database_url, secret), tables_containing(tracker_url, secret)
        return row_counts(tracker_url, db), *where

    before = state()
    settings = Settings(var_dir=tmp_path, database_url=database_url, tracker_store_url=tracker_url)

    assert purge_command(settings, dry_run=True) == 0

    printed = capsys.readouterr().out
    assert state() == before
    assert secret not in printed and "gezondheid" not in printed
    assert "conversations would erase: 3" in printed
    assert "messages would erase: 6" in printed
    assert "rasa tracker: 18 events of 3 conversations would erase" in printed
    assert "dry run: nothing was changed" in printed


def test_huurhulp_purge_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    db = Database(url)
    db.migrate()
    tracker = url  # the default: Rasa's events table in the gateway's own database
    secret = marker()
    try:
        conversation_with(db, tracker, f"cli {secret}", days_ago=400)
    finally:
        db.dispose()
    env = {**os.environ, "HUURHULP_VAR_DIR": str(tmp_path), "HUURHULP_DATABASE_URL": url}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [HUURHULP, "purge", *args], capture_output=True, text=True, cwd=PROJECT_ROOT, env=env, timeout=120
        )

    dry = run("--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "conversations would erase: 1" in dry.stdout and tables_containing(tracker, secret)
    done = run()
    assert done.returncode == 0, done.stderr
    assert "conversations erased: 1" in done.stdout
    assert "rasa tracker: 6 events of 1 conversations erased" in done.stdout
    assert secret not in done.stdout + done.stderr + dry.stdout + dry.stderr
    assert tables_containing(url, secret) == {} and tables_containing(tracker, secret) == {}


def test_the_gateway_purges_by_itself(
    tmp_path: Path, offline_client_factory: Callable[[Settings], TestClient], caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'huurhulp.db'}"
    db = Database(url)
    db.migrate()
    secret = marker()
    tracker = url  # the default: Rasa's events table in the gateway's own database
    try:
        conversation_with(db, tracker, f"oud {secret}", days_ago=3)
        caplog.set_level("INFO", logger="bot.retention")
        offline_client_factory(offline_settings(tmp_path, url, retention_days=2, purge_every_hours=0.0003))
        deadline = time.monotonic() + 15
        while tables_containing(url, secret) or tables_containing(tracker, secret):
            assert time.monotonic() < deadline, "the gateway did not purge"
            time.sleep(0.2)
    finally:
        db.dispose()
    assert any("retention purge: 1 conversations" in r.getMessage() for r in caplog.records)
    assert all(secret not in r.getMessage() for r in caplog.records)


def test_purge_time_for_many_conversations(tmp_path: Path) -> None:
    """Figure for the report: purge time for N conversations of 6 messages each (SQLite)."""
    url = f"sqlite:///{tmp_path / 'many.db'}"
    db = Database(url)
    db.migrate()
    count = 300
    try:
        then = utcnow() - dt.timedelta(days=400)
        with db.engine.begin() as connection:
            for index in range(count):
                cid = f"{index:032x}"
                connection.execute(
                    Conversation.__table__.insert().values(
                        id=cid, channel="web", state="bot", created_at=then, last_activity_at=then
                    )
                )
                connection.execute(
                    Message.__table__.insert(),
                    [
                        {
                            "conversation_id": cid,
                            "direction": "in" if n % 2 == 0 else "out",
                            "author": "tenant" if n % 2 == 0 else "bot",
                            "text": f"bericht {n}",
                            "status": "handled",
                            "created_at": then,
                        }
                        for n in range(6)
                    ],
                )
        report = purge(db, f"sqlite:///{tmp_path / 'none.db'}", 180)
    finally:
        db.dispose()
    assert (report.counts.conversations, report.counts.messages) == (count, count * 6)
    print(f"\npurge: {count} conversations, {count * 6} messages in {report.seconds:.2f} s")


# The tenant's copy -----------------------------------------------------------------------------


def test_the_copy_is_plain_text_with_who_said_what() -> None:
    at = dt.datetime(2026, 12, 6, 13, 5, tzinfo=dt.timezone.utc)

    def message(author: str, text: str, name: str | None = None, payload: object = None) -> MessageRecord:
        direction = "in" if author == "tenant" else "out"
        return MessageRecord(1, "c", direction, author, text, payload, "sent", at, author_name=name)

    body = export_text(
        [
            message("tenant", "Ik kreeg een brief"),
            message("bot", "Wat staat erin?", payload={"buttons": [{"title": "Ja", "payload": "/affirm"}]}),
            message("caseworker", "Dag, ik ben Wendy", name="Wendy (CAW)"),
        ],
        "nl",
        at,
    )
    assert body.splitlines()[0] == "Je gesprek met Huurhulp (gedownload op 6 december 2026)"
    assert "2026-12-06 14:05  Jij:\nIk kreeg een brief" in body  # Belgian time
    assert "Huurhulp:\nWat staat erin?\n  [Ja]" in body
    assert "Wendy (CAW):\nDag, ik ben Wendy" in body
    assert export_file_name(at) == "huurhulp-2026-12-06.txt"
    french = export_text([], "fr", at)
    assert french.startswith("Votre conversation avec Huurhulp (téléchargée le 6 décembre 2026)")
