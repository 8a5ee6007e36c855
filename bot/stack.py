"""Start and stop the processes: action server, Rasa server(s), gateway worker(s).

``huurhulp run`` uses this, and so do the integration tests, so what is tested is what
runs. Every child gets its own process group, so one Ctrl-C reaches only us and we stop
the children in order (gateways, Rasa, actions) instead of all at once. While
``huurhulp run`` runs, :mod:`bot.supervisor` restarts any child that stops.

One place for personal data: Rasa's tracker store is the gateway's database
(:meth:`bot.settings.Settings.effective_tracker_store_url`, the same URL erasure and the purge
use): SQLite, the same file; PostgreSQL, the same database in schema ``rasa``. The database is
migrated (and the schema made) here, before any child starts.

Scale-out (``gateway_workers`` > 1 or ``rasa_servers`` > 1) needs PostgreSQL and Redis:

* one action server (stateless and asynchronous; every Rasa server calls it);
* ``rasa_servers`` Rasa servers on consecutive ports from ``HUURHULP_RASA_PORT``, sharing the
  tracker store (PostgreSQL) and the lock store (Redis); the gateway gives each conversation a
  home server (``bot/rasa_client.py``);
* ``gateway_workers`` gateway processes sharing one listening socket on ``HUURHULP_PORT``
  (made here and inherited, ``bot/launch.py``), each also on its own port on 127.0.0.1 for its
  health check; live updates, the login limiter (Redis) and the Telegram outbox (claims in
  PostgreSQL) work across them, and only the first long-polls Telegram.

Secrets stay out of the process list: Rasa gets its API token through the environment
(``bot/launch.py``), and the endpoints file names the tracker and lock store passwords as
``${VARIABLES}`` that Rasa fills in from its environment.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any
from urllib.parse import unquote, urlsplit

import httpx
import yaml
from sqlalchemy.engine.url import make_url

from bot.settings import PROJECT_ROOT, Settings
from bot.training import RASA_PROJECT, rasa_environment

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
    #: Open file descriptors the child inherits (a gateway worker's listening sockets).
    pass_fds: tuple[int, ...] = ()
    #: Where this process itself answers HTTP (a gateway worker's own port), if it serves any.
    url: str = ""
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
            pass_fds=self.pass_fds,
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


def telegram_environment(settings: Settings, gateway_workers: int = 1) -> dict[str, str]:
    """The Telegram settings for the gateway process, whether they came from the environment
    or from a .env file (empty without a token: the gateway then runs without Telegram).

    With several workers each sends at most its share of the overall messages per second
    (each runs an outbox sender); which one polls is set per worker."""
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
        "HUURHULP_TELEGRAM_MESSAGES_PER_SECOND": str(settings.telegram_messages_per_second / gateway_workers),
    }
    return {name: value for name, value in values.items() if value}


class ScaleOutError(ValueError):
    """Several gateway workers or Rasa servers were asked for without what they need."""


def scale_out_problems(settings: Settings, gateway_workers: int, rasa_servers: int) -> list[str]:
    """What is missing to run ``gateway_workers`` gateways and ``rasa_servers`` Rasa servers
    (nothing for one of each: SQLite and in-process locks, hub and limiter do then)."""
    if gateway_workers < 1 or rasa_servers < 1:
        return ["--gateway-workers and --rasa-servers must be at least 1"]
    if gateway_workers == 1 and rasa_servers == 1:
        return []
    asked = f"{gateway_workers} gateway workers and {rasa_servers} Rasa servers"
    problems = []
    if make_url(settings.effective_database_url).get_backend_name() != "postgresql":
        problems.append(
            f"{asked} need PostgreSQL (shared conversations, outbox claims with SKIP LOCKED): "
            "set HUURHULP_DATABASE_URL=postgresql://user@host:5432/huurhulp"
        )
    elif make_url(settings.effective_tracker_store_url).get_backend_name() != "postgresql":
        problems.append(f"{asked} need Rasa's tracker store on PostgreSQL: unset HUURHULP_TRACKER_STORE_URL")
    if not settings.redis_url:
        problems.append(
            f"{asked} need Redis (Rasa's lock store, live updates between gateways, the login "
            "limiter): set HUURHULP_REDIS_URL=redis://127.0.0.1:6379/0"
        )
    return problems


#: Environment variables that carry store passwords to Rasa (named in the endpoints file).
TRACKER_PASSWORD_ENV = "HUURHULP_TRACKER_STORE_PASSWORD"  # noqa: S105 (a variable name)
LOCK_STORE_PASSWORD_ENV = "HUURHULP_LOCK_STORE_PASSWORD"  # noqa: S105 (a variable name)
#: Prefix of Rasa's lock keys in Redis (alphanumeric, Rasa's rule).
LOCK_KEY_PREFIX = "huurhulp"


def _search_path(options: str | None) -> str | None:
    """The schema of libpq options that set nothing but ``search_path`` to one schema."""
    if not options:
        return None
    value = options.strip()
    for prefix in ("-csearch_path=", "-c search_path="):
        if value.startswith(prefix):
            schema = value[len(prefix) :]
            if schema and all(c.isalnum() or c == "_" for c in schema):
                return schema
    return None


def tracker_store_endpoint(url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Rasa's ``tracker_store`` endpoint for an SQLAlchemy URL, and the environment it needs.

    SQLite: the file. PostgreSQL: host, port, database and user; a password goes through the
    environment (``${HUURHULP_TRACKER_STORE_PASSWORD}``), a schema chosen with
    ``options=-csearch_path=<schema>`` becomes Rasa's own ``POSTGRESQL_SCHEMA``.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return {"type": "SQL", "dialect": "sqlite", "db": parsed.database}, {}
    query = {key: value for key, value in parsed.query.items()}
    env: dict[str, str] = {}
    options = query.get("options")
    schema = _search_path(options if isinstance(options, str) else None)
    if schema is not None:
        del query["options"]
        env["POSTGRESQL_SCHEMA"] = schema
    # Rasa turns POSTGRESQL_SCHEMA into a search_path only for the plain "postgresql" driver
    # name (psycopg2 is its default driver anyway).
    endpoint: dict[str, Any] = {
        "type": "SQL",
        "dialect": "postgresql" if backend == "postgresql" else parsed.drivername,
        "url": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
    }
    if parsed.password:
        endpoint["password"] = f"${{{TRACKER_PASSWORD_ENV}}}"
        env[TRACKER_PASSWORD_ENV] = str(parsed.password)
    if query:
        endpoint["query"] = query
    return {key: value for key, value in endpoint.items() if value is not None}, env


def lock_store_endpoint(redis_url: str) -> tuple[dict[str, Any], dict[str, str]]:
    """Rasa's ``lock_store`` endpoint on Redis for ``redis://[user:password@]host:port/db``."""
    parsed = urlsplit(redis_url)
    database = parsed.path.strip("/") or "0"
    endpoint: dict[str, Any] = {
        "type": "redis",
        "url": parsed.hostname or "localhost",
        "port": parsed.port or 6379,
        "db": int(database),
        "key_prefix": LOCK_KEY_PREFIX,
    }
    env: dict[str, str] = {}
    if parsed.username:
        endpoint["username"] = unquote(parsed.username)
    if parsed.password:
        endpoint["password"] = f"${{{LOCK_STORE_PASSWORD_ENV}}}"
        env[LOCK_STORE_PASSWORD_ENV] = unquote(parsed.password)
    if parsed.scheme == "rediss":
        endpoint["use_ssl"] = True
    return endpoint, env


