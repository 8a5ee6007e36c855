"""One turn, one transaction: how many database transactions a tenant turn and a caseworker
action take, counted with SQLAlchemy's ``begin`` and ``commit`` events on the engine.

A tenant turn is two: storing the message with what the route needs, then storing
everything the turn decided. A caseworker's reply is one: holder check, message, audit.
These numbers are the design; a change that adds a transaction fails here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from sqlalchemy import event

from bot.auth import hash_password
from bot.handoff import HandoffService
from bot.hub import Hub
from bot.messages import BotTurn, Button, Inbound, Outbound
from bot.office_hours import OfficeHours
from bot.rasa_client import RasaClient, RasaUnavailable
from bot.router import Router
from bot.states import ConversationState
from bot.storage.database import Database
from bot.storage.records import CaseworkerRecord


@dataclass
class Counter:
    """Transactions begun and committed on an engine."""

    begun: int = 0
    committed: int = 0
    rolled_back: int = 0

    def reset(self) -> None:
        self.begun = self.committed = self.rolled_back = 0


@dataclass
class FakeRasa:
    """Answers like Rasa's REST channel would, or is down."""

    turn: BotTurn = field(default_factory=BotTurn)
    down: bool = False

    async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        if self.down:
            raise RasaUnavailable("connection refused")
        return self.turn

    async def trigger_intent(self, sender: str, intent: str) -> BotTurn:
        return BotTurn(replies=[Outbound(text="Welkom terug bij de bot.")])


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def counter(db: Database) -> Iterator[Counter]:
    found = Counter()

    def begun(_connection: Any) -> None:
        found.begun += 1

    def committed(_connection: Any) -> None:
        found.committed += 1

    def rolled_back(_connection: Any) -> None:
        found.rolled_back += 1

    event.listen(db.engine, "begin", begun)
    event.listen(db.engine, "commit", committed)
    event.listen(db.engine, "rollback", rolled_back)
    yield found
    event.remove(db.engine, "begin", begun)
    event.remove(db.engine, "commit", committed)
    event.remove(db.engine, "rollback", rolled_back)


@pytest.fixture
def rasa() -> FakeRasa:
    return FakeRasa(turn=BotTurn(replies=[Outbound(text="Hallo! Waarmee kan ik helpen?")]))


@pytest.fixture
def handoff(db: Database, rasa: FakeRasa) -> HandoffService:
    return HandoffService(db, _as_client(rasa), Hub(), OfficeHours.parse("mon-sun 00:00-23:59"))


@pytest.fixture
def router(db: Database, rasa: FakeRasa, handoff: HandoffService) -> Router:
    # Nothing listens on the action URL: it is only probed after an empty bot turn.
    return Router(db, _as_client(rasa), "http://127.0.0.1:9", handoff)


def _as_client(rasa: FakeRasa) -> RasaClient:
    return rasa  # type: ignore[return-value]


def _turn(router: Router, conversation_id: str, text: str, payload: str | None = None) -> Any:
    inbound = Inbound(conversation_id=conversation_id, text=text, channel="web", button_payload=payload)
    return asyncio.run(router.handle(inbound))


def _caseworker(db: Database, name: str) -> CaseworkerRecord:
    return db.caseworkers.add(name, name.capitalize(), hash_password("a long enough password"))


# A tenant turn ---------------------------------------------------------------------------


def test_a_first_tenant_turn_is_two_transactions(db: Database, router: Router, counter: Counter) -> None:
    conversation, _ = db.conversations.create_web("nl")
    counter.reset()
    result = _turn(router, conversation.id, "hallo, ik heb een vraag over mijn huur")
    assert (counter.begun, counter.committed, counter.rolled_back) == (2, 2, 0)
    # Same behaviour as before: the privacy notice first, then the bot; the message handled.
    assert [reply.author for reply in result.replies] == ["system", "bot"]
    messages = db.conversations.messages_after(conversation.id)
    assert [(m.direction, m.status) for m in messages] == [
        ("in", "handled"),
        ("out", "sent"),
        ("out", "sent"),
    ]


def test_a_later_tenant_turn_is_two_transactions(db: Database, router: Router, counter: Counter) -> None:
    conversation, _ = db.conversations.create_web("nl")
    _turn(router, conversation.id, "hallo")
    counter.reset()
    result = _turn(router, conversation.id, "ik kan de huur van deze maand niet betalen")
    assert (counter.begun, counter.committed) == (2, 2)
    assert [reply.author for reply in result.replies] == ["bot"]  # the notice only once


