"""`huurhulp run`: reuses an up-to-date model, starts all three parts, stops them on Ctrl-C."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from bot.settings import PROJECT_ROOT
from tests.conftest import free_port
from tests.stack_fixtures import record_stack

pytestmark = pytest.mark.integration


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_run_serves_the_chat_and_stops_everything_on_ctrl_c(tmp_path: Path, trained_model: Path) -> None:
    # Its own stack, not the shared one: what is tested is `huurhulp run` starting and
    # stopping all three processes.
    ports = {
        "HUURHULP_PORT": free_port(),
        "HUURHULP_RASA_PORT": free_port(),
        "HUURHULP_ACTION_PORT": free_port(),
    }
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "HUURHULP_VAR_DIR": str(tmp_path),
        "HUURHULP_MODELS_DIR": str(trained_model.parent),
    }
    env.pop("HUURHULP_DATABASE_URL", None)
    env.pop("HUURHULP_RASA_TOKEN", None)
    command = [str(Path(sys.executable).with_name("huurhulp")), "run"]
    output_path = tmp_path / "run.out"
    with output_path.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=PROJECT_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT
        )
        try:
            started = time.monotonic()
            deadline = started + 240
            while "Press Ctrl-C" not in output_path.read_text(errors="replace"):
                assert process.poll() is None, output_path.read_text(errors="replace")[-3000:]
                assert time.monotonic() < deadline, "huurhulp run did not come up in time"
                time.sleep(0.5)
            record_stack("huurhulp run", time.monotonic() - started)
            text = output_path.read_text()
            assert "up to date, not retrained" in text
            base = f"http://127.0.0.1:{ports['HUURHULP_PORT']}"
            assert f"{base}/" in text

            created = httpx.post(f"{base}/api/web/conversations").json()
            reply = httpx.post(
                f"{base}/api/web/conversations/{created['conversation_id']}/messages",
                json={"text": "hallo"},
                headers={"Authorization": f"Bearer {created['token']}"},
                timeout=30,
            ).json()
            assert "Huurhulp" in " ".join(r["text"] for r in reply["replies"])
        finally:
            process.send_signal(signal.SIGINT)
            exit_code = process.wait(timeout=60)
    final = output_path.read_text()
    assert exit_code == 0, final[-3000:]
    assert "stopped." in final
    assert not any(_port_open(port) for port in ports.values())
    # The run's logs hold no tenant text and no token.
    logs = "".join(p.read_text(errors="replace") for p in (tmp_path / "logs").glob("*.log"))
    assert "hallo" not in logs
    assert "token=" not in logs
