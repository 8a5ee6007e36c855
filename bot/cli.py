"""The ``huurhulp`` command: run, train, test-stories, triage, triage-report, caseworker, purge."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import logging
import secrets
import signal
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from bot.auth import hash_password, validate_new_password
from bot.settings import PROJECT_ROOT, Settings, get_settings
from bot.stack import ScaleOutError, Stack, StackError, StartInterrupted
from bot.storage.database import Database
from bot.storage.records import CaseworkerExists
from bot.training import RASA_PROJECT, TrainingFailed, ensure_model, rasa_environment, rasa_executable

log = logging.getLogger("huurhulp")


def _configure_logging(level: str) -> None:
    logging.basicConfig(level=level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    # httpx logs every URL at INFO, and Rasa's API token travels in the query string.
    logging.getLogger("httpx").setLevel(logging.WARNING)


def cmd_train(args: argparse.Namespace) -> int:
    """Train the Rasa model if rasa_project/ changed (or always with --force)."""
    settings = get_settings()
    path, trained = ensure_model(settings.models_dir, settings.var_dir, force=args.force)
    print(f"{'trained' if trained else 'up to date, not retrained'}: {path}")
    return 0


def cmd_test_stories(_args: argparse.Namespace) -> int:
    """Run Rasa's test stories against the current model; any wrong prediction fails."""
    settings = get_settings()
    model, _ = ensure_model(settings.models_dir, settings.var_dir)
    command = [
        rasa_executable(),
        "test",
        "core",
        "--model",
        str(model),
        "--stories",
        str(RASA_PROJECT / "tests"),
        "--out",
        str(settings.var_dir / "results" / "core"),
        "--fail-on-prediction-errors",
    ]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(settings.var_dir)).returncode


def cmd_triage(args: argparse.Namespace) -> int:
    """Classify JSON lines from stdin with the live bot's model and triage."""
    from bot.classify import run_triage

    settings = get_settings()
    model, _ = ensure_model(settings.models_dir, settings.var_dir)
    errors = run_triage(model, sys.stdin, sys.stdout, args.today)
    return 1 if errors else 0


