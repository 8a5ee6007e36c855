"""Train the Rasa model only when ``rasa_project/`` changed.

A model is named after a fingerprint of everything that shapes it (the training data,
domain and config, and the Rasa version), so "is there a model for this fingerprint?"
is the whole cache check, and an old model is never mistaken for a current one.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT

log = logging.getLogger(__name__)

RASA_PROJECT = PROJECT_ROOT / "rasa_project"
#: Parts of rasa_project/ that change the trained model (tests and endpoints do not).
MODEL_INPUTS = ("config.yml", "domain", "data")


class TrainingFailed(RuntimeError):
    """``rasa train`` did not produce a model."""


def rasa_executable() -> str:
    """The ``rasa`` command of this virtual environment."""
    return str(Path(sys.executable).with_name("rasa"))


def fingerprint(project: Path = RASA_PROJECT) -> str:
    """A short hash of every file that shapes the model, plus the Rasa version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"rasa=={version('rasa')}\n".encode())
    for name in MODEL_INPUTS:
        root = project / name
        paths = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
        for path in paths:
            digest.update(str(path.relative_to(project)).encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def model_path(models_dir: Path, project: Path = RASA_PROJECT) -> Path:
    """Where the model for the current state of ``project`` is (or will be) stored."""
    return models_dir / f"huurhulp-{fingerprint(project)}.tar.gz"


def rasa_environment(var_dir: Path) -> dict[str, str]:
    """Environment for Rasa subprocesses: caches under var/, no telemetry."""
    env = dict(os.environ)
    env.setdefault("RASA_TELEMETRY_ENABLED", "false")
    env.setdefault("RASA_CACHE_DIRECTORY", str(var_dir / "rasa-cache"))
    # TensorFlow's start-up chatter is noise in our logs.
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    return env


def ensure_model(
    models_dir: Path, var_dir: Path, force: bool = False, project: Path = RASA_PROJECT
) -> tuple[Path, bool]:
    """Return the current model, training it first if it does not exist yet.

    Returns ``(path, trained)``; ``trained`` is False when an up-to-date model was found.
    """
    target = model_path(models_dir, project)
    if target.exists() and not force:
        return target, False
    models_dir.mkdir(parents=True, exist_ok=True)
    # One training at a time per models folder: a second caller (another test session,
    # `make run` beside `make test`) waits and then finds the model instead of training the
    # same model again on the same two cores.
    with (models_dir / ".train.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and not force:
            return target, False
        return _train(target, models_dir, var_dir, project), True


def _train(target: Path, models_dir: Path, var_dir: Path, project: Path) -> Path:
    command = [
        rasa_executable(),
        "train",
        "--config",
        str(project / "config.yml"),
        "--domain",
        str(project / "domain"),
        "--data",
        str(project / "data"),
        "--out",
        str(models_dir),
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
    ]
    log.info("training the Rasa model (%s)", target.name)
    completed = subprocess.run(command, cwd=PROJECT_ROOT, env=rasa_environment(var_dir))
    if completed.returncode != 0:
        raise TrainingFailed(f"rasa train failed (exit code {completed.returncode}); see its output above")
    if not target.exists():
        raise RuntimeError(f"rasa train finished but {target} is missing")
    return target
