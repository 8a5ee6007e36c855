"""`huurhulp caseworker`: accounts from the command line; `huurhulp run` refusing an impossible scale-out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.auth import verify_password
from bot.settings import PROJECT_ROOT
from bot.storage.database import Database

HUURHULP = str(Path(sys.executable).with_name("huurhulp"))


def run(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HUURHULP_VAR_DIR": str(tmp_path),
        "HUURHULP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
    }
    return subprocess.run(
        [HUURHULP, "caseworker", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )


def test_add_list_disable(tmp_path: Path) -> None:
    added = run(
        tmp_path, "add", "ann", "--display-name", "Ann (CAW)", "--password-stdin", stdin="a long passphrase\n"
    )
    assert added.returncode == 0, added.stderr
    assert run(tmp_path, "add", "ann", "--password-stdin", stdin="a long passphrase\n").returncode == 1
    short = run(tmp_path, "add", "bob", "--password-stdin", stdin="short\n")
    assert short.returncode == 1 and "12" in short.stderr
    listed = run(tmp_path, "list")
    assert "ann\tAnn (CAW)\tactive" in listed.stdout and "bob" not in listed.stdout
    assert run(tmp_path, "disable", "ann").returncode == 0
    assert "ann\tAnn (CAW)\tdisabled" in run(tmp_path, "list").stdout
    assert run(tmp_path, "disable", "nobody").returncode == 1

    db = Database(f"sqlite:///{tmp_path / 'cli.db'}")
    try:
        stored = db.caseworkers.by_username("ann")
    finally:
        db.dispose()
    assert stored is not None and stored.password_hash.startswith("$argon2")
    assert verify_password(stored.password_hash, "a long passphrase")


def test_run_refuses_to_scale_out_without_postgresql_and_redis(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "HUURHULP_VAR_DIR": str(tmp_path),
        "HUURHULP_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "HUURHULP_MODELS_DIR": str(tmp_path / "no-models"),  # it must stop before training
    }
    env.pop("HUURHULP_REDIS_URL", None)
    done = subprocess.run(
        [HUURHULP, "run", "--gateway-workers", "2", "--rasa-servers", "2"],
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env=env,
        timeout=120,
    )
    assert done.returncode == 2
    assert "need PostgreSQL" in done.stderr and "HUURHULP_REDIS_URL" in done.stderr
    assert not (tmp_path / "no-models").exists()
