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


# One place for personal data; scale-out settings ---------------------------------------------


def test_rasas_tracker_store_lives_in_the_gateways_database(tmp_path: Path) -> None:
    sqlite = Settings(var_dir=tmp_path, database_url="")
    assert sqlite.effective_tracker_store_url == sqlite.effective_database_url  # the same file
    postgres = Settings(var_dir=tmp_path, database_url="postgresql://u:p%40ss@db.example:5432/huurhulp")
    assert postgres.effective_tracker_store_url == (
        "postgresql://u:p%40ss@db.example:5432/huurhulp?options=-csearch_path%3Drasa"
    )  # the same database, schema "rasa"
    own = Settings(var_dir=tmp_path, tracker_store_url="sqlite:////srv/rasa.db")
    assert own.effective_tracker_store_url == "sqlite:////srv/rasa.db"  # an explicit URL wins


def test_several_rasa_servers_and_redis(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HUURHULP_RASA_URLS", "http://10.0.0.5:5005/, http://10.0.0.6:5005")
    monkeypatch.setenv("HUURHULP_REDIS_URL", "rediss://:secret@redis.example:6380/2")
    settings = Settings()
    assert settings.rasa_server_urls == ["http://10.0.0.5:5005", "http://10.0.0.6:5005"]
    assert settings.redis_url.startswith("rediss://")
    assert Settings(rasa_urls="").rasa_server_urls == [Settings().effective_rasa_url]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("HUURHULP_REDIS_URL", "127.0.0.1:6379"),
        ("HUURHULP_RASA_URLS", "http://a:5005,http://a:5005"),
        ("HUURHULP_RASA_URLS", "a:5005"),
        ("HUURHULP_GATEWAY_WORKERS", "0"),
    ],
)
def test_bad_scale_out_values_fail_at_start(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ValidationError):
        Settings()
