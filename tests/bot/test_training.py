"""Training happens only when the model's inputs changed."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.training import RASA_PROJECT, ensure_model, fingerprint, model_path


def _copy_project(tmp_path: Path) -> Path:
    target = tmp_path / "rasa_project"
    shutil.copytree(RASA_PROJECT, target)
    return target


def test_fingerprint_follows_training_inputs_only(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    before = fingerprint(project)
    assert fingerprint(project) == before  # stable

    (project / "tests" / "extra_test_stories.yml").write_text("version: '3.1'\nstories: []\n")
    (project / "endpoints.yml").write_text("# changed\n")
    assert fingerprint(project) == before  # tests and endpoints do not shape the model

    nlu = next((project / "data").rglob("*.yml"))
    nlu.write_text(nlu.read_text() + "\n# a comment is a change too\n")
    assert fingerprint(project) != before


def test_existing_model_is_reused_without_training(tmp_path: Path) -> None:
    project = _copy_project(tmp_path)
    models = tmp_path / "models"
    models.mkdir()
    expected = model_path(models, project)
    expected.write_bytes(b"a model")  # any file with the right fingerprint counts as trained

    path, trained = ensure_model(models, tmp_path, project=project)
    assert (path, trained) == (expected, False)
    assert expected.read_bytes() == b"a model"
