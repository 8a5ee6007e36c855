"""`huurhulp run`: reuses an up-to-date model, keeps all three parts up, stops them on a signal.

One `huurhulp run` serves the whole module (Rasa takes 20-30 s to start): the tests run in
file order against it, kill its children one by one (the supervisor restarts each), and the
last one stops it with SIGTERM. Ctrl-C during start-up gets a run of its own, stopped
before Rasa has loaded.

Each kill prints how long it took until the supervisor noticed, restarted the part, and
until the part was healthy again (in pytest's terminal summary of this module).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from bot.settings import PROJECT_ROOT
from bot.storage.database import Database
from tests.conftest import free_port
from tests.stack_fixtures import record_stack

pytestmark = pytest.mark.integration

T = TypeVar("T")
CHILDREN = ("actions", "rasa", "gateway")


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _proc_stat(pid: str) -> tuple[str, int, int] | None:
    """(state, parent pid, process group) of a process, None when it is gone."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rindex(")") + 2 :].split()
    return fields[0], int(fields[1]), int(fields[2])


def _processes() -> Iterator[tuple[int, str, int, int]]:
    """(pid, state, parent pid, process group) of every process we can see."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            stat = _proc_stat(entry)
            if stat is not None:
                yield int(entry), *stat


def _kind(pid: int) -> str | None:
    """Which part a process of `huurhulp run` is, from its command line."""
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return None
    if "rasa_sdk" in args:
        return "actions"
    if "uvicorn" in args:
        return "gateway"
    if "run" in args and any(arg.endswith("/rasa") or arg == "rasa" for arg in args):
        return "rasa"
    return None


def children_of(parent: int) -> dict[str, int]:
    """The live children of ``parent`` by part (zombies, already dead, are left out)."""
    found: dict[str, int] = {}
    for pid, state, ppid, _group in _processes():
        if ppid == parent and state != "Z":
            kind = _kind(pid)
            if kind is not None:
                found[kind] = pid
    return found


def members_of(groups: set[int]) -> list[int]:
    """Live processes in any of the process groups ``groups``."""
    return [pid for pid, state, _ppid, group in _processes() if group in groups and state != "Z"]


def wait_for(check: Callable[[], T | None], timeout: float, what: str, step: float = 0.1) -> T:
    """Poll ``check`` until it returns something truthy; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(step)


@dataclass
class Run:
    """A `huurhulp run` in the background and what the tests need to reach it."""

    process: subprocess.Popen[bytes]
    output_path: Path
    var_dir: Path
    ports: dict[str, int]
    measured: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.ports['HUURHULP_PORT']}"

    def output(self) -> str:
        return self.output_path.read_text(errors="replace")

    def children(self) -> dict[str, int]:
        return children_of(self.process.pid)

    def health(self) -> dict[str, Any] | None:
        """/healthz's body (with its status code), None while the gateway does not answer."""
        try:
            response = httpx.get(f"{self.base}/healthz", timeout=5)
        except httpx.HTTPError:
            return None
        return {"code": response.status_code, **response.json()}

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, timeout=30.0)


def _run_env(var_dir: Path, model: Path, ports: dict[str, int]) -> dict[str, str]:
    env = {
        **os.environ,
        **{name: str(port) for name, port in ports.items()},
        "HUURHULP_VAR_DIR": str(var_dir),
        "HUURHULP_MODELS_DIR": str(model.parent),
        "HUURHULP_LOG_LEVEL": "INFO",
    }
    for name in ("HUURHULP_DATABASE_URL", "HUURHULP_RASA_TOKEN", "HUURHULP_RASA_URL", "HUURHULP_ACTION_URL"):
        env.pop(name, None)
    for name in [name for name in env if name.startswith(("HUURHULP_RESTART_", "HUURHULP_TELEGRAM_"))]:
        env.pop(name)
    return env


