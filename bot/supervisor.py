"""Keep the processes of ``huurhulp run`` up: restart a child that dies, with backoff.

After the stack has started (:meth:`bot.stack.Stack.start`), :class:`Supervisor` watches every
child: the action server, each Rasa server and each gateway worker
(``--rasa-servers``, ``--gateway-workers``), each on its own. A child that exits for any reason other
than our own stop (a crash, the OOM killer, someone's ``kill``, even exit code 0) is
restarted on its own, after a delay that doubles with every failure in a row up to a cap
(:class:`BackoffPolicy`); a child that stays healthy for a while has its count reset
(:class:`Backoff`). The other children keep running: while Rasa or the action server is
away, the gateway gives tenants the honest reply and queues them for a person.

The children are independent: Rasa asks the action server per request and the gateway
asks Rasa per message, so none of them needs the others restarted. With several Rasa servers
the gateway sends a stopped server's conversations to another one; with several gateway
workers the others keep accepting on the shared port while one restarts.

Only the command's own stop (Ctrl-C, SIGTERM) ends supervision; then the stack stops
every child's process group. The log says which part stopped, how (exit code or
signal), when the next try is and when it is healthy again; it never holds message text.
"""

from __future__ import annotations

import enum
import logging
import signal
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import httpx

log = logging.getLogger("huurhulp.supervisor")


class Child(Protocol):
    """What the supervisor needs of a child (:class:`bot.stack.ManagedProcess` is one)."""

    name: str
    health_url: str
    live_statuses: tuple[int, ...]
    log_path: Path

    def running(self) -> bool: ...

    @property
    def returncode(self) -> int | None: ...

    def start(self, note: str = "") -> None: ...

    def stop(self, timeout: float = 15.0) -> None: ...


@dataclass(frozen=True)
class BackoffPolicy:
    """How long to wait before restarting a child that stopped: ``initial * factor**(n-1)``
    seconds for the n-th failure in a row, at most ``maximum``; a child that has been
    healthy for ``reset_after`` seconds starts again from ``initial``."""

    initial: float = 1.0
    factor: float = 2.0
    maximum: float = 60.0
    reset_after: float = 120.0

    def __post_init__(self) -> None:
        if self.initial <= 0 or self.factor < 1 or self.maximum < self.initial or self.reset_after <= 0:
            raise ValueError(f"unusable backoff policy {self!r}")

    def delay(self, failures: int) -> float:
        """Seconds to wait after the ``failures``-th failure in a row (1 for the first)."""
        if failures < 1:
            return 0.0
        # Stop multiplying once the cap is reached (no float overflow after many failures).
        delay = self.initial
        for _ in range(failures - 1):
            delay *= self.factor
            if delay >= self.maximum:
                return self.maximum
        return min(delay, self.maximum)


class Backoff:
    """One child's failures in a row and since when it is healthy (a pure clock-driven record)."""

    def __init__(self, policy: BackoffPolicy) -> None:
        self.policy = policy
        self.failures = 0
        self.healthy_since: float | None = None

    def healthy(self, now: float) -> None:
        """The child answers its health check (calling it again keeps the first time)."""
        if self.healthy_since is None:
            self.healthy_since = now

    def recovered(self, now: float) -> bool:
        """Whether the child has been healthy long enough to forget earlier failures."""
        return self.healthy_since is not None and now - self.healthy_since >= self.policy.reset_after

    def failed(self, now: float) -> float:
        """The child stopped or never became healthy: count it, return the seconds to wait."""
        if self.recovered(now):
            self.failures = 0
        self.failures += 1
        self.healthy_since = None
        return self.policy.delay(self.failures)


class Phase(enum.Enum):
    """Where a supervised child is."""

    STARTING = "starting"  # launched, not yet answering its health check
    HEALTHY = "healthy"  # answered its health check since it was launched
    WAITING = "waiting"  # stopped; restarted when its backoff delay is over


