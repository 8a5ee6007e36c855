"""Start and stop the three processes: action server, Rasa server, gateway.

``huurhulp run`` uses this, and so do the integration tests, so what is tested is what
runs. Every child gets its own process group, so one Ctrl-C reaches only us and we stop
the children in order (gateway, Rasa, actions) instead of all at once. While
``huurhulp run`` runs, :mod:`bot.supervisor` restarts a child that stops.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import httpx

from bot.settings import PROJECT_ROOT, Settings
from bot.training import RASA_PROJECT, rasa_environment, rasa_executable

log = logging.getLogger(__name__)


class StackError(RuntimeError):
    """A process did not start or did not become healthy in time."""


class StartInterrupted(StackError):
    """Asked to stop (Ctrl-C, SIGTERM) before every process was healthy."""


@dataclass
class ManagedProcess:
    """One child process, its log file and how to tell it is ready."""

    name: str
    command: list[str]
    health_url: str
    log_path: Path
    env: dict[str, str]
    #: HTTP statuses of ``health_url`` that mean "the process is up and serving". The
    #: gateway's /healthz answers 503 while Rasa or the action server is down, and the
    #: gateway is still up then (it gives tenants the honest reply).
    live_statuses: tuple[int, ...] = (200,)
    popen: subprocess.Popen[bytes] | None = None
    _log_file: IO[bytes] | None = field(default=None, repr=False)
    _group_cleared: bool = field(default=False, repr=False)

    def start(self, note: str = "") -> None:
        """Launch the process in its own session, output to its log file (appended;
        ``note`` is written there first, e.g. that this is a restart)."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        if self._log_file is not None:
            self._log_file.close()
        self._log_file = self.log_path.open("ab")
        if note:
            self._log_file.write(f"--- {time.strftime('%Y-%m-%d %H:%M:%S')} {note} ---\n".encode())
            self._log_file.flush()
        self._group_cleared = False
        self.popen = subprocess.Popen(
            self.command,
            cwd=PROJECT_ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )

    @property
    def pid(self) -> int | None:
        """Process id while running."""
        return self.popen.pid if self.popen else None

    def running(self) -> bool:
        """Whether the process is alive."""
        return self.popen is not None and self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        """Exit code once it stopped (negative: the signal that killed it); None while running."""
        return self.popen.poll() if self.popen is not None else None

    def stop(self, timeout: float = 15.0) -> None:
        """SIGTERM the process group, then SIGKILL what is left after ``timeout``.

        Whatever else is still in the group once the leader is gone (a child that ignored
        SIGTERM, or the orphans of a leader that died on its own) gets SIGKILL. Stopping
        again does nothing until the next :meth:`start`.
        """
        if self.popen is None or self._group_cleared:
            return
        if self.popen.poll() is None:
            _signal_group(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                _signal_group(self.popen.pid, signal.SIGKILL)
                self.popen.wait(5)
        _signal_group(self.popen.pid, signal.SIGKILL)  # no orphans left in the group
        self._group_cleared = True
        if self._log_file:
            self._log_file.close()
            self._log_file = None

    def kill(self) -> None:
        """Kill the process group at once (used by fault tests)."""
        if self.popen is not None and self.popen.poll() is None:
            _signal_group(self.popen.pid, signal.SIGKILL)
            self.popen.wait(10)

    def log_tail(self, lines: int = 30) -> str:
        """Last lines of the process's log, for error messages."""
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def telegram_environment(settings: Settings) -> dict[str, str]:
    """The Telegram settings for the gateway process, whether they came from the environment
    or from a .env file (empty without a token: the gateway then runs without Telegram)."""
    if not settings.telegram_enabled:
        return {}
    values = {
        "HUURHULP_TELEGRAM_TOKEN": settings.telegram_token.get_secret_value(),
        "HUURHULP_TELEGRAM_BASE_URL": settings.telegram_base_url,
        "HUURHULP_TELEGRAM_BASE_FILE_URL": settings.telegram_base_file_url,
        "HUURHULP_TELEGRAM_WEBHOOK_URL": settings.telegram_webhook_url,
        "HUURHULP_TELEGRAM_SECRET": settings.telegram_secret.get_secret_value(),
        "HUURHULP_TELEGRAM_POLL_TIMEOUT": str(settings.telegram_poll_timeout),
        "HUURHULP_TELEGRAM_CHAT_INTERVAL": str(settings.telegram_chat_interval),
        "HUURHULP_TELEGRAM_MESSAGES_PER_SECOND": str(settings.telegram_messages_per_second),
    }
    return {name: value for name, value in values.items() if value}


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The group may already be gone; that is the outcome we wanted.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


class Stack:
    """The action server, the Rasa server and the gateway for one set of settings."""

    def __init__(
        self, settings: Settings, model: Path, rasa_token: str, extra_env: dict[str, str] | None = None
    ) -> None:
        self.settings = settings
        self.model = model
        run_dir = settings.var_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        self.endpoints_file = run_dir / f"endpoints-{settings.rasa_port}.yml"
        self.endpoints_file.write_text(self._endpoints_yaml())
        base_env = {**rasa_environment(settings.var_dir), **(extra_env or {})}
        python = sys.executable
        logs = settings.log_dir
        self.actions = ManagedProcess(
            name="actions",
            command=[python, "-m", "rasa_sdk", "--actions", "actions", "-p", str(settings.action_port)],
            health_url=f"{settings.effective_action_url}/health",
            log_path=logs / "actions.log",
            env={**base_env, "SANIC_HOST": "127.0.0.1"},
        )
        self.rasa = ManagedProcess(
            name="rasa",
            command=[
                rasa_executable(),
                "run",
                "--enable-api",
                "--auth-token",
                rasa_token,
                "--interface",
                "127.0.0.1",
                "--port",
                str(settings.rasa_port),
                "--model",
                str(model),
                "--endpoints",
                str(self.endpoints_file),
                "--credentials",
                str(RASA_PROJECT / "credentials.yml"),
            ],
            health_url=f"{settings.effective_rasa_url}/status?token={rasa_token}",
            log_path=logs / "rasa.log",
            env=base_env,
        )
        gateway_env = {
            **os.environ,
            **(extra_env or {}),
            "HUURHULP_RASA_TOKEN": rasa_token,
            "HUURHULP_VAR_DIR": str(settings.var_dir),
            "HUURHULP_DATABASE_URL": settings.effective_database_url,
            "HUURHULP_RASA_PORT": str(settings.rasa_port),
            "HUURHULP_ACTION_PORT": str(settings.action_port),
            "HUURHULP_PORT": str(settings.port),
            "HUURHULP_HOST": settings.host,
            **telegram_environment(settings),
        }
        self.gateway = ManagedProcess(
            name="gateway",
            command=[
                python,
                "-m",
                "uvicorn",
                "bot.app:create_app",
                "--factory",
                "--ws",
                "wsproto",
                "--host",
                settings.host,
                "--port",
                str(settings.port),
                "--log-level",
                settings.log_level.lower(),
            ],
            health_url=f"http://{settings.host}:{settings.port}/healthz",
            log_path=logs / "gateway.log",
            env=gateway_env,
            live_statuses=(200, 503),
        )

    @property
    def processes(self) -> list[ManagedProcess]:
        """Start order; stop order is the reverse."""
        return [self.actions, self.rasa, self.gateway]

    def _endpoints_yaml(self) -> str:
        tracker_db = self.settings.var_dir / "rasa" / "tracker.db"
        tracker_db.parent.mkdir(parents=True, exist_ok=True)
        return (
            "# Written by `huurhulp run` for this run's ports; do not edit.\n"
            "action_endpoint:\n"
            f'  url: "{self.settings.effective_action_url}/webhook"\n'
            "tracker_store:\n"
            "  type: SQL\n"
            "  dialect: sqlite\n"
            f'  db: "{tracker_db}"\n'
        )

    def start(self, timeout: float = 240.0, should_stop: Callable[[], bool] | None = None) -> None:
        """Start all three and wait until each answers its health check (200).

        ``should_stop`` is asked while waiting; when it says so, everything started is
        stopped and :class:`StartInterrupted` is raised.
        """
        try:
            for process in self.processes:
                process.start()
            deadline = time.monotonic() + timeout
            for process in self.processes:
                self._wait_healthy(process, deadline, should_stop or (lambda: False))
        except BaseException:
            self.stop()
            raise

    def _wait_healthy(
        self, process: ManagedProcess, deadline: float, should_stop: Callable[[], bool]
    ) -> None:
        with httpx.Client(timeout=2.0) as client:
            while time.monotonic() < deadline:
                if should_stop():
                    raise StartInterrupted(f"stopped while waiting for {process.name}")
                if not process.running():
                    raise StackError(
                        f"{process.name} exited early; log {process.log_path}:\n{process.log_tail()}"
                    )
                try:
                    if client.get(process.health_url).status_code == 200:
                        log.info("%s is healthy", process.name)
                        return
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
        raise StackError(f"{process.name} not healthy in time; log {process.log_path}:\n{process.log_tail()}")

    def stop(self) -> None:
        """Stop gateway, Rasa and actions, in that order."""
        for process in reversed(self.processes):
            process.stop()
