"""bot.launch hands Rasa its API token from the environment, whatever the token looks like."""

from __future__ import annotations

import argparse
import sys
import types

import pytest

from bot import launch


def test_a_token_that_starts_with_a_dash_still_reaches_rasa(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    fake_main = types.ModuleType("rasa.__main__")
    fake_main.main = lambda: seen.append(list(sys.argv))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "rasa.__main__", fake_main)
    monkeypatch.setattr(sys, "argv", list(sys.argv))
    monkeypatch.setenv(launch.TOKEN_ENV, "-Xy_12")  # secrets.token_urlsafe does this once in 64

    launch.run_rasa(["run", "--enable-api"])

    (argv,) = seen
    parser = argparse.ArgumentParser()
    parser.add_argument("command")
    parser.add_argument("--enable-api", action="store_true")
    parser.add_argument("--auth-token")
    assert parser.parse_args(argv[1:]).auth_token == "-Xy_12"
    assert launch.TOKEN_ENV not in __import__("os").environ
