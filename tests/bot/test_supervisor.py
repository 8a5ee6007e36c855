"""The restart policy of `huurhulp run`, without processes: a fake clock and fake children."""

from __future__ import annotations

import logging
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bot.settings import Settings
from bot.stack import ManagedProcess
from bot.supervisor import Backoff, BackoffPolicy, Phase, Supervisor, describe_exit


def test_delays_double_up_to_the_cap() -> None:
    policy = BackoffPolicy(initial=1.0, factor=2.0, maximum=60.0)
    assert [policy.delay(n) for n in range(1, 9)] == [1, 2, 4, 8, 16, 32, 60, 60]
    assert policy.delay(0) == 0.0
    assert policy.delay(10_000) == 60.0  # no overflow after a very long crash loop


@pytest.mark.parametrize(
    "values",
    [
        {"initial": 0.0},
        {"initial": -1.0},
        {"factor": 0.5},
        {"initial": 10.0, "maximum": 5.0},
        {"reset_after": 0.0},
    ],
)
def test_unusable_policies_are_refused(values: dict[str, float]) -> None:
    with pytest.raises(ValueError):
        BackoffPolicy(**values)


def test_failures_in_a_row_grow_the_delay() -> None:
    backoff = Backoff(BackoffPolicy(initial=1.0, maximum=8.0, reset_after=60.0))
    assert [backoff.failed(now) for now in (0.0, 1.0, 3.0, 7.0, 15.0)] == [1, 2, 4, 8, 8]
    assert backoff.failures == 5


def test_healthy_for_a_while_starts_over() -> None:
    backoff = Backoff(BackoffPolicy(initial=1.0, maximum=60.0, reset_after=60.0))
    backoff.failed(0.0)
    backoff.failed(10.0)
    backoff.healthy(20.0)
    backoff.healthy(50.0)  # still healthy: the first time counts
    assert not backoff.recovered(79.0)
    assert backoff.failed(79.0) == 4.0  # healthy 59 s only: third failure in a row
    backoff.healthy(100.0)
    assert backoff.recovered(160.0)
    assert backoff.failed(160.0) == 1.0  # healthy 60 s: counted from the start again
    assert backoff.failures == 1


def test_healthy_then_failed_before_the_reset_keeps_counting() -> None:
    backoff = Backoff(BackoffPolicy(initial=2.0, factor=3.0, maximum=100.0, reset_after=30.0))
    assert backoff.failed(0.0) == 2.0
    backoff.healthy(5.0)
    assert backoff.failed(6.0) == 6.0
    assert backoff.healthy_since is None  # a failure ends the healthy stretch


def test_exit_descriptions() -> None:
    assert describe_exit(-9) == "killed by SIGKILL"
    assert describe_exit(-15) == "killed by SIGTERM"
    assert describe_exit(0) == "exit code 0"
    assert describe_exit(1) == "exit code 1"
    assert describe_exit(None) == "still running"


def test_the_settings_feed_the_policy() -> None:
    settings = Settings(restart_delay=0.5, restart_delay_max=30, restart_reset_after=90)
    policy = BackoffPolicy(
        initial=settings.restart_delay,
        maximum=settings.restart_delay_max,
        reset_after=settings.restart_reset_after,
    )
    assert policy.delay(1) == 0.5 and policy.delay(100) == 30
    defaults = Settings()
    assert (defaults.restart_delay, defaults.restart_delay_max, defaults.restart_reset_after) == (
        1.0,
        60.0,
        120.0,
    )
    with pytest.raises(ValueError):
        Settings(restart_delay=10, restart_delay_max=5)


@dataclass
class FakeChild:
    """A child that the test kills, starts and makes healthy by hand."""

    name: str
    health_url: str = "http://127.0.0.1:1/health"
    live_statuses: tuple[int, ...] = (200,)
    log_path: Path = Path("/nonexistent/child.log")
    alive: bool = True
    healthy: bool = True
    code: int | None = None
    starts: list[str] = field(default_factory=list)
    stops: int = 0

    def running(self) -> bool:
        return self.alive

    @property
    def returncode(self) -> int | None:
        return None if self.alive else self.code

    def start(self, note: str = "") -> None:
        self.starts.append(note)
        self.alive, self.healthy, self.code = True, False, None

    def stop(self, timeout: float = 15.0) -> None:
        self.stops += 1
        if self.alive:
            self.alive, self.code = False, -15

    def die(self, code: int) -> None:
        self.alive, self.healthy, self.code = False, False, code


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _supervisor(*children: FakeChild, start_timeout: float = 240.0) -> tuple[Supervisor, Clock]:
    clock = Clock()
    supervisor = Supervisor(
        list(children),
        BackoffPolicy(initial=1.0, maximum=8.0, reset_after=60.0),
        start_timeout=start_timeout,
        probe=lambda child: child.healthy,  # type: ignore[attr-defined]
        clock=clock,
    )
    return supervisor, clock


