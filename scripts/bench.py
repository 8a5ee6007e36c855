"""`make bench`: the stack's speed and memory, side by side with raw Rasa, in one run.

Starts the real stack (``bot.stack.Stack``: action server, Rasa server, gateway) on free
ports under a temporary directory with the current model, and measures, with the same
messages:

* latency with one user (p50, p95): a full turn through the web chat API (what a tenant
  waits for), a turn sent straight to Rasa's REST channel, and Rasa's ``/model/parse``
  (NLU alone);
* throughput with 20 and 50 users sending turn after turn, full stack and raw Rasa;
* the resident memory (RSS) of every process, children included, after the gateway's
  language detectors have loaded;
* raw Rasa throughput with a second Rasa server (and its action server) beside the
  first, conversations split over both by sender.

Each user talks in short conversations of information questions and small talk, so the
conversation stays with the bot (no handoff) and every turn reaches Rasa. Figures are
printed with the issue 12 targets beside them; nothing is asserted: a benchmark on a
shared two-core machine is a measurement, not a test.

    .venv/bin/python scripts/bench.py [--turns 100] [--seconds 20] [--users 20 50]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

PROJECT_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT_ROOT))

from bot.settings import Settings  # noqa: E402
from bot.stack import Stack, local_settings  # noqa: E402
from bot.training import model_path  # noqa: E402

#: One short conversation, repeated: greetings, information questions, thanks. None of
#: them names a stage, so no conversation is handed to a person during the run.
CONVERSATION = [
    "hallo",
    "wat kan je voor mij doen?",
    "wat doet het OCMW?",
    "wat is een vrederechter?",
    "wat is het CAW?",
    "bedankt",
]

#: Issue 12's targets, printed beside the figures.
MAX_ADDED_LATENCY = 0.15
MAX_PARSE_RATIO = 6.0
MIN_THROUGHPUT_RATIO = 0.9
MIN_TWO_SERVER_RATIO = 1.5
MAX_STACK_RSS_MB = 1600


@dataclass
class Running:
    """A started stack and the Rasa token it uses."""

    stack: Stack
    settings: Settings
    token: str

    @property
    def gateway_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    @property
    def rasa_url(self) -> str:
        return self.settings.effective_rasa_url


def start(var_dir: Path, model: Path) -> Running:
    """The stack on free ports under ``var_dir``."""
    settings = local_settings(var_dir, rasa_timeout=60.0)
    token = secrets.token_urlsafe(16)
    stack = Stack(settings, model, token)
    stack.start()
    return Running(stack, settings, token)


# --- one user's turn, three ways -------------------------------------------------------


class GatewayUser:
    """A tenant on the web chat API: a new conversation every ``len(CONVERSATION)`` turns."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client
        self.turns = itertools.cycle(CONVERSATION)
        self.path = ""
        self.headers: dict[str, str] = {}
        self.left = 0

    async def turn(self) -> None:
        if self.left == 0:
            created = await self.client.post("/api/web/conversations", json={"language": "nl"})
            created.raise_for_status()
            body = created.json()
            self.path = f"/api/web/conversations/{body['conversation_id']}/messages"
            self.headers = {"Authorization": f"Bearer {body['token']}"}
            self.left = len(CONVERSATION)
        self.left -= 1
        response = await self.client.post(self.path, json={"text": next(self.turns)}, headers=self.headers)
        response.raise_for_status()


class RasaUser:
    """The same conversations sent straight to Rasa's REST channel, as the gateway does."""

    def __init__(self, clients: list[httpx.AsyncClient]) -> None:
        self.clients = clients
        self.turns = itertools.cycle(CONVERSATION)
        self.sender = ""
        self.client = clients[0]
        self.left = 0

    async def turn(self) -> None:
        if self.left == 0:
            self.sender = uuid.uuid4().hex
            # Several Rasa servers: one conversation always goes to the same one.
            self.client = self.clients[hash(self.sender) % len(self.clients)]
            self.left = len(CONVERSATION)
        self.left -= 1
        body = {"sender": self.sender, "message": next(self.turns), "metadata": {"language": "nl"}}
        response = await self.client.post("/webhooks/rest/webhook", json=body)
        response.raise_for_status()


class ParseUser:
    """Rasa's NLU alone."""

    def __init__(self, client: httpx.AsyncClient, token: str) -> None:
        self.client = client
        self.token = token
        self.turns = itertools.cycle(CONVERSATION)

    async def turn(self) -> None:
        response = await self.client.post(
            "/model/parse", params={"token": self.token}, json={"text": next(self.turns)}
        )
        response.raise_for_status()


# --- measurements ----------------------------------------------------------------------


@dataclass
class Latency:
    """Milliseconds per turn of one user."""

    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        return statistics.quantiles(self.samples, n=20)[-1]


async def latency(turn: Callable[[], Awaitable[None]], turns: int, warmup: int = 12) -> Latency:
    """One user, ``turns`` turns after ``warmup`` unmeasured ones."""
    for _ in range(warmup):
        await turn()
    result = Latency()
    for _ in range(turns):
        started = time.perf_counter()
        await turn()
        result.samples.append((time.perf_counter() - started) * 1000)
    return result


