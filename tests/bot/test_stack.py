"""What `huurhulp run` would start, without starting it: commands, endpoints, environments, sockets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from bot.settings import Settings
from bot.stack import (
    LOCK_STORE_PASSWORD_ENV,
    TRACKER_PASSWORD_ENV,
    ScaleOutError,
    Stack,
    lock_store_endpoint,
    scale_out_problems,
    tracker_store_endpoint,
)
from tests.conftest import free_port

TOKEN = "rasa-api-token-for-tests"
POSTGRES = "postgresql://huurhulp:db%40secret@db.example:5432/huurhulp"
REDIS = "redis://:redis-secret@redis.example:6379/3"


def _settings(tmp_path: Path, **values: object) -> Settings:
    base: dict[str, object] = {
        "var_dir": tmp_path,
        "port": free_port(),
        "rasa_port": free_port(),
        "action_port": free_port(),
        "rasa_url": "",
        "action_url": "",
    }
    return Settings(**{**base, **values})


@pytest.fixture
def stacks() -> Iterator[list[Stack]]:
    made: list[Stack] = []
    yield made
    for stack in made:
        stack.stop()  # closes the listening sockets; nothing was started


def test_the_tracker_store_is_the_gateways_sqlite_file(tmp_path: Path, stacks: list[Stack]) -> None:
    settings = _settings(tmp_path)
    stack = Stack(settings, tmp_path / "model.tar.gz", TOKEN)
    stacks.append(stack)
    endpoints = yaml.safe_load(stack.endpoints_file.read_text())
    assert endpoints["tracker_store"] == {
        "type": "SQL",
        "dialect": "sqlite",
        "db": str(tmp_path / "huurhulp.db"),
    }
    assert endpoints["action_endpoint"]["url"] == f"{settings.effective_action_url}/webhook"
    assert "lock_store" not in endpoints  # one Rasa server: its in-memory lock store
    assert stack.gateway.env["HUURHULP_TRACKER_STORE_URL"] == settings.effective_tracker_store_url


def test_the_rasa_token_stays_out_of_every_command_line(tmp_path: Path, stacks: list[Stack]) -> None:
    stack = Stack(_settings(tmp_path), tmp_path / "model.tar.gz", TOKEN)
    stacks.append(stack)
    for process in stack.processes:
        assert not any(TOKEN in part for part in process.command), process.name
    assert stack.rasa.command[2:5] == ["bot.launch", "rasa", "run"]
    assert stack.rasa.env["HUURHULP_RASA_TOKEN"] == TOKEN  # bot/launch.py hands it to Rasa
    assert TOKEN not in stack.endpoints_file.read_text()


def test_postgresql_and_redis_passwords_go_through_the_environment() -> None:
    tracker, env = tracker_store_endpoint(f"{POSTGRES}?options=-csearch_path%3Drasa&sslmode=require")
    assert tracker == {
        "type": "SQL",
        "dialect": "postgresql",
        "url": "db.example",
        "port": 5432,
        "db": "huurhulp",
        "username": "huurhulp",
        "password": f"${{{TRACKER_PASSWORD_ENV}}}",
        "query": {"sslmode": "require"},
    }
    assert env == {"POSTGRESQL_SCHEMA": "rasa", TRACKER_PASSWORD_ENV: "db@secret"}
    lock, lock_env = lock_store_endpoint(REDIS)
    assert lock == {
        "type": "redis",
        "url": "redis.example",
        "port": 6379,
        "db": 3,
        "key_prefix": "huurhulp",
        "password": f"${{{LOCK_STORE_PASSWORD_ENV}}}",
    }
    assert lock_env == {LOCK_STORE_PASSWORD_ENV: "redis-secret"}
    assert lock_store_endpoint("rediss://r.example")[0]["use_ssl"] is True


def test_scale_out_needs_postgresql_and_redis(tmp_path: Path) -> None:
    assert scale_out_problems(_settings(tmp_path), 1, 1) == []
    problems = scale_out_problems(_settings(tmp_path), 2, 1)
    assert len(problems) == 2 and "PostgreSQL" in problems[0] and "Redis" in problems[1]
    assert len(scale_out_problems(_settings(tmp_path, database_url=POSTGRES), 1, 2)) == 1
    sqlite_tracker = _settings(
        tmp_path, database_url=POSTGRES, redis_url=REDIS, tracker_store_url="sqlite:///x"
    )
    assert "tracker store" in scale_out_problems(sqlite_tracker, 1, 2)[0]
    assert scale_out_problems(_settings(tmp_path, database_url=POSTGRES, redis_url=REDIS), 4, 3) == []
    with pytest.raises(ScaleOutError):
        Stack(_settings(tmp_path), tmp_path / "model.tar.gz", TOKEN, gateway_workers=2)


def test_two_gateways_and_two_rasa_servers(tmp_path: Path, stacks: list[Stack]) -> None:
    settings = _settings(
        tmp_path,
        database_url=POSTGRES,
        redis_url=REDIS,
        telegram_token="123:abc",
        telegram_messages_per_second=30.0,
    )
    ports = [free_port(), free_port()]
    stack = Stack(
        settings, tmp_path / "model.tar.gz", TOKEN, gateway_workers=2, rasa_servers=2, rasa_ports=ports
    )
    stacks.append(stack)
    assert [p.name for p in stack.processes] == ["actions", "rasa", "rasa-2", "gateway", "gateway-2"]
    endpoints = yaml.safe_load(stack.endpoints_file.read_text())
    assert (
        endpoints["lock_store"]["type"] == "redis" and endpoints["tracker_store"]["dialect"] == "postgresql"
    )
    assert (
        "db@secret" not in stack.endpoints_file.read_text()
        and "redis-secret" not in stack.endpoints_file.read_text()
    )
    for rasa, port in zip(stack.rasas, ports, strict=True):
        assert rasa.command[rasa.command.index("--port") + 1] == str(port)
        assert rasa.env["POSTGRESQL_SCHEMA"] == "rasa"
        assert (
            rasa.env[TRACKER_PASSWORD_ENV] == "db@secret"
            and rasa.env[LOCK_STORE_PASSWORD_ENV] == "redis-secret"
        )
    first, second = stack.gateways
    # One shared listening socket, and each worker's own port for its health check.
    assert first.pass_fds[0] == second.pass_fds[0] and first.pass_fds[1] != second.pass_fds[1]
    assert first.health_url != second.health_url and first.live_statuses == (200, 503)
    assert first.env["HUURHULP_RASA_URLS"] == ",".join(f"http://127.0.0.1:{port}" for port in ports)
    assert first.env["HUURHULP_REDIS_URL"] == REDIS
    # Only the first worker long-polls Telegram; each sends half of the overall rate.
    assert (first.env["HUURHULP_TELEGRAM_POLLING"], second.env["HUURHULP_TELEGRAM_POLLING"]) == (
        "true",
        "false",
    )
    assert first.env["HUURHULP_TELEGRAM_MESSAGES_PER_SECOND"] == "15.0"


def test_rasa_ports_must_not_clash(tmp_path: Path) -> None:
    settings = _settings(tmp_path, database_url=POSTGRES, redis_url=REDIS)
    with pytest.raises(ScaleOutError):
        Stack(settings, tmp_path / "m", TOKEN, rasa_servers=2, rasa_ports=[free_port(), settings.action_port])


def test_the_gateway_is_given_exactly_this_runs_rasa_servers(tmp_path: Path, stacks: list[Stack]) -> None:
    settings = _settings(tmp_path)
    default = Stack(settings, tmp_path / "m", TOKEN)
    stacks.append(default)
    assert default.gateway.env["HUURHULP_RASA_URLS"] == settings.effective_rasa_url
    port = free_port()
    moved = Stack(settings, tmp_path / "m", TOKEN, rasa_ports=[port])
    stacks.append(moved)
    assert moved.rasa.health_url.startswith(f"http://127.0.0.1:{port}/status")
    assert moved.gateway.env["HUURHULP_RASA_URLS"] == f"http://127.0.0.1:{port}"