def test_a_dead_child_is_restarted_after_its_delay_and_the_others_are_left_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    rasa, gateway = FakeChild("rasa"), FakeChild("gateway")
    supervisor, clock = _supervisor(rasa, gateway)
    caplog.set_level(logging.INFO, logger="huurhulp.supervisor")

    rasa.die(-9)
    supervisor.tick()
    assert supervisor.phase("rasa") is Phase.WAITING
    assert rasa.stops == 1  # its process group is reaped at once
    assert (
        "rasa stopped unexpectedly (killed by SIGKILL); failure 1 in a row, next try in 1.0 s" in caplog.text
    )

    clock.now += 0.5
    supervisor.tick()
    assert rasa.starts == []  # not before the delay
    clock.now += 0.5
    supervisor.tick()
    assert rasa.starts == ["restart 1 by huurhulp run"]
    assert supervisor.phase("rasa") is Phase.STARTING

    clock.now += 20
    rasa.healthy = True
    supervisor.tick()
    assert supervisor.phase("rasa") is Phase.HEALTHY
    assert "rasa is healthy again (restart 1), 21.0 s after it was found stopped" in caplog.text
    assert gateway.starts == [] and gateway.stops == 0
    assert supervisor.phase("gateway") is Phase.HEALTHY


def test_exit_code_zero_is_restarted_too() -> None:
    actions = FakeChild("actions")
    supervisor, clock = _supervisor(actions)
    actions.die(0)
    supervisor.tick()
    clock.now += 1
    supervisor.tick()
    assert len(actions.starts) == 1


def test_a_crash_loop_backs_off_and_a_healthy_stretch_resets_it(caplog: pytest.LogCaptureFixture) -> None:
    actions = FakeChild("actions")
    supervisor, clock = _supervisor(actions)
    caplog.set_level(logging.INFO, logger="huurhulp.supervisor")
    waits = []
    for _ in range(5):
        actions.die(1)
        supervisor.tick()
        watch = supervisor.watches[0]
        waits.append(watch.restart_at - clock.now)
        clock.now = watch.restart_at
        supervisor.tick()  # restarted, dies again before it is healthy
    assert waits == [1, 2, 4, 8, 8]
    assert len(actions.starts) == 5

    actions.healthy = True
    supervisor.tick()
    clock.now += 61  # healthy for longer than reset_after
    supervisor.tick()
    actions.die(1)
    supervisor.tick()
    assert supervisor.watches[0].restart_at - clock.now == 1.0
    assert "failure 1 in a row, next try in 1.0 s" in caplog.records[-1].getMessage()


def test_a_restart_that_never_gets_healthy_is_stopped_and_tried_again() -> None:
    rasa = FakeChild("rasa")
    supervisor, clock = _supervisor(rasa, start_timeout=100)
    rasa.die(-9)
    supervisor.tick()
    clock.now += 1
    supervisor.tick()
    assert supervisor.phase("rasa") is Phase.STARTING
    clock.now += 101
    supervisor.tick()
    assert supervisor.phase("rasa") is Phase.WAITING
    assert not rasa.alive and rasa.stops >= 2
    assert supervisor.watches[0].backoff.failures == 2


def test_a_restart_that_cannot_be_launched_waits_and_tries_again() -> None:
    class Unlaunchable(FakeChild):
        def start(self, note: str = "") -> None:
            self.starts.append(note)
            raise FileNotFoundError("rasa")

    rasa = Unlaunchable("rasa")
    supervisor, clock = _supervisor(rasa)
    rasa.die(1)
    supervisor.tick()
    clock.now += 1
    supervisor.tick()
    assert supervisor.phase("rasa") is Phase.WAITING
    assert supervisor.watches[0].restart_at == clock.now + 2


def test_run_stops_when_asked() -> None:
    supervisor, _clock = _supervisor(FakeChild("gateway"))
    asked = iter([False, False, True])
    supervisor.run(should_stop=lambda: next(asked), interval=0.0)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_stopping_a_child_whose_leader_died_reaps_its_orphans(tmp_path: Path) -> None:
    """A leader killed on its own leaves its children in its process group: stop() kills them
    (else a restarted Rasa could find its port still taken), and stopping twice is harmless."""
    pid_file = tmp_path / "orphan.pid"
    child = ManagedProcess(
        name="leader",
        command=["sh", "-c", f'sleep 60 & echo $! > "{pid_file}"; wait'],
        health_url="http://127.0.0.1:1/",
        log_path=tmp_path / "leader.log",
        env={"PATH": os.environ["PATH"]},
    )
    child.start(note="first start")
    try:
        deadline = time.monotonic() + 10
        while not pid_file.exists() or not pid_file.read_text().strip():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        orphan = int(pid_file.read_text())
        assert child.pid is not None
        os.kill(child.pid, signal.SIGKILL)  # only the leader, as the OOM killer would
        assert child.popen is not None
        child.popen.wait(5)
        assert child.returncode == -signal.SIGKILL
        assert _alive(orphan)
        child.stop()
        deadline = time.monotonic() + 5
        while _alive(orphan):
            assert time.monotonic() < deadline, "the orphan survived stop()"
            time.sleep(0.05)
        child.stop()  # again: nothing to do, no error
        assert (
            "--- " in (tmp_path / "leader.log").read_text()
            and "first start" in (tmp_path / "leader.log").read_text()
        )
    finally:
        child.kill()