def _start_run(var_dir: Path, model: Path) -> Run:
    ports = {
        "HUURHULP_PORT": free_port(),
        "HUURHULP_RASA_PORT": free_port(),
        "HUURHULP_ACTION_PORT": free_port(),
    }
    output_path = var_dir / "run.out"
    with output_path.open("wb") as output:
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("huurhulp")), "run"],
            cwd=PROJECT_ROOT,
            env=_run_env(var_dir, model, ports),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    return Run(process=process, output_path=output_path, var_dir=var_dir, ports=ports)


@pytest.fixture(scope="module")
def run(
    tmp_path_factory: pytest.TempPathFactory, trained_model: Path, request: pytest.FixtureRequest
) -> Iterator[Run]:
    """Its own `huurhulp run`, not the shared stack: what is tested is the command itself."""
    running = _start_run(tmp_path_factory.mktemp("run"), trained_model)
    try:
        started = time.monotonic()
        wait_for(
            lambda: "Press Ctrl-C" in running.output() or running.process.poll() is not None,
            240,
            "huurhulp run to come up",
            step=0.5,
        )
        assert running.process.poll() is None, running.output()[-3000:]
        record_stack("huurhulp run", time.monotonic() - started)
        yield running
    finally:
        if running.process.poll() is None:
            groups = set(running.children().values())
            running.process.send_signal(signal.SIGTERM)
            try:
                running.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                running.process.kill()
            for pid in members_of(groups):  # only if the command failed to stop its own
                os.kill(pid, signal.SIGKILL)
        reporter = request.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None and running.measured:
            reporter.write_line("")
            reporter.write_line("huurhulp run, a killed part (seconds after the kill):")
            for line in running.measured:
                reporter.write_line(f"  {line}")


def kill_and_watch(run: Run, part: str, sig: signal.Signals) -> dict[str, float]:
    """Send ``sig`` to one child; wait until the supervisor has restarted it and it is healthy.

    Returns seconds after the kill: ``down`` (healthz names it down, or the gateway stops
    answering), ``detected`` (the supervisor logged it), ``restarted`` (a new child process),
    ``healthy`` (healthz says it is up again), ``logged`` (the supervisor saw it healthy).
    """
    old = run.children()[part]
    seen = len(run.output())
    killed = time.monotonic()
    os.kill(old, sig)
    times: dict[str, float] = {}

    def down() -> bool:
        health = run.health()
        return health is None if part == "gateway" else health is not None and part in health["down"]

    def healthy() -> bool:
        health = run.health()
        if part == "gateway":
            return health is not None
        return health is not None and health["parts"][part]["ok"]

    def restarted() -> int | None:
        pid = run.children().get(part)
        return pid if pid is not None and pid != old else None

    def detected() -> bool:
        return f"{part} stopped unexpectedly" in run.output()[seen:]

    def logged() -> bool:
        return f"{part} is healthy again" in run.output()[seen:]

    pending = {
        "down": down,
        "detected": detected,
        "restarted": restarted,
        "healthy": healthy,
        "logged": logged,
    }
    deadline = killed + 180
    while pending:
        assert time.monotonic() < deadline, f"{part}: still waiting for {sorted(pending)}"
        assert run.process.poll() is None, run.output()[-3000:]
        for name, check in list(pending.items()):
            # "healthy" only counts once the part was seen down and restarted.
            if name == "healthy" and ("down" in pending or "restarted" in pending):
                continue
            if check():
                times[name] = time.monotonic() - killed
                del pending[name]
        time.sleep(0.05)
    run.measured.append(
        f"{part:8} {sig.name:8} down {times['down']:5.1f}  detected {times['detected']:5.1f}  "
        f"restarted {times['restarted']:5.1f}  healthy {times['healthy']:5.1f}"
    )
    return times


