"""Shared fixtures: settings on temporary paths, SQLite and PostgreSQL databases, Redis, free ports.

PostgreSQL and Redis tests skip on a laptop without a server, but fail under ``CI=true``:
CI must never turn green by skipping what it was meant to check.

Tiers: a test that uses the real stack, the trained model or a browser must be marked
``integration`` (browser tests also ``browser``), so ``make test-fast``
(``-m "not integration and not browser"``) never needs a model or a server; collection
stops with an error when such a test is not marked.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine.url import make_url

from bot.app import create_app
from bot.settings import Settings
from bot.stack import free_port as free_port  # re-exported for the tests that import it here

pytest_plugins = ["tests.stack_fixtures"]

IN_CI = os.environ.get("CI", "").lower() == "true"
POSTGRES_ADMIN_URL = os.environ.get(
    "HUURHULP_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("HUURHULP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

#: Fixtures that need a trained model, a started stack or Chromium (tests/stack_fixtures.py,
#: tests/browser/conftest.py): only tests marked ``integration`` may use them.
STACK_FIXTURES = frozenset({"trained_model", "live_stack", "fake_telegram", "browser"})


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep the fast tier free of models and servers: stack tests must say so in a marker."""
    unmarked = [
        item.nodeid
        for item in items
        if STACK_FIXTURES.intersection(getattr(item, "fixturenames", ()))
        and item.get_closest_marker("integration") is None
    ]
    if unmarked:
        raise pytest.UsageError(
            "these tests use the real stack, the model or a browser but are not marked "
            "integration (pytestmark = pytest.mark.integration): " + ", ".join(unmarked)
        )


def unavailable(reason: str) -> None:
    """Skip locally, fail in CI."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """URL of a reachable PostgreSQL server's maintenance database."""
    engine = create_engine(POSTGRES_ADMIN_URL, future=True)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as error:
        unavailable(f"PostgreSQL is not reachable at {POSTGRES_ADMIN_URL}: {type(error).__name__}")
    finally:
        engine.dispose()
    return POSTGRES_ADMIN_URL


@pytest.fixture(scope="session")
def redis_url() -> str:
    """URL of a reachable Redis server (mark such tests ``redis``)."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2)
    try:
        client.ping()
    except Exception as error:
        unavailable(f"Redis is not reachable at {REDIS_URL}: {type(error).__name__}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    name = f"huurhulp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, future=True, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield str(make_url(postgres_admin_url).set(database=name))
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'huurhulp.db'}"
    return str(request.getfixturevalue("postgres_url"))


def offline_settings(var_dir: Path, database_url: str, **overrides: Any) -> Settings:
    """Gateway settings with nothing listening on Rasa's and the action server's ports.

    That is the real "Rasa is down" situation; tests that need the bot use the stack.
    """
    values: dict[str, Any] = {
        "var_dir": var_dir,
        "database_url": database_url,
        "rasa_token": "test-token",
        "rasa_port": free_port(),
        "action_port": free_port(),
        "rasa_timeout": 2.0,
        **overrides,
    }
    return Settings(**values)


@pytest.fixture
def offline_client_factory() -> Iterator[Callable[[Settings], TestClient]]:
    """Start the real gateway app (lifespan included) for given settings; closed afterwards."""
    clients: list[TestClient] = []

    def start(settings: Settings) -> TestClient:
        client = TestClient(create_app(settings), raise_server_exceptions=False)
        client.__enter__()
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)
