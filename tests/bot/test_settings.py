"""The settings object reads HUURHULP_* variables and fails fast on bad values."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.settings import Settings


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HUURHULP_PORT", "8123")
    monkeypatch.setenv("HUURHULP_VAR_DIR", str(tmp_path))
    monkeypatch.setenv("HUURHULP_RASA_PORT", "6001")
    settings = Settings()
    assert settings.port == 8123
    assert settings.effective_rasa_url == "http://127.0.0.1:6001"
    assert settings.effective_database_url == f"sqlite:///{tmp_path / 'huurhulp.db'}"
    assert settings.models_dir == tmp_path / "models"


def test_explicit_database_url_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUURHULP_DATABASE_URL", "postgresql://u@127.0.0.1/db")
    assert Settings().effective_database_url == "postgresql://u@127.0.0.1/db"


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUURHULP_PORT", "not-a-number"),
        ("HUURHULP_PORT", "70000"),
        ("HUURHULP_LOG_LEVEL", "LOUD"),
        ("HUURHULP_DEFAULT_LANGUAGE", "xx"),
        ("HUURHULP_DATABASE_URL", "just-a-path.db"),
        ("HUURHULP_MAX_MESSAGE_CHARS", "0"),
    ],
)
def test_bad_values_fail_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()


def test_the_rasa_token_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUURHULP_RASA_TOKEN", "very-secret")
    settings = Settings()
    assert "very-secret" not in repr(settings)
    assert settings.rasa_token.get_secret_value() == "very-secret"