def test_run_serves_the_chat(run: Run) -> None:
    text = run.output()
    assert "up to date, not retrained" in text
    assert f"{run.base}/" in text
    with run.client() as client:
        created = client.post("/api/web/conversations").json()
        reply = client.post(
            f"/api/web/conversations/{created['conversation_id']}/messages",
            json={"text": "hallo"},
            headers={"Authorization": f"Bearer {created['token']}"},
        ).json()
    assert "Huurhulp" in " ".join(r["text"] for r in reply["replies"])
    assert set(run.children()) == set(CHILDREN)


def test_a_killed_action_server_is_restarted_with_backoff(run: Run) -> None:
    kill_and_watch(run, "actions", signal.SIGKILL)
    assert re.search(
        r"actions stopped unexpectedly \(killed by SIGKILL\); failure 1 in a row, next try in 1\.0 s",
        run.output(),
    )
    assert "restarting actions (restart 1)" in run.output()
    assert "actions is healthy again (restart 1)" in run.output()

    # Again, soon after: the second failure in a row waits twice as long.
    kill_and_watch(run, "actions", signal.SIGTERM)
    assert "failure 2 in a row, next try in 2.0 s" in run.output()
    assert "actions is healthy again (restart 2)" in run.output()
    health = run.health()
    assert health is not None and health["code"] == 200 and health["down"] == []


def _tenant(client: httpx.Client) -> tuple[str, dict[str, str]]:
    created = client.post("/api/web/conversations")
    assert created.status_code == 201
    body = created.json()
    return body["conversation_id"], {"Authorization": f"Bearer {body['token']}"}


def _say(client: httpx.Client, tenant: tuple[str, dict[str, str]], text: str) -> dict[str, Any]:
    conversation_id, headers = tenant
    response = client.post(
        f"/api/web/conversations/{conversation_id}/messages", json={"text": text}, headers=headers
    )
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _texts(result: dict[str, Any]) -> str:
    return " ".join(reply["text"] for reply in result["replies"])


def test_during_a_rasa_outage_tenants_get_the_honest_reply_and_a_case(run: Run) -> None:
    with run.client() as client:
        before = _tenant(client)
        assert _say(client, before, "hallo")["mode"] == "bot"

        # SIGTERM to the Rasa server only (as in the measured failure): the gateway stays.
        old = run.children()["rasa"]
        killed = time.monotonic()
        os.kill(old, signal.SIGTERM)
        wait_for(lambda: (h := run.health()) is not None and "rasa" in h["down"], 30, "healthz to name rasa")
        down_after = time.monotonic() - killed

        during = _tenant(client)
        result = _say(client, during, "hallo")
        assert result["mode"] == "waiting"
        assert "technisch probleem" in _texts(result)
        health = run.health()
        assert health is not None and health["code"] == 503 and health["down"] == ["rasa"]

        db = Database(f"sqlite:///{run.var_dir / 'huurhulp.db'}")
        try:
            case = db.cases.open_for_conversation(during[0])
            assert case is not None and case.status == "waiting" and case.reason == "bot_unavailable"
            inbound = [m for m in db.conversations.messages_after(during[0]) if m.direction == "in"]
            assert [(m.text, m.status) for m in inbound] == [("hallo", "failed")]
        finally:
            db.dispose()

        # While the new Rasa server loads its model, the same: honest reply, a case.
        wait_for(lambda: "rasa stopped unexpectedly" in run.output(), 30, "the supervisor to notice")
        detected_after = time.monotonic() - killed
        wait_for(lambda: "restarting rasa (restart 1)" in run.output(), 30, "the restart of rasa")
        restarted_after = time.monotonic() - killed
        time.sleep(3)
        health = run.health()
        assert health is not None and health["down"] == ["rasa"]
        loading = _tenant(client)
        result = _say(client, loading, "hallo")
        assert result["mode"] == "waiting" and "technisch probleem" in _texts(result)

        # Rasa comes back on its own.
        wait_for(lambda: (h := run.health()) is not None and h["code"] == 200, 180, "rasa healthy again", 0.2)
        healthy_after = time.monotonic() - killed
        new_pid = run.children()["rasa"]
        assert new_pid != old
        run.measured.append(
            f"rasa     SIGTERM  down {down_after:5.1f}  detected {detected_after:5.1f}  "
            f"restarted {restarted_after:5.1f}  healthy {healthy_after:5.1f}  (tenants wrote meanwhile)"
        )
        assert re.search(r"rasa stopped unexpectedly \((exit code \d+|killed by SIGTERM)\)", run.output())
        wait_for(lambda: "rasa is healthy again (restart 1)" in run.output(), 5, "the supervisor to see rasa")

        # A new conversation goes to the bot again.
        after = _tenant(client)
        result = _say(client, after, "hallo")
        assert result["mode"] == "bot"
        assert "Huurhulp" in _texts(result)
        # The conversation that never met the outage carries on with the bot.
        result = _say(client, before, "hallo")
        assert result["mode"] == "bot" and "technisch probleem" not in _texts(result)
        # The one queued during the outage stays with the human: nothing goes to the bot.
        for queued in (during, loading):
            result = _say(client, queued, "is er iemand?")
            assert result["mode"] == "waiting"
            assert "technisch probleem" not in _texts(result)


