"""Where the time of one Rasa turn goes, and p50/p95 of a full turn (issue 12, item 4).

Starts the real stack (``bot.stack.Stack``: action server, Rasa server, gateway) on free
ports under a temporary directory, with a timing shim inside the Rasa process and the
action server, then sends the same conversation, one user, turn after turn:

* ``--mode gateway``: through the web chat API (what a tenant waits for);
* ``--mode rasa``: straight to Rasa's REST channel, with the metadata the gateway sends;
* ``--mode parse``: Rasa's ``/model/parse`` (NLU alone).

It prints p50/p95/mean of the measured turns and, from the shim, the median
milliseconds per part of Rasa's turn (tracker load and save, NLU, policies, each action
call split into building the request, the HTTP round trip and the action's own work,
response generation). ``--pyspy FILE`` also samples the Rasa process with py-spy
(``pip install py-spy`` somewhere; pass its path with ``--pyspy-bin``) and prints the
functions that took most of the samples taken while a message was handled.

    .venv/bin/python scripts/profile_turn.py --turns 200 --mode gateway --mode rasa

The shim only wraps Rasa and rasa_sdk functions with timers; it changes no behaviour.
Nothing here is used by the bot itself.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import secrets
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

#: One Dutch conversation that stays with the bot (no handoff): smalltalk, information,
#: a stage report with the intake questions, answers. Repeated until ``--turns`` are sent.
CONVERSATION: tuple[str, ...] = (
    "hallo",
    "wat kan je doen?",
    "wat is een verzoening bij de vrederechter?",
    "ik heb een maand huurachterstand",
    "1",
    "nee",
    "nee",
    "nee",
    "Hasselt",
    "niemand",
    "nee",
    "wat doet het OCMW voor mij?",
    "wat is de huurdersbond?",
    "bedankt",
    "wat is een huurwaarborg?",
    "dank je, tot ziens",
)

PROFILE_DIR_ENV = "HUURHULP_PROFILE_DIR"
EXPERIMENTS_ENV = "HUURHULP_PROFILE_EXPERIMENTS"


# --- the timing shims (run inside the Rasa process and the action server) -----------------


class _Recorder:
    """Sums the milliseconds per part of the turn that is being handled."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.parts: dict[str, float] | None = None
        self.calls: list[dict[str, Any]] = []

    def add(self, part: str, ms: float) -> None:
        if self.parts is not None:
            self.parts[part] = self.parts.get(part, 0.0) + ms

    def write(self, record: dict[str, Any]) -> None:
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record) + "\n")


def _timed_async(owner: Any, name: str, part: Callable[..., str], recorder: _Recorder) -> None:
    original = getattr(owner, name)

    async def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return await original(*args, **kwargs)
        finally:
            recorder.add(part(*args, **kwargs), (time.perf_counter() - started) * 1000)

    setattr(owner, name, wrapper)