def prepare_database(settings: Settings) -> None:
    """Migrate the gateway's database and make the tracker store's schema, once, before any
    child starts (several gateways would otherwise race to migrate, and Rasa needs the schema
    to exist; on SQLite the file is in WAL mode before Rasa first writes to it)."""
    from sqlalchemy import create_engine, text

    from bot.storage.database import Database

    database = Database(settings.effective_database_url)
    try:
        database.migrate()
    finally:
        database.dispose()
    tracker = make_url(settings.effective_tracker_store_url)
    options = tracker.query.get("options")
    schema = _search_path(options if isinstance(options, str) else None)
    if tracker.get_backend_name() == "postgresql" and schema is not None:
        engine = create_engine(tracker.set(query={}), future=True)
        try:
            with engine.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
        finally:
            engine.dispose()


def _listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _signal_group(pid: int, sig: signal.Signals) -> None:
    # The group may already be gone; that is the outcome we wanted.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def local_settings(var_dir: Path, rasa_timeout: float, **overrides: Any) -> Settings:
    """Settings for a stack on free ports of 127.0.0.1 under ``var_dir`` (tests, benchmarks).

    The database is the embedded SQLite file unless ``overrides`` name another.
    """
    values: dict[str, Any] = {
        "var_dir": var_dir,
        "database_url": "",
        "port": free_port(),
        "rasa_port": free_port(),
        "action_port": free_port(),
        "rasa_url": "",
        "action_url": "",
        "rasa_timeout": rasa_timeout,
    }
    return Settings(**{**values, **overrides})