def cmd_triage_report(args: argparse.Namespace) -> int:
    """Print triage figures per set and language (see ``bot.triage_report``)."""
    import json

    from bot.classify import Classifier
    from bot.triage_report import classify_rows, evaluate, format_report, load_rows

    settings = get_settings()
    model, _ = ensure_model(settings.models_dir, settings.var_dir)
    # The model's answers are kept per model file, so a change to the rules after the
    # model (gate, lexicons, assessment) is measured in seconds, not minutes.
    cache_path = settings.var_dir / "triage-cache" / f"{model.name.removesuffix('.tar.gz')}.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    classifier = Classifier(model, cache)
    figures: dict[str, dict[str, object]] = {}
    try:
        for name in args.sets:
            rows = load_rows(name, args.split if name != "heldout" else "all")
            tallies = evaluate(rows, classify_rows(classifier, rows))
            print(format_report(name, args.split if name != "heldout" else "all", tallies))
            if args.wrong:
                for item in tallies["all"].wrong if "all" in tallies else []:
                    print("  wrong:", *item)
            print()
            figures[name] = {language: tally.figures() for language, tally in tallies.items()}
    finally:
        classifier.close()
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        cache_path.write_text(json.dumps(cache, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


def cmd_content(args: argparse.Namespace) -> int:
    """``huurhulp content audit``: facts to re-check in actions/content; 1 on a hard error."""
    # Imported here, not at the top: the gateway process never loads ``actions``.
    from actions.content_audit import default_today, format_report, run_audit

    report = run_audit(args.today or default_today())
    print(format_report(report))
    return 0 if report.ok else 1


def cmd_purge(args: argparse.Namespace) -> int:
    """Erase the texts of conversations closed or idle longer than HUURHULP_RETENTION_DAYS."""
    from bot.retention import purge_command

    return purge_command(get_settings(), dry_run=args.dry_run)


def _database() -> Database:
    database = Database(get_settings().effective_database_url)
    database.migrate()
    return database


def cmd_caseworker(args: argparse.Namespace) -> int:
    """Manage console accounts: add (password from stdin or a prompt), list, disable, enable."""
    database = _database()
    try:
        if args.action == "list":
            for caseworker in database.caseworkers.list_all():
                state = "active" if caseworker.active else "disabled"
                print(f"{caseworker.username}\t{caseworker.display_name}\t{state}")
            return 0
        if args.action in ("disable", "enable"):
            if not database.caseworkers.set_active(args.name, args.action == "enable"):
                print(f"no caseworker named {args.name!r}", file=sys.stderr)
                return 1
            print(f"{args.name}: {args.action}d")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("password: ")
            if getpass.getpass("again: ") != password:
                print("the passwords differ", file=sys.stderr)
                return 1
        try:
            validate_new_password(password)
        except ValueError as error:
            print(str(error), file=sys.stderr)
            return 1
        try:
            database.caseworkers.add(args.name, args.display_name or args.name, hash_password(password))
        except CaseworkerExists:
            print(f"a caseworker named {args.name!r} already exists", file=sys.stderr)
            return 1
        print(f"added {args.name}")
        return 0
    finally:
        database.dispose()


def _telegram_mode(settings: Settings, workers: int = 1) -> str:
    """How the gateway talks to Telegram, for the start-up summary (never the token)."""
    if not settings.telegram_enabled:
        return "off (set HUURHULP_TELEGRAM_TOKEN to turn it on)"
    if settings.telegram_webhook_url:
        return f"webhook at {settings.telegram_webhook_url}"
    return "long polling" + (" (by the first gateway worker; all of them send)" if workers > 1 else "")


def _stores(settings: Settings) -> str:
    """Where data, Rasa's trackers and the shared state live, for the summary (no passwords)."""
    from sqlalchemy.engine.url import make_url

    database = make_url(settings.effective_database_url)
    where = database.database if database.get_backend_name() == "sqlite" else database.render_as_string()
    redis = "Redis (locks, live updates, login limits)" if settings.redis_url else "no Redis (in-process)"
    return f"{database.get_backend_name()} {where} (the gateway's tables and Rasa's trackers); {redis}"


def cmd_run(args: argparse.Namespace) -> int:
    """Train if needed, start actions, Rasa and the gateway, keep them up until Ctrl-C or SIGTERM.

    ``--gateway-workers N --rasa-servers M`` (PostgreSQL and Redis needed) run N gateway
    processes on one port and M Rasa servers. A part that stops on its own is restarted
    (``bot/supervisor.py``); only our own stop signal stops everything.
    """
    from bot.stack import scale_out_problems
    from bot.supervisor import BackoffPolicy, Supervisor

    settings = get_settings()
    workers = args.gateway_workers or settings.gateway_workers
    servers = args.rasa_servers or settings.rasa_servers
    problems = scale_out_problems(settings, workers, servers)
    if problems:  # before training or starting anything
        print("huurhulp run: " + "\n  ".join(problems), file=sys.stderr)
        return 2
    model, trained = ensure_model(settings.models_dir, settings.var_dir)
    print(f"model: {model} ({'freshly trained' if trained else 'up to date, not retrained'})")
    token = settings.rasa_token.get_secret_value() or secrets.token_urlsafe(24)
    try:
        stack = Stack(settings, model, token, gateway_workers=workers, rasa_servers=servers)
    except (ScaleOutError, OSError) as error:
        print(f"huurhulp run: {error}", file=sys.stderr)
        return 2
    policy = BackoffPolicy(
        initial=settings.restart_delay,
        maximum=settings.restart_delay_max,
        reset_after=settings.restart_reset_after,
    )

    stopping = False

    def _stop(signum: int, _frame: FrameType | None) -> None:
        nonlocal stopping
        if not stopping:
            log.info("%s received: stopping", signal.Signals(signum).name)
        stopping = True

    signal.signal(signal.SIGINT, _stop)
    signal.signal(signal.SIGTERM, _stop)
    parts = (
        "action server, Rasa server and gateway"
        if workers == 1 and servers == 1
        else f"action server, {servers} Rasa server(s) and {workers} gateway worker(s)"
    )
    print(f"starting {parts} (Rasa takes about 30 s)...", flush=True)
    try:
        stack.start(should_stop=lambda: stopping)
    except StartInterrupted:
        print("stopped before start-up finished.")
        return 0
    except StackError as error:
        print(f"start-up failed: {error}", file=sys.stderr)
        return 1
    base = f"http://{settings.host}:{settings.port}"
    print(
        "\nHuurhulp is running:\n"
        f"  demo chat   {base}/\n"
        f"  health      {base}/healthz\n"
        f"  API docs    {base}/docs\n"
        f"  Rasa        {', '.join(stack.rasa_urls)}\n"
        f"  actions     {settings.effective_action_url}\n"
        + (
            f"  workers     {workers} gateway processes on {base}; each also on "
            f"{', '.join(stack.gateway_urls)}\n"
            if workers > 1
            else ""
        )
        + f"  stores      {_stores(settings)}\n"
        f"  logs        {settings.log_dir}/\n"
        f"  telegram    {_telegram_mode(settings, workers)}\n"
        "A part that stops is restarted. Press Ctrl-C to stop.",
        flush=True,
    )
    try:
        Supervisor(stack.processes, policy).run(should_stop=lambda: stopping)
    finally:
        print("stopping gateway, Rasa server and action server...", flush=True)
        stack.stop()
        print("stopped.", flush=True)
    return 0


def _positive(value: str) -> int:
    number = int(value)
    if not 1 <= number <= 64:
        raise argparse.ArgumentTypeError("expected a number from 1 to 64")
    return number


def build_parser() -> argparse.ArgumentParser:
    """Argument parser of the ``huurhulp`` command."""
    parser = argparse.ArgumentParser(prog="huurhulp", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="train if needed, then run actions, Rasa and the gateway")
    run.add_argument(
        "--gateway-workers",
        type=_positive,
        default=None,
        metavar="N",
        help="gateway processes on the one port (default HUURHULP_GATEWAY_WORKERS, 1); >1 needs "
        "PostgreSQL and Redis",
    )
    run.add_argument(
        "--rasa-servers",
        type=_positive,
        default=None,
        metavar="M",
        help="Rasa servers on consecutive ports from HUURHULP_RASA_PORT (default "
        "HUURHULP_RASA_SERVERS, 1); >1 needs PostgreSQL and Redis",
    )
    run.set_defaults(handler=cmd_run)
    train = commands.add_parser("train", help="train the Rasa model if rasa_project/ changed")
    train.add_argument("--force", action="store_true", help="train even if the model is up to date")
    train.set_defaults(handler=cmd_train)
    stories = commands.add_parser("test-stories", help="run Rasa's test stories (fails on any error)")
    stories.set_defaults(handler=cmd_test_stories)
    triage = commands.add_parser(
        "triage",
        help='classify JSON lines {"text": ..., "today": "YYYY-MM-DD"} from stdin, one JSON line out each',
    )
    triage.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=dt.date.today(),
        help="date for lines without 'today' (default: the real today)",
    )
    triage.set_defaults(handler=cmd_triage)
    report = commands.add_parser("triage-report", help="triage figures on the real and out-of-scope sets")
    report.add_argument("--split", choices=["dev", "test", "all"], default="dev", help="default: dev")
    report.add_argument(
        "--sets",
        nargs="+",
        choices=["real", "out_of_scope", "heldout"],
        default=["real", "out_of_scope", "heldout"],
    )
    report.add_argument("--wrong", action="store_true", help="list the ids of wrong priorities")
    report.add_argument("--json", type=Path, help="also write the figures to this file")
    report.set_defaults(handler=cmd_triage_report)
    content = commands.add_parser("content", help="check the curated content in actions/content")
    content.add_argument(
        "content_action",
        choices=["audit"],
        help="audit: unverified, stale and outdated facts, source domains; exits 1 on a hard error",
    )
    content.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        default=None,
        help="date to audit against (default: HUURHULP_TODAY or the real today in Belgium)",
    )
    content.set_defaults(handler=cmd_content)
    caseworker = commands.add_parser("caseworker", help="manage caseworker console accounts")
    caseworker.add_argument("action", choices=["add", "list", "disable", "enable"])
    caseworker.add_argument("name", nargs="?", help="username (add, disable, enable)")
    caseworker.add_argument("--display-name", help="name shown to tenants and colleagues (add)")
    caseworker.add_argument(
        "--password-stdin", action="store_true", help="read the password from stdin (add)"
    )
    caseworker.set_defaults(handler=cmd_caseworker)
    purge = commands.add_parser(
        "purge", help="erase the texts of conversations closed or idle longer than the retention period"
    )
    purge.add_argument("--dry-run", action="store_true", help="only count what would be erased")
    purge.set_defaults(handler=cmd_purge)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "action", None) in ("add", "disable", "enable") and not args.name:
        parser.error(f"caseworker {args.action} needs a NAME")
    _configure_logging(get_settings().log_level)
    try:
        return int(args.handler(args))
    except TrainingFailed as error:
        print(f"huurhulp: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
