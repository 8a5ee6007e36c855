"""Fixtures of the storage tests: a migrated database (SQLite and PostgreSQL) and helpers."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.storage.database import Database
from bot.storage.records import CaseworkerRecord

# Tests never need a real argon2 hash here; bot/auth.py has its own tests.
FAKE_HASH = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


@pytest.fixture
def caseworker(db: Database) -> Callable[[str], CaseworkerRecord]:
    """Makes a caseworker named after the argument."""

    def make(username: str) -> CaseworkerRecord:
        return db.caseworkers.add(username, username.capitalize(), FAKE_HASH)

    return make


def signal(**overrides: Any) -> dict[str, Any]:
    """A handoff signal as the actions send it."""
    base: dict[str, Any] = {
        "reason": "requested",
        "priority": "P3",
        "stage": "arrears",
        "language": "nl",
        "intake": {"arrears_months": 2, "children": None},
        "flags": ["children"],
        "reasons": ["arrears of two months"],
    }
    return {**base, **overrides}