class Stack:
    """The action server, the Rasa server(s) and the gateway worker(s) for one set of settings.

    ``gateway_workers`` and ``rasa_servers`` default to the settings (1 and 1); more than one
    of either needs PostgreSQL and Redis (:func:`scale_out_problems`, raised as
    :class:`ScaleOutError`). ``rasa_ports`` overrides the consecutive ports from
    ``HUURHULP_RASA_PORT`` (tests use free ports).
    """

    def __init__(
        self,
        settings: Settings,
        model: Path,
        rasa_token: str,
        extra_env: dict[str, str] | None = None,
        *,
        gateway_workers: int | None = None,
        rasa_servers: int | None = None,
        rasa_ports: Sequence[int] | None = None,
    ) -> None:
        self.settings = settings
        self.model = model
        self.gateway_workers = gateway_workers or settings.gateway_workers
        self.rasa_servers = rasa_servers or settings.rasa_servers
        problems = scale_out_problems(settings, self.gateway_workers, self.rasa_servers)
        if problems:
            raise ScaleOutError("; ".join(problems))
        ports = list(rasa_ports or [settings.rasa_port + i for i in range(self.rasa_servers)])
        if len(ports) != self.rasa_servers or {settings.port, settings.action_port} & set(ports):
            raise ScaleOutError(f"Rasa ports {ports} clash with the gateway's or the action server's port")
        self.rasa_ports = ports
        run_dir = settings.var_dir / "run"
        run_dir.mkdir(parents=True, exist_ok=True)
        store_env = self._write_endpoints(run_dir / f"endpoints-{settings.rasa_port}.yml")
        base_env = {**rasa_environment(settings.var_dir), **(extra_env or {})}
        python = sys.executable
        logs = settings.log_dir
        self.actions = ManagedProcess(
            name="actions",
            # Only the Rasa actions: loading all of actions/ would import the NLU
            # components and with them Rasa and TensorFlow (measured: ready in 16.9 s at 520 MB
            # RSS, against 1.1 s at 52 MB for the same 11 actions).
            command=[
                python,
                "-m",
                "rasa_sdk",
                "--actions",
                "actions.dialogue",
                "-p",
                str(settings.action_port),
            ],
            health_url=f"{settings.effective_action_url}/health",
            log_path=logs / "actions.log",
            env={**base_env, "SANIC_HOST": "127.0.0.1"},
        )
        # Where the gateway finds each Rasa server (one on the default port: HUURHULP_RASA_URL
        # may name it, as before).
        self.rasa_urls = [f"http://127.0.0.1:{port}" for port in ports]
        if self.rasa_servers == 1 and rasa_ports is None:
            self.rasa_urls = [settings.effective_rasa_url]
        self.rasas = [
            self._rasa(index, port, rasa_token, {**base_env, **store_env}) for index, port in enumerate(ports)
        ]
        self.rasa = self.rasas[0]
        self._sockets: list[socket.socket] = []
        gateway_env = {
            **os.environ,
            **(extra_env or {}),
            "HUURHULP_RASA_TOKEN": rasa_token,
            "HUURHULP_VAR_DIR": str(settings.var_dir),
            "HUURHULP_DATABASE_URL": settings.effective_database_url,
            "HUURHULP_TRACKER_STORE_URL": settings.effective_tracker_store_url,
            "HUURHULP_REDIS_URL": settings.redis_url,
            "HUURHULP_RASA_PORT": str(settings.rasa_port),
            "HUURHULP_ACTION_PORT": str(settings.action_port),
            "HUURHULP_PORT": str(settings.port),
            "HUURHULP_HOST": settings.host,
            "HUURHULP_FORWARDED_ALLOW_IPS": settings.forwarded_allow_ips,
            **telegram_environment(settings, self.gateway_workers),
        }
        # This run's Rasa servers, whatever HUURHULP_RASA_URLS the environment holds.
        gateway_env["HUURHULP_RASA_URLS"] = ",".join(self.rasa_urls)
        if self.gateway_workers == 1:
            self.gateways = [self._single_gateway(gateway_env)]
        else:
            self.gateways = self._gateway_workers(gateway_env)
        self.gateway = self.gateways[0]

    @property
    def processes(self) -> list[ManagedProcess]:
        """Start order; stop order is the reverse."""
        return [self.actions, *self.rasas, *self.gateways]

    @property
    def gateway_urls(self) -> list[str]:
        """Each gateway worker's own address (one worker: the gateway's address)."""
        return [gateway.url for gateway in self.gateways]

    def _rasa(self, index: int, port: int, token: str, env: dict[str, str]) -> ManagedProcess:
        url = self.rasa_urls[index]
        name = "rasa" if index == 0 else f"rasa-{index + 1}"
        return ManagedProcess(
            name=name,
            # The token reaches Rasa through the environment (bot/launch.py), never argv.
            command=[
                sys.executable,
                "-m",
                "bot.launch",
                "rasa",
                "run",
                "--enable-api",
                "--interface",
                "127.0.0.1",
                "--port",
                str(port),
                "--model",
                str(self.model),
                "--endpoints",
                str(self.endpoints_file),
                "--credentials",
                str(RASA_PROJECT / "credentials.yml"),
            ],
            health_url=f"{url}/status?token={token}",
            log_path=self.settings.log_dir / f"{name}.log",
            env={**env, "HUURHULP_RASA_TOKEN": token},
            url=url,
        )

    def _single_gateway(self, env: dict[str, str]) -> ManagedProcess:
        settings = self.settings
        base = f"http://{settings.host}:{settings.port}"
        return ManagedProcess(
            name="gateway",
            command=[
                sys.executable,
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
                "--forwarded-allow-ips",
                settings.forwarded_allow_ips,
            ],
            health_url=f"{base}/healthz",
            log_path=settings.log_dir / "gateway.log",
            env=env,
            live_statuses=(200, 503),
            url=base,
        )

    def _gateway_workers(self, env: dict[str, str]) -> list[ManagedProcess]:
        """N workers on one shared socket (HUURHULP_HOST:HUURHULP_PORT), each with its own
        port on 127.0.0.1 for its health check. The sockets stay open here for the whole run,
        so a restarted worker gets them again."""
        settings = self.settings
        try:
            shared = _listening_socket(settings.host, settings.port)
            self._sockets.append(shared)
            workers = []
            for index in range(self.gateway_workers):
                own = _listening_socket("127.0.0.1", 0)
                self._sockets.append(own)
                url = f"http://127.0.0.1:{own.getsockname()[1]}"
                name = "gateway" if index == 0 else f"gateway-{index + 1}"
                worker_env = {**env, "HUURHULP_TELEGRAM_POLLING": "true" if index == 0 else "false"}
                workers.append(
                    ManagedProcess(
                        name=name,
                        command=[
                            sys.executable,
                            "-m",
                            "bot.launch",
                            "gateway",
                            "--fd",
                            str(shared.fileno()),
                            "--fd",
                            str(own.fileno()),
                            "--log-level",
                            settings.log_level.lower(),
                            "--forwarded-allow-ips",
                            settings.forwarded_allow_ips,
                        ],
                        health_url=f"{url}/healthz",
                        log_path=settings.log_dir / f"{name}.log",
                        env=worker_env,
                        live_statuses=(200, 503),
                        pass_fds=(shared.fileno(), own.fileno()),
                        url=url,
                    )
                )
        except BaseException:
            self._close_sockets()
            raise
        return workers

    def _close_sockets(self) -> None:
        for sock in self._sockets:
            sock.close()
        self._sockets = []

    def _write_endpoints(self, path: Path) -> dict[str, str]:
        """Write this run's endpoints file; returns the environment its ``${...}`` values need."""
        self.endpoints_file = path
        text, env = self._endpoints_yaml()
        path.write_text(text)
        path.chmod(0o600)
        return env

    def _endpoints_yaml(self) -> tuple[str, dict[str, str]]:
        """rasa_project/endpoints.yml with this run's action server, tracker store (the
        gateway's database) and, with Redis, lock store; and the environment it needs."""
        template = RASA_PROJECT / "endpoints.yml"
        loaded = yaml.safe_load(template.read_text()) if template.exists() else None
        endpoints: dict[str, Any] = loaded if isinstance(loaded, dict) else {}
        action = endpoints.get("action_endpoint")
        endpoints["action_endpoint"] = {
            **(action if isinstance(action, dict) else {}),
            "url": f"{self.settings.effective_action_url}/webhook",
        }
        tracker, env = tracker_store_endpoint(self.settings.effective_tracker_store_url)
        endpoints["tracker_store"] = tracker
        if self.settings.redis_url:
            lock, lock_env = lock_store_endpoint(self.settings.redis_url)
            endpoints["lock_store"] = lock
            env.update(lock_env)
        header = (
            "# Written by `huurhulp run` from rasa_project/endpoints.yml for this run; do not edit.\n"
            "# Passwords are ${VARIABLES} that Rasa reads from its environment.\n"
        )
        return header + yaml.safe_dump(endpoints, sort_keys=False, allow_unicode=True), env

    def start(self, timeout: float = 240.0, should_stop: Callable[[], bool] | None = None) -> None:
        """Migrate the database, start every process and wait until each answers its health
        check (200).

        ``should_stop`` is asked while waiting; when it says so, everything started is
        stopped and :class:`StartInterrupted` is raised.
        """
        try:
            try:
                prepare_database(self.settings)
            except Exception as error:  # unreachable server, refused login, failed migration
                first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
                raise StackError(
                    f"could not prepare the database: {type(error).__name__} {first_line}"
                ) from error
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
        """Stop the gateways, the Rasa servers and the actions, in that order."""
        for process in reversed(self.processes):
            process.stop()
        self._close_sockets()