def _timed_sync(owner: Any, name: str, part: Callable[..., str], recorder: _Recorder) -> None:
    original = getattr(owner, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            recorder.add(part(*args, **kwargs), (time.perf_counter() - started) * 1000)

    setattr(owner, name, wrapper)


def _install_rasa_shim(directory: Path) -> None:
    from rasa.core import processor, tracker_store
    from rasa.core.actions import action
    from rasa.core.nlg import response
    from rasa.shared.core import trackers
    from rasa.utils import endpoints

    recorder = _Recorder(directory / "rasa_turns.jsonl")

    def fixed(part: str) -> Callable[..., str]:
        return lambda *args, **kwargs: part

    handle_message = processor.MessageProcessor.handle_message

    async def timed_handle_message(self: Any, message: Any) -> Any:
        recorder.parts = {}
        started = time.perf_counter()
        try:
            return await handle_message(self, message)
        finally:
            total = (time.perf_counter() - started) * 1000
            parts, recorder.parts = recorder.parts or {}, None
            recorder.write({"total": total, "parts": parts})

    setattr(processor.MessageProcessor, "handle_message", timed_handle_message)  # noqa: B010
    store = tracker_store.SQLTrackerStore
    _timed_async(store, "retrieve", fixed("tracker_load"), recorder)
    _timed_async(store, "save", fixed("tracker_save"), recorder)
    _timed_async(processor.MessageProcessor, "_update_tracker_session", fixed("session_check"), recorder)
    _timed_async(processor.MessageProcessor, "parse_message", fixed("nlu"), recorder)
    _timed_sync(processor.MessageProcessor, "_predict_next_with_tracker", fixed("policies"), recorder)
    _timed_async(processor.MessageProcessor, "run_anonymization_pipeline", fixed("anonymization"), recorder)
    _timed_async(action.ActionExtractSlots, "run", fixed("extract_slots (incl. its actions)"), recorder)
    _timed_sync(trackers.DialogueStateTracker, "copy", fixed("tracker_copy"), recorder)
    _timed_async(action.RemoteAction, "run", lambda self, *a, **k: f"remote:{self.name()}", recorder)
    _timed_sync(action.RemoteAction, "_action_call_format", fixed("remote: build request"), recorder)
    _timed_async(endpoints.EndpointConfig, "request", fixed("remote: http incl. action server"), recorder)
    _timed_sync(action.RemoteAction, "_validate_action_result", fixed("remote: validate reply"), recorder)
    _timed_async(response.TemplatedNaturalLanguageGenerator, "generate", fixed("nlg"), recorder)
    if "cached_schema" in os.environ.get(EXPERIMENTS_ENV, "").split(","):
        _cache_action_schema(action.RemoteAction)


def _cache_action_schema(remote_action: Any) -> None:
    """Experiment: validate action replies with one prepared validator.

    Rasa 3.6 calls ``jsonschema.validate`` on every action server reply, which checks
    the (constant) events schema against the meta-schema each time. Same validation,
    same error, without re-checking the schema: measures what that costs per call.
    """
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for

    schema = remote_action.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    validator = validator_class(schema)
    original = remote_action._validate_action_result

    def validate(self: Any, result: dict[str, Any]) -> bool:
        error = best_match(validator.iter_errors(result))
        if isinstance(error, ValidationError):
            return bool(original(self, result))  # Rasa's own message for the failure
        return True

    setattr(remote_action, "_validate_action_result", validate)  # noqa: B010


def _install_actions_shim(directory: Path) -> None:
    from rasa_sdk import executor
    from sanic import request

    recorder = _Recorder(directory / "actions_calls.jsonl")
    run = executor.ActionExecutor.run

    async def timed_run(self: Any, action_call: dict[str, Any]) -> Any:
        started = time.perf_counter()
        try:
            return await run(self, action_call)
        finally:
            recorder.write(
                {
                    "action": action_call.get("next_action"),
                    "ms": (time.perf_counter() - started) * 1000,
                    "domain_sent": "domain" in action_call,
                    "events": len((action_call.get("tracker") or {}).get("events") or []),
                }
            )

    setattr(executor.ActionExecutor, "run", timed_run)  # noqa: B010
    load_json: Any = request.Request.load_json

    def timed_load_json(self: Any, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return load_json(self, *args, **kwargs)
        finally:
            size = len(self.body or b"")
            recorder.write({"parse_ms": (time.perf_counter() - started) * 1000, "bytes": size})

    setattr(request.Request, "load_json", timed_load_json)  # noqa: B010


def run_rasa(args: list[str]) -> None:
    """``rasa <args>`` with the timing shim (the harness starts Rasa this way)."""
    _install_rasa_shim(Path(os.environ[PROFILE_DIR_ENV]))
    from rasa.__main__ import main

    sys.argv = ["rasa", *args]
    main()


def run_launch(args: list[str]) -> None:
    """``python -m bot.launch <args>`` (how ``huurhulp run`` starts Rasa) with the timing shim."""
    _install_rasa_shim(Path(os.environ[PROFILE_DIR_ENV]))
    from bot.launch import main

    main(args)


def run_actions(args: list[str]) -> None:
    """``python -m rasa_sdk <args>`` with the timing shim."""
    _install_actions_shim(Path(os.environ[PROFILE_DIR_ENV]))
    import runpy

    sys.argv = ["rasa_sdk", *args]
    runpy.run_module("rasa_sdk", run_name="__main__", alter_sys=True)


# --- the harness ----------------------------------------------------------------------------


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


def _summary(values: list[float]) -> str:
    return (
        f"p50 {_percentile(values, 0.5):6.1f} ms  p95 {_percentile(values, 0.95):6.1f} ms  "
        f"mean {statistics.fmean(values):6.1f} ms  (n={len(values)})"
    )


def _read_jsonl(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


class Harness:
    """A started stack with the shims, and the clients that send turns to it."""

    def __init__(
        self,
        options: argparse.Namespace,
        tree: Path = PROJECT_ROOT,
        label: str = "this tree",
        main: bool = True,
    ) -> None:
        """``main``: the stack of this tree, which gets ``--endpoint-line`` and ``--experiment``."""
        import httpx

        from bot.settings import Settings, get_settings
        from bot.stack import Stack
        from bot.training import model_path

        self.label = label
        self.directory = Path(tempfile.mkdtemp(prefix="huurhulp-profile-"))
        self.profile_dir = self.directory / "profile"
        self.profile_dir.mkdir()
        if options.model and tree == PROJECT_ROOT:
            model = Path(options.model)
        else:
            # Models are named after the fingerprint of the tree's rasa_project/.
            name = model_path(get_settings().models_dir, tree / "rasa_project").name
            candidates = [tree / "var" / "models" / name, get_settings().models_dir / name]
            model = next((c for c in candidates if c.exists()), candidates[0])
        if not model.exists():
            raise SystemExit(f"no model at {model}: run `huurhulp train` in {tree} first")

        def free_port() -> int:
            import socket

            with socket.socket() as sock:
                sock.bind(("127.0.0.1", 0))
                return int(sock.getsockname()[1])

        self.settings = Settings(
            var_dir=self.directory / "var",
            database_url="",
            port=free_port(),
            rasa_port=free_port(),
            action_port=free_port(),
            rasa_url="",
            action_url="",
            rasa_timeout=30.0,
        )
        self.token = secrets.token_urlsafe(16)
        self.stack = Stack(
            self.settings,
            model,
            self.token,
            extra_env={
                "HUURHULP_TODAY": "2026-11-25",
                PROFILE_DIR_ENV: str(self.profile_dir),
                EXPERIMENTS_ENV: ",".join(options.experiment if main else []),
                # Rasa and the action server import actions/ from the tree being measured.
                "PYTHONPATH": str(tree),
            },
        )
        script = str(tree / "scripts" / "profile_turn.py")
        if not Path(script).exists():
            raise SystemExit(f"{script} is missing: copy this script into that tree")
        python = sys.executable
        command = self.stack.rasa.command
        if command[1:3] == ["-m", "bot.launch"]:
            # huurhulp run's launcher, which hands Rasa the API token from the environment.
            self.stack.rasa.command = [python, script, "_launch", *command[3:]]
        else:
            self.stack.rasa.command = [python, script, "_rasa", *command[1:]]
        self.pyspy_out: Path | None = None
        if options.pyspy:
            self.pyspy_out = Path(options.pyspy).resolve()
            self.stack.rasa.command = [
                options.pyspy_bin,
                "record",
                "--rate",
                "100",
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(self.pyspy_out),
                "--",
                *self.stack.rasa.command,
            ]
        actions_args = self.stack.actions.command[3:]  # after "python -m rasa_sdk"
        self.stack.actions.command = [python, script, "_actions", *actions_args]
        for line in options.endpoint_line if main else []:
            self._add_endpoint_line(line)
        self.http = httpx.Client(timeout=60.0)
        self.rasa_url = self.settings.effective_rasa_url
        self.gateway_url = f"http://{self.settings.host}:{self.settings.port}"

    def _add_endpoint_line(self, line: str) -> None:
        """Set ``key: value`` under ``action_endpoint:`` in this run's endpoints file."""
        import yaml

        endpoints = yaml.safe_load(self.stack.endpoints_file.read_text()) or {}
        key, _, value = line.partition(":")
        endpoints.setdefault("action_endpoint", {})[key.strip()] = yaml.safe_load(value)
        self.stack.endpoints_file.write_text(yaml.safe_dump(endpoints, sort_keys=False))

    def start(self) -> None:
        started = time.monotonic()
        self.stack.start()
        print(f"stack up in {time.monotonic() - started:.0f} s ({self.directory})", file=sys.stderr)

    def stop(self) -> None:
        self.http.close()
        if self.pyspy_out is not None and self.stack.rasa.popen is not None:
            # py-spy writes its samples on SIGINT; give it a moment, then stop the rest.
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.stack.rasa.popen.pid, signal.SIGINT)
            for _ in range(100):
                if self.pyspy_out.exists():
                    break
                time.sleep(0.1)
            time.sleep(1.0)
        self.stack.stop()

    # -- clients --

    def rasa_turn(self, sender: str, text: str, language: str) -> float:
        started = time.perf_counter()
        response = self.http.post(
            f"{self.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text, "metadata": {"language": language, "channel": "web"}},
        )
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed

    def parse_turn(self, text: str) -> float:
        started = time.perf_counter()
        response = self.http.post(
            f"{self.rasa_url}/model/parse", params={"token": self.token}, json={"text": text}
        )
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed

    def new_web_conversation(self, language: str) -> tuple[str, str]:
        response = self.http.post(f"{self.gateway_url}/api/web/conversations", json={"language": language})
        response.raise_for_status()
        body = response.json()
        return str(body["conversation_id"]), str(body["token"])

    def gateway_turn(self, conversation: tuple[str, str], text: str) -> tuple[float, dict[str, Any]]:
        conversation_id, token = conversation
        started = time.perf_counter()
        response = self.http.post(
            f"{self.gateway_url}/api/web/conversations/{conversation_id}/messages",
            headers={"Authorization": f"Bearer {token}"},
            json={"text": text},
        )
        elapsed = (time.perf_counter() - started) * 1000
        response.raise_for_status()
        return elapsed, response.json()

    # -- runs --

    def session(self, mode: str, language: str, show: bool, restart_every: int) -> Session:
        return Session(self, mode, language, show, restart_every)


class Session:
    """One user's turns to one stack in one mode; the times and the shim's records."""

    def __init__(self, harness: Harness, mode: str, language: str, show: bool, restart_every: int) -> None:
        self.harness = harness
        self.mode = mode
        self.language = language
        self.show = show
        self.restart_every = restart_every
        self.rasa_log = harness.profile_dir / "rasa_turns.jsonl"
        self.actions_log = harness.profile_dir / "actions_calls.jsonl"
        self.sender = f"profile-{mode}-{secrets.token_hex(4)}"
        self.conversation = harness.new_web_conversation(language) if mode == "gateway" else None
        self.times: list[float] = []
        self.rasa_before = self.actions_before = 0

    def start_measuring(self) -> None:
        self.rasa_before = len(_read_jsonl(self.rasa_log))
        self.actions_before = len(_read_jsonl(self.actions_log))

    def turn(self, index: int, text: str, measured: bool) -> None:
        harness = self.harness
        if self.restart_every and index and index % self.restart_every == 0:
            self.sender = f"profile-{self.mode}-{secrets.token_hex(4)}"
            if self.conversation is not None:
                self.conversation = harness.new_web_conversation(self.language)
        if self.mode == "rasa":
            elapsed = harness.rasa_turn(self.sender, text, self.language)
        elif self.mode == "parse":
            elapsed = harness.parse_turn(text)
        else:
            assert self.conversation is not None
            elapsed, body = harness.gateway_turn(self.conversation, text)
            if self.show:
                print(f"  {text!r} -> {[r.get('text', '')[:60] for r in body.get('replies', [])]}")
            if body.get("mode") != "bot":
                print(f"  turn {index}: conversation left the bot ({body.get('mode')}); new one")
                self.conversation = harness.new_web_conversation(self.language)
        if measured:
            self.times.append(elapsed)

    def result(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "stack": self.harness.label,
            "times": self.times,
            "rasa": _read_jsonl(self.rasa_log)[self.rasa_before :],
            "actions": _read_jsonl(self.actions_log)[self.actions_before :],
        }


def run_sessions(sessions: list[Session], turns: int, warmup: int) -> list[dict[str, Any]]:
    """The same conversation to every session, turn by turn in alternation (A B A B ...).

    Alternating turns spreads the machine's other load evenly over the stacks compared.
    """
    messages = [CONVERSATION[i % len(CONVERSATION)] for i in range(warmup + turns)]
    for index, text in enumerate(messages):
        for session in sessions if index % 2 == 0 else reversed(sessions):
            if index == warmup:
                session.start_measuring()
            session.turn(index, text, measured=index >= warmup)
    return [session.result() for session in sessions]


def _report(result: dict[str, Any]) -> None:
    print(f"\n== {result['mode']} ({result['stack']}): {_summary(result['times'])}")
    records = result["rasa"]
    if not records:
        return
    print(f"   Rasa's handle_message: {_summary([r['total'] for r in records])}")
    parts: dict[str, list[float]] = collections.defaultdict(list)
    for record in records:
        for part in {p for r in records for p in r["parts"]}:
            parts[part].append(record["parts"].get(part, 0.0))
    print("   per part (ms per turn; a turn without the part counts 0):")
    print(f"   {'part':48} {'mean':>7} {'p50':>7} {'p95':>7}")
    for part, values in sorted(parts.items(), key=lambda item: -statistics.fmean(item[1])):
        print(
            f"   {part:48} {statistics.fmean(values):7.2f} {_percentile(values, 0.5):7.2f} "
            f"{_percentile(values, 0.95):7.2f}"
        )
    calls = [a for a in result["actions"] if "action" in a]
    parses = [a for a in result["actions"] if "parse_ms" in a]
    if calls:
        per_action: dict[str, list[float]] = collections.defaultdict(list)
        for call in calls:
            per_action[str(call["action"])].append(call["ms"])
        turns = len(records)
        print(f"   action server ({len(calls)} calls in {turns} turns, {len(calls) / turns:.2f} per turn):")
        for name, values in sorted(per_action.items(), key=lambda item: -sum(item[1])):
            print(
                f"     {name:40} calls {len(values):4}  own work mean {statistics.fmean(values):6.2f} ms"
                f"  p50 {_percentile(values, 0.5):6.2f} ms"
            )
        if parses:
            sizes = [p["bytes"] for p in parses]
            print(
                f"     request JSON parse mean {statistics.fmean(p['parse_ms'] for p in parses):.2f} ms,"
                f" body mean {statistics.fmean(sizes) / 1024:.0f} KiB, max {max(sizes) / 1024:.0f} KiB;"
                f" domain sent in {sum(bool(c.get('domain_sent')) for c in calls)}/{len(calls)} calls;"
                f" tracker events in the last call {calls[-1].get('events')}"
            )


def _report_pyspy(path: Path, top: int = 25) -> None:
    """Self time and inclusive time of functions, over samples taken inside a turn."""
    if not path.exists():
        print(f"\n(no py-spy output at {path})")
        return
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    in_turn = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count_text = line.rpartition(" ")
        if "handle_message" not in stack:
            continue
        count = int(count_text)
        in_turn += count
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] += count
        own[frames[-1]] += count
    print(f"\n== py-spy: {in_turn} samples inside handle_message")
    print("   inclusive (share of in-turn samples):")
    for frame, count in inclusive.most_common(top):
        print(f"   {100 * count / max(in_turn, 1):5.1f} %  {frame}")
    print("   own time:")
    for frame, count in own.most_common(top):
        print(f"   {100 * count / max(in_turn, 1):5.1f} %  {frame}")


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "_rasa":
        run_rasa(argv[1:])
        return
    if argv and argv[0] == "_launch":
        run_launch(argv[1:])
        return
    if argv and argv[0] == "_actions":
        run_actions(argv[1:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=200, help="measured turns per mode")
    parser.add_argument("--warmup", type=int, default=16, help="turns sent before measuring")
    parser.add_argument(
        "--mode", action="append", choices=["gateway", "rasa", "parse"], help="repeatable; default rasa"
    )
    parser.add_argument("--language", default="nl")
    parser.add_argument("--model", help="model file (default: the one for the current rasa_project/)")
    parser.add_argument(
        "--endpoint-line",
        action="append",
        default=[],
        help="extra 'key: value' under action_endpoint in this tree's endpoints (an experiment)",
    )
    parser.add_argument(
        "--compare",
        help="another checkout (e.g. `git worktree add ../before HEAD~1`, with its model and this "
        "script): its stack runs beside this one and gets the same turns, alternately",
    )
    parser.add_argument("--pyspy", help="write py-spy raw samples of this tree's Rasa process here")
    parser.add_argument("--pyspy-bin", default="py-spy")
    parser.add_argument(
        "--restart-every",
        type=int,
        default=0,
        help="start a new conversation every N turns (default: one conversation for all turns)",
    )
    parser.add_argument(
        "--experiment",
        action="append",
        default=[],
        choices=["cached_schema"],
        help="cached_schema: validate action replies with a prepared validator (measures Rasa's cost)",
    )
    parser.add_argument("--show", action="store_true", help="print the replies (gateway mode)")
    parser.add_argument("--json", help="write the raw results here")
    options = parser.parse_args(argv)
    harnesses = [Harness(options, PROJECT_ROOT, "this tree")]
    if options.compare:
        harnesses.append(
            Harness(options, Path(options.compare).resolve(), f"compare: {options.compare}", main=False)
        )
    results: list[dict[str, Any]] = []
    try:
        for harness in harnesses:
            harness.start()
        for mode in options.mode or ["rasa"]:
            sessions = [
                h.session(mode, options.language, options.show, options.restart_every) for h in harnesses
            ]
            results += run_sessions(sessions, options.turns, options.warmup)
    finally:
        for harness in harnesses:
            harness.stop()
    for result in results:
        _report(result)
    if harnesses[0].pyspy_out is not None:
        _report_pyspy(harnesses[0].pyspy_out)
    if options.json:
        Path(options.json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()