def test_a_killed_gateway_is_restarted(run: Run) -> None:
    kill_and_watch(run, "gateway", signal.SIGKILL)
    assert "gateway stopped unexpectedly (killed by SIGKILL)" in run.output()
    with run.client() as client:
        result = _say(client, _tenant(client), "hallo")
    assert result["mode"] == "bot" and "Huurhulp" in _texts(result)


def test_a_gateway_stopped_with_sigterm_is_restarted_too(run: Run) -> None:
    # uvicorn shuts down gracefully on SIGTERM (then exits with 0 or re-raises the signal,
    # depending on its version): any exit we did not ask for is restarted.
    kill_and_watch(run, "gateway", signal.SIGTERM)
    assert re.search(
        r"gateway stopped unexpectedly \((exit code 0|killed by SIGTERM)\); "
        r"failure 2 in a row, next try in 2\.0 s",
        run.output(),
    )


def test_sigterm_stops_every_child_and_leaves_no_process(run: Run) -> None:
    children = run.children()
    assert set(children) == set(CHILDREN)
    groups = set(children.values())  # each child leads its own process group
    asked = time.monotonic()
    run.process.send_signal(signal.SIGTERM)
    exit_code = run.process.wait(timeout=60)
    run.measured.append(f"SIGTERM to huurhulp run: all stopped after {time.monotonic() - asked:.1f} s")
    final = run.output()
    assert exit_code == 0, final[-3000:]
    assert "SIGTERM received: stopping" in final
    assert "stopped." in final
    assert members_of(groups) == []
    assert not any(_port_open(port) for port in run.ports.values())
    # Neither the run's output nor the parts' logs hold tenant text or the token.
    logs = final + "".join(p.read_text(errors="replace") for p in (run.var_dir / "logs").glob("*.log"))
    for text in ("hallo", "is er iemand"):
        assert text not in logs
    assert "token=" not in logs


def test_ctrl_c_during_start_up_stops_everything(tmp_path: Path, trained_model: Path) -> None:
    early = _start_run(tmp_path, trained_model)
    try:

        def all_launched() -> dict[str, int] | None:
            found = early.children()
            return found if len(found) == len(CHILDREN) else None

        children = wait_for(all_launched, 60, "all three children to be launched")
        time.sleep(2)  # Rasa is still loading: the start-up is waiting for it
        assert "Press Ctrl-C" not in early.output()
        early.process.send_signal(signal.SIGINT)
        exit_code = early.process.wait(timeout=60)
    finally:
        if early.process.poll() is None:
            early.process.kill()
    assert exit_code == 0, early.output()[-3000:]
    assert "stopped before start-up finished." in early.output()
    assert members_of(set(children.values())) == []
    assert not any(_port_open(port) for port in early.ports.values())
