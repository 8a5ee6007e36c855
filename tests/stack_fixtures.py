"""Fixtures for the real stack (integration and browser tests): action server, Rasa server and gateway.

pytest never trains: the integration and browser tests need the model for the current
``rasa_project/`` (``make train``, or ``make test``, which trains before pytest). Without it
they stop with one clear message instead of training for many minutes inside a test.

One session-scoped stack (``live_stack``) serves every test that can share it; its gateway
also polls a fake Telegram Bot API server, so the web chat, console, browser and Telegram
tests meet the same processes. Tests stay independent through fresh conversations (web
chat) and their own chat ids (Telegram), never through state left by another test. Only a
test that needs different settings or breaks its stack starts its own, with ``start_stack``
(see ``tests/integration/test_faults.py``), or ``huurhulp run`` itself
(``tests/integration/test_cli_run.py``). Each stack gets free ports and its own temporary
var directory and SQLite database. The terminal summary lists the stacks a run started.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from bot.settings import Settings, get_settings
from bot.stack import Stack, local_settings
from bot.training import model_path
from tests.fake_telegram import FakeTelegram

if TYPE_CHECKING:
    from bot.storage.database import Database

#: What to do when the model is missing (the integration and browser tests fail with this).
NO_MODEL = "no trained model for the current rasa_project/: run `make train`"

#: Full stacks started in this session: (what, seconds until healthy), for the summary.
STACKS_STARTED: list[tuple[str, float]] = []
#: The model the integration and browser tests looked for and did not find.
MISSING_MODEL: list[Path] = []


def record_stack(what: str, seconds: float) -> None:
    """Count a full stack (actions, Rasa, gateway) that this session started."""
    STACKS_STARTED.append((what, seconds))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    for path in dict.fromkeys(MISSING_MODEL):
        terminalreporter.write_line(f"{NO_MODEL} (looked for {path})", red=True, bold=True)
    if STACKS_STARTED:
        parts = ", ".join(f"{what} {seconds:.0f} s" for what, seconds in STACKS_STARTED)
        terminalreporter.write_line(f"full stacks started: {len(STACKS_STARTED)} ({parts} to start)")


@dataclass
class RunningStack:
    """A started stack and what tests need to talk to it."""

    stack: Stack
    settings: Settings
    token: str

    @property
    def base_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base_url, timeout=30.0)

    def database(self) -> Database:
        # Imported here: loading this plugin (every pytest run, the fast tier too) needs no
        # database code.
        from bot.storage.database import Database

        return Database(self.settings.effective_database_url)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The model for the current rasa_project/; fails (never trains) when it is missing."""
    path = model_path(get_settings().models_dir)
    if not path.exists():
        MISSING_MODEL.append(path)
        pytest.fail(f"{NO_MODEL} (looked for {path})", pytrace=False)
    return path


#: The stacks in tests live on a fixed day, so relative dates have fixed answers.
TEST_TODAY = "2026-11-25"


def start_stack(
    var_dir: Path, model: Path, extra_env: dict[str, str] | None = None, what: str = "stack"
) -> RunningStack:
    """Start a stack on free ports under ``var_dir`` (``extra_env``: more HUURHULP_* settings)."""
    settings = local_settings(var_dir, rasa_timeout=30.0)
    token = secrets.token_urlsafe(16)
    stack = Stack(settings, model, token, extra_env={"HUURHULP_TODAY": TEST_TODAY, **(extra_env or {})})
    started = time.monotonic()
    stack.start()
    record_stack(what, time.monotonic() - started)
    return RunningStack(stack=stack, settings=settings, token=token)


@pytest.fixture(scope="session")
def fake_telegram() -> Iterator[FakeTelegram]:
    """The fake Bot API server that the shared stack's gateway polls."""
    server = FakeTelegram().start()
    try:
        yield server
    finally:
        server.stop()


def telegram_polling_env(fake: FakeTelegram) -> dict[str, str]:
    """Gateway settings for long polling against ``fake`` (no webhook URL: polling)."""
    return {
        "HUURHULP_TELEGRAM_TOKEN": fake.token,
        "HUURHULP_TELEGRAM_BASE_URL": fake.base_url,
        "HUURHULP_TELEGRAM_POLL_TIMEOUT": "1",
        "HUURHULP_TELEGRAM_CHAT_INTERVAL": "0.3",
    }


@pytest.fixture(scope="session")
def live_stack(
    tmp_path_factory: pytest.TempPathFactory, trained_model: Path, fake_telegram: FakeTelegram
) -> Iterator[RunningStack]:
    """The one stack shared by every test that does not stop its parts or change its settings.

    Telegram is on (polling ``fake_telegram``); it only adds the Telegram channel, so the web
    chat, console and widget behave as without it.
    """
    running = start_stack(
        tmp_path_factory.mktemp("stack"), trained_model, telegram_polling_env(fake_telegram), what="shared"
    )
    try:
        yield running
    finally:
        running.stack.stop()


class WebTenant:
    """A tenant using the web chat API."""

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        created = client.post("/api/web/conversations")
        assert created.status_code == 201, created.text
        body = created.json()
        self.conversation_id: str = body["conversation_id"]
        self.token: str = body["token"]
        self.headers = {"Authorization": f"Bearer {body['token']}"}

    def say(self, text: str, payload: str | None = None) -> dict:  # type: ignore[type-arg]
        body = {"text": text} if payload is None else {"text": text, "payload": payload}
        response = self.client.post(
            f"/api/web/conversations/{self.conversation_id}/messages", json=body, headers=self.headers
        )
        assert response.status_code == 200, response.text
        result: dict = response.json()  # type: ignore[type-arg]
        return result

    def history(self) -> list[dict]:  # type: ignore[type-arg]
        response = self.client.get(
            f"/api/web/conversations/{self.conversation_id}/messages", headers=self.headers
        )
        assert response.status_code == 200
        messages: list[dict] = response.json()["messages"]  # type: ignore[type-arg]
        return messages
