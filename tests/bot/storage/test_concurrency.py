"""Simultaneous caseworkers and tenants, on SQLite (a file, WAL) and on PostgreSQL.

Threads wait at a barrier so that their calls reach the database together. Each runs
with its own ``Database`` (its own engine and connections, as separate gateway processes
would) or all share one (as the threads of one gateway do).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest

from bot.states import ConversationState, InvalidTransition
from bot.storage.database import Database
from bot.storage.records import CaseConflict, CaseRecord
from tests.bot.storage.conftest import FAKE_HASH, signal

T = TypeVar("T")
CLAIMERS = 20


@pytest.fixture(params=["own_engine", "shared_engine"])
def databases(request: pytest.FixtureRequest, db: Database) -> Iterator[Callable[[], Database]]:
    """Gives each thread a Database: a new one per call, or always the migrated ``db``."""
    made: list[Database] = []

    def make() -> Database:
        if request.param == "shared_engine":
            return db
        database = Database(db.url)
        database.ping()  # connect now, not after the barrier
        made.append(database)
        return database

    yield make
    for database in made:
        database.dispose()


def run_together(calls: list[Callable[[], T]]) -> tuple[list[T | BaseException], float]:
    """Run the calls in threads released at once; their results (or errors) and the seconds taken."""
    barrier = threading.Barrier(len(calls) + 1)
    results: list[T | BaseException] = [RuntimeError("did not run")] * len(calls)

    def worker(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except BaseException as error:  # collected and checked by the test
            results[index] = error

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join(timeout=120)
    elapsed = time.perf_counter() - started
    assert not any(thread.is_alive() for thread in threads), "a thread hung"
    return results, elapsed


def test_twenty_simultaneous_claims_one_wins(
    db: Database, databases: Callable[[], Database], database_url: str, request: pytest.FixtureRequest
) -> None:
    caseworkers = [db.caseworkers.add(f"cw{i:02d}", f"Caseworker {i}", FAKE_HASH) for i in range(CLAIMERS)]
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, signal(priority="P1", stage="court"))
    handles = [databases() for _ in range(CLAIMERS)]

    def claim(index: int) -> Callable[[], CaseRecord]:
        return lambda: handles[index].cases.claim(case.id, caseworkers[index].id)

    results, elapsed = run_together([claim(i) for i in range(CLAIMERS)])

    wins = [r for r in results if isinstance(r, CaseRecord)]
    conflicts = [r for r in results if isinstance(r, CaseConflict)]
    others = [r for r in results if not isinstance(r, (CaseRecord, CaseConflict))]
    assert others == []  # no "database is locked", no deadlock, no serialization failure
    assert (len(wins), len(conflicts)) == (1, CLAIMERS - 1)
    winner = wins[0].claimed_by
    stored = db.cases.get(case.id)
    assert (stored.status, stored.claimed_by) == ("caseworker", winner)
    assert db.conversations.get(conversation.id).state is ConversationState.CASEWORKER
    assert elapsed < 30
    print(f"\n[timing] {request.node.callspec.id}: {CLAIMERS} simultaneous claims in {elapsed:.3f} s")


def test_simultaneous_handoff_signals_make_one_case(db: Database, databases: Callable[[], Database]) -> None:
    conversation, _ = db.conversations.create_web("nl")
    priorities = ["P4", "P3", "P2", "P1", "S", "P4", "P3", "P2", "none", "P1"]
    handles = [databases() for _ in priorities]

    def send(index: int) -> Callable[[], CaseRecord]:
        flags = [f"flag{index}"]
        return lambda: handles[index].cases.open(
            conversation.id, signal(priority=priorities[index], flags=flags)
        )

    results, _ = run_together([send(i) for i in range(len(priorities))])

    assert all(isinstance(r, CaseRecord) for r in results), results
    assert len({r.id for r in results if isinstance(r, CaseRecord)}) == 1
    [case] = db.cases.by_status()
    assert case.priority == "S"
    assert set(case.flags) == {f"flag{i}" for i in range(len(priorities))}
    assert db.conversations.get(conversation.id).state is ConversationState.WAITING


def test_claims_cancel_escalation_and_close_at_once_stay_consistent(
    db: Database, databases: Callable[[], Database]
) -> None:
    caseworkers = [db.caseworkers.add(f"cw{i:02d}", f"Caseworker {i}", FAKE_HASH) for i in range(11)]
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, signal())
    calls: list[Callable[[], Any]] = []
    for cw in caseworkers[:10]:
        handle = databases()
        calls.append(lambda handle=handle, cw=cw: handle.cases.claim(case.id, cw.id))
    for _ in range(3):
        handle = databases()
        calls.append(
            lambda handle=handle: handle.cases.open(conversation.id, signal(priority="S", stage="crisis"))
        )
    canceller, closer = databases(), databases()
    calls.append(lambda: canceller.cases.cancel_waiting(conversation.id))
    calls.append(lambda: closer.cases.close(case.id, caseworkers[10].id, "no_response"))

    results, _ = run_together(calls)

    unexpected = [r for r in results if isinstance(r, BaseException)]
    assert all(isinstance(r, (CaseConflict, InvalidTransition)) for r in unexpected), unexpected
    assert sum(isinstance(r, CaseRecord) and r.status == "caseworker" for r in results[:10]) <= 1
    state = db.conversations.get(conversation.id).state
    open_case = db.cases.open_for_conversation(conversation.id)
    if open_case is None:
        assert state in (ConversationState.BOT, ConversationState.CLOSED)
    else:
        assert state.value == open_case.status  # waiting <-> waiting, caseworker <-> caseworker
    assert len(db.cases.by_status()) <= 1


def test_the_conditional_update_alone_keeps_claims_exclusive(
    db: Database, databases: Callable[[], Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Even without the conversation row lock, the conditional UPDATE lets one claim win."""
    import bot.storage.rows as rows
    from bot.storage.models import Conversation

    def unlocked(session: Any, conversation_id: str) -> Conversation:
        row = session.get(Conversation, conversation_id)
        assert row is not None
        return row

    monkeypatch.setattr(rows, "lock_conversation", unlocked)
    caseworkers = [db.caseworkers.add(f"cw{i:02d}", f"Caseworker {i}", FAKE_HASH) for i in range(CLAIMERS)]
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, signal())
    handles = [databases() for _ in range(CLAIMERS)]
    results, _ = run_together(
        [lambda i=i: handles[i].cases.claim(case.id, caseworkers[i].id) for i in range(CLAIMERS)]
    )
    assert sum(isinstance(r, CaseRecord) for r in results) == 1
    assert sum(isinstance(r, CaseConflict) for r in results) == CLAIMERS - 1
