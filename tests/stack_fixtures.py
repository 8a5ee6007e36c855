"""Fixtures for the real stack (integration and browser tests): action server, Rasa server and gateway.

The model is trained once (or reused when rasa_project/ is unchanged) into the project's
var/models, exactly as `huurhulp train` does. Each stack gets free ports and its own
temporary var directory and SQLite database.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from bot.settings import Settings, get_settings
from bot.stack import Stack
from bot.storage.database import Database
from bot.training import ensure_model
from tests.conftest import free_port


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
        return Database(self.settings.effective_database_url)


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """The current model, trained only if rasa_project/ changed."""
    project_settings = get_settings()
    path, _ = ensure_model(project_settings.models_dir, project_settings.var_dir)
    return path


#: The stacks in tests live on a fixed day, so relative dates have fixed answers.
TEST_TODAY = "2026-11-25"


def start_stack(var_dir: Path, model: Path, extra_env: dict[str, str] | None = None) -> RunningStack:
    """Start a stack on free ports under ``var_dir`` (``extra_env``: more HUURHULP_* settings)."""
    settings = Settings(
        var_dir=var_dir,
        database_url="",
        port=free_port(),
        rasa_port=free_port(),
        action_port=free_port(),
        rasa_url="",
        action_url="",
        rasa_timeout=30.0,
    )
    token = secrets.token_urlsafe(16)
    stack = Stack(settings, model, token, extra_env={"HUURHULP_TODAY": TEST_TODAY, **(extra_env or {})})
    stack.start()
    return RunningStack(stack=stack, settings=settings, token=token)


@pytest.fixture(scope="session")
def live_stack(tmp_path_factory: pytest.TempPathFactory, trained_model: Path) -> Iterator[RunningStack]:
    """One stack shared by the conversation tests (they never stop its parts)."""
    running = start_stack(tmp_path_factory.mktemp("stack"), trained_model)
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