async def throughput(users: Sequence[Callable[[], Awaitable[None]]], seconds: float) -> tuple[float, int]:
    """Turns per second with every user sending turn after turn for ``seconds``; and errors."""
    done = 0
    errors = 0
    stop_at = time.perf_counter() + seconds

    async def run(turn: Callable[[], Awaitable[None]]) -> None:
        nonlocal done, errors
        while time.perf_counter() < stop_at:
            try:
                await turn()
                done += 1
            except httpx.HTTPError:
                errors += 1

    started = time.perf_counter()
    await asyncio.gather(*(run(turn) for turn in users))
    return done / (time.perf_counter() - started), errors


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(parent, []).append(int(entry))
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of ``pid`` and all its descendants, in MB."""
    tree = _children()
    total_kb = 0
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += tree.get(current, [])
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def target(text: str, ok: bool) -> str:
    """``text`` with whether the figure meets its target."""
    return f"(target {text}: {'meets' if ok else 'MISSES'})"


async def measure(
    running: Running, second: Running | None, turns: int, seconds: float, user_counts: list[int]
) -> None:
    """Run every measurement against ``running`` (and ``second`` for two Rasa servers)."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    timeout = httpx.Timeout(120.0)
    async with (
        httpx.AsyncClient(base_url=running.gateway_url, limits=limits, timeout=timeout) as gateway,
        httpx.AsyncClient(base_url=running.rasa_url, limits=limits, timeout=timeout) as rasa,
    ):
        cores = os.cpu_count()
        print(f"model: {running.stack.model.name}; {cores} cores; conversations of {len(CONVERSATION)} turns")
        print(f"\nlatency, 1 user, {turns} turns (ms)")
        full = await latency(GatewayUser(gateway).turn, turns)
        raw = await latency(RasaUser([rasa]).turn, turns)
        parse = await latency(ParseUser(rasa, running.token).turn, turns)
        for name, figures in (("full stack", full), ("raw Rasa REST", raw), ("Rasa /model/parse", parse)):
            print(f"  {name:<20} p50 {figures.p50:7.1f}   p95 {figures.p95:7.1f}")
        added = full.p50 / raw.p50 - 1
        ratio = full.p50 / parse.p50
        limit = f"at most +{MAX_ADDED_LATENCY:.0%}"
        print(f"  full stack adds {added:+.0%} to raw Rasa's p50 {target(limit, added <= MAX_ADDED_LATENCY)}")
        limit = f"at most {MAX_PARSE_RATIO:.0f}"
        print(f"  full stack p50 / parse p50 = {ratio:.1f} {target(limit, ratio <= MAX_PARSE_RATIO)}")

        print(f"\nthroughput, {seconds:.0f} s per run (turns/s)")
        for count in user_counts:
            users = [GatewayUser(gateway).turn for _ in range(count)]
            full_rate, full_errors = await throughput(users, seconds)
            raw_rate, raw_errors = await throughput([RasaUser([rasa]).turn for _ in range(count)], seconds)
            share = full_rate / raw_rate if raw_rate else 0.0
            print(
                f"  {count:>3} users: full stack {full_rate:6.1f} ({full_errors} errors), "
                f"raw Rasa {raw_rate:6.1f} ({raw_errors} errors), full/raw {share:.2f} "
                + target(f"at least {MIN_THROUGHPUT_RATIO}", share >= MIN_THROUGHPUT_RATIO)
            )

        print("\nmemory after the run (RSS, MB, children included)")
        total = 0.0
        for process in running.stack.processes:
            pid = process.pid
            size = rss_mb(pid) if pid else 0.0
            total += size
            print(f"  {process.name:<10} {size:7.0f}")
        limit = f"at most {MAX_STACK_RSS_MB}"
        print(f"  {'total':<10} {total:7.0f} {target(limit, total <= MAX_STACK_RSS_MB)}")

        if second is not None:
            async with httpx.AsyncClient(base_url=second.rasa_url, limits=limits, timeout=timeout) as rasa2:
                count = max(user_counts)
                one, _ = await throughput([RasaUser([rasa]).turn for _ in range(count)], seconds)
                two, errors = await throughput([RasaUser([rasa, rasa2]).turn for _ in range(count)], seconds)
                share = two / one if one else 0.0
                print(
                    f"\nraw Rasa, {count} users: 1 server {one:.1f} turns/s, 2 servers {two:.1f} turns/s "
                    f"({errors} errors), ratio {share:.2f} "
                    + target(f"at least {MIN_TWO_SERVER_RATIO}", share >= MIN_TWO_SERVER_RATIO)
                )
            print(
                "  (Rasa servers only; the full stack with two Rasa servers needs "
                "`huurhulp run --rasa-servers 2`, see README 'Scaling out'.)"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=100, help="measured turns per latency run")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each throughput run")
    parser.add_argument("--users", type=int, nargs="+", default=[20, 50])
    parser.add_argument("--no-second-server", action="store_true", help="skip the two-server run")
    args = parser.parse_args()

    model = model_path(Settings().models_dir)
    if not model.exists():
        print(f"No model for the current rasa_project/ ({model}); run `make train` first.", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="huurhulp-bench-") as tmp:
        started = time.monotonic()
        running = start(Path(tmp) / "one", model)
        second: Running | None = None
        try:
            print(f"stack started in {time.monotonic() - started:.0f} s")
            if not args.no_second_server:
                second = start(Path(tmp) / "two", model)
            asyncio.run(measure(running, second, args.turns, args.seconds, args.users))
        finally:
            running.stack.stop()
            if second is not None:
                second.stack.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