@dataclass
class Watch:
    """What the supervisor knows about one child."""

    process: Child
    backoff: Backoff
    phase: Phase = Phase.HEALTHY
    phase_since: float = 0.0
    down_since: float | None = None  # when the current outage was detected
    restart_at: float = 0.0
    restarts: int = 0  # restarts during this run, for the log


def describe_exit(returncode: int | None) -> str:
    """``exit code 1`` or ``killed by SIGKILL`` (a negative Popen return code is a signal)."""
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exit code {returncode}"


def http_probe(timeout: float = 2.0) -> Callable[[Child], bool]:
    """A probe that asks a child's health URL; an answer in its ``live_statuses`` is alive."""
    client = httpx.Client(timeout=timeout)

    def probe(process: Child) -> bool:
        try:
            return client.get(process.health_url).status_code in process.live_statuses
        except httpx.HTTPError:
            return False

    return probe


class Supervisor:
    """Restarts the children of a started stack that stop, until asked to stop itself."""

    def __init__(
        self,
        processes: Sequence[Child],
        policy: BackoffPolicy,
        *,
        start_timeout: float = 240.0,
        probe: Callable[[Child], bool] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self.start_timeout = start_timeout
        self.probe = probe or http_probe()
        self.clock = clock
        now = clock()
        self.watches = [Watch(process, Backoff(policy), phase_since=now) for process in processes]
        for watch in self.watches:
            watch.backoff.healthy(now)  # the stack started them and saw each healthy

    def run(self, should_stop: Callable[[], bool], interval: float = 0.5) -> None:
        """Watch the children every ``interval`` seconds until ``should_stop()`` says so."""
        while not should_stop():
            self.tick()
            if should_stop():
                break
            time.sleep(interval)

    def tick(self) -> None:
        """One look at every child: notice deaths, restart when due, see restarts get healthy."""
        for watch in self.watches:
            self._step(watch, self.clock())

    def phase(self, name: str) -> Phase:
        """The phase of the child called ``name``."""
        return next(w.phase for w in self.watches if w.process.name == name)

    def _step(self, watch: Watch, now: float) -> None:
        process = watch.process
        if watch.phase is Phase.WAITING:
            if now >= watch.restart_at:
                self._restart(watch, now)
            return
        if not process.running():
            self._stopped(watch, now, describe_exit(process.returncode))
            return
        if watch.phase is Phase.STARTING:
            if self.probe(process):
                watch.phase, watch.phase_since = Phase.HEALTHY, now
                watch.backoff.healthy(now)
                down = now - watch.down_since if watch.down_since is not None else 0.0
                log.info(
                    "%s is healthy again (restart %d), %.1f s after it was found stopped",
                    process.name,
                    watch.restarts,
                    down,
                )
                watch.down_since = None
            elif now - watch.phase_since > self.start_timeout:
                process.stop()
                self._stopped(watch, now, f"not healthy within {self.start_timeout:.0f} s, stopped")

    def _stopped(self, watch: Watch, now: float, how: str) -> None:
        process = watch.process
        process.stop()  # reap what is left of its process group, close its log file
        delay = watch.backoff.failed(now)
        if watch.down_since is None:
            watch.down_since = now
        watch.phase, watch.phase_since, watch.restart_at = Phase.WAITING, now, now + delay
        log.warning(
            "%s stopped unexpectedly (%s); failure %d in a row, next try in %.1f s; log %s",
            process.name,
            how,
            watch.backoff.failures,
            delay,
            process.log_path,
        )

    def _restart(self, watch: Watch, now: float) -> None:
        process = watch.process
        watch.restarts += 1
        log.info("restarting %s (restart %d)", process.name, watch.restarts)
        try:
            process.start(note=f"restart {watch.restarts} by huurhulp run")
        except OSError as error:
            self._stopped(watch, now, f"could not start: {type(error).__name__}")
            return
        watch.phase, watch.phase_since = Phase.STARTING, now