def test_a_handoff_turn_is_still_two_transactions(
    db: Database, router: Router, rasa: FakeRasa, counter: Counter
) -> None:
    conversation, _ = db.conversations.create_web("nl")
    _turn(router, conversation.id, "hallo")
    rasa.turn = BotTurn(
        replies=[Outbound(text="Ik zoek iemand voor je.")],
        custom=[{"handoff": {"reason": "requested", "priority": "P2", "stage": "court"}}],
    )
    counter.reset()
    result = _turn(router, conversation.id, "ik wil met een mens praten")
    assert (counter.begun, counter.committed) == (2, 2)
    assert result.state is ConversationState.WAITING
    case = db.cases.open_for_conversation(conversation.id)
    assert case is not None and (case.priority, case.stage, case.language) == ("P2", "court", "nl")
    assert db.conversations.get(conversation.id).handoff is not None


def test_a_turn_while_waiting_and_a_turn_with_rasa_down_are_two_transactions(
    db: Database, router: Router, rasa: FakeRasa, counter: Counter
) -> None:
    conversation, _ = db.conversations.create_web("nl")
    _turn(router, conversation.id, "hallo")
    rasa.down = True
    counter.reset()
    down = _turn(router, conversation.id, "hallo?")
    assert (counter.begun, counter.committed) == (2, 2)
    assert down.state is ConversationState.WAITING
    counter.reset()
    waiting = _turn(router, conversation.id, "is daar iemand?")
    assert (counter.begun, counter.committed) == (2, 2)
    assert waiting.state is ConversationState.WAITING
    statuses = [m.status for m in db.conversations.messages_after(conversation.id) if m.direction == "in"]
    assert statuses == ["handled", "failed", "queued"]


def test_stopping_to_wait_is_two_transactions(
    db: Database, router: Router, rasa: FakeRasa, counter: Counter
) -> None:
    conversation, _ = db.conversations.create_web("nl")
    rasa.down = True
    stop_button = _turn(router, conversation.id, "hallo").replies[-1].buttons[0]
    assert isinstance(stop_button, Button)
    counter.reset()
    result = _turn(router, conversation.id, stop_button.title, stop_button.payload)
    assert (counter.begun, counter.committed) == (2, 2)
    assert result.state is ConversationState.BOT
    assert db.cases.open_for_conversation(conversation.id) is None


def test_the_message_is_stored_before_rasa_is_asked(db: Database, router: Router, rasa: FakeRasa) -> None:
    conversation, _ = db.conversations.create_web("nl")
    seen: list[list[str]] = []

    async def send(sender: str, text: str, metadata: dict[str, Any]) -> BotTurn:
        seen.append([m.status for m in db.conversations.messages_after(sender)])
        return BotTurn(replies=[Outbound(text="ok")])

    rasa.send = send  # type: ignore[method-assign]
    _turn(router, conversation.id, "hallo")
    assert seen == [["received"]]  # committed, and nothing else yet


# Caseworker actions -------------------------------------------------------------------


def test_a_caseworker_reply_is_one_transaction(
    db: Database, handoff: HandoffService, counter: Counter
) -> None:
    anna = _caseworker(db, "anna")
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, {"priority": "P2", "stage": "court"})
    asyncio.run(handoff.claim(case.id, anna))
    counter.reset()
    message = asyncio.run(handoff.reply(case.id, anna, "Dag, ik ben Anna van het CAW."))
    assert (counter.begun, counter.committed) == (1, 1)
    assert message.author_name == "Anna"
    assert [e.action for e in db.audit.recent(case.id)][:1] == ["replied"]


def test_claim_and_close_are_one_transaction_each(
    db: Database, handoff: HandoffService, counter: Counter
) -> None:
    anna = _caseworker(db, "anna")
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, {"priority": "P2", "stage": "court"})
    counter.reset()
    asyncio.run(handoff.claim(case.id, anna))
    assert (counter.begun, counter.committed) == (1, 1)
    counter.reset()
    asyncio.run(handoff.close(case.id, anna, "resolved", None))
    assert (counter.begun, counter.committed) == (1, 1)
    assert [e.action for e in db.audit.recent(case.id)] == ["closed", "claimed"]
    authors = [m.author for m in db.conversations.messages_after(conversation.id)]
    assert authors == ["system", "system"]  # "Anna took over", "the case is closed"


def test_a_failed_reply_leaves_nothing_behind(
    db: Database, handoff: HandoffService, counter: Counter
) -> None:
    anna, bert = _caseworker(db, "anna"), _caseworker(db, "bert")
    conversation, _ = db.conversations.create_web("nl")
    case = db.cases.open(conversation.id, {"priority": "P2", "stage": "court"})
    asyncio.run(handoff.claim(case.id, anna))
    before = len(db.audit.recent())
    counter.reset()
    with pytest.raises(Exception, match="holds the case"):
        asyncio.run(handoff.reply(case.id, bert, "Ik neem over."))
    assert (counter.begun, counter.committed, counter.rolled_back) == (1, 0, 1)
    assert len(db.audit.recent()) == before
    assert [m.author for m in db.conversations.messages_after(conversation.id)] == ["system"]
