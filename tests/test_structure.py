"""The package boundaries hold: who may import whom.

* ``vocabulary`` (stages, priorities, languages, lexicons) imports neither side.
* ``actions`` (the Rasa components and the action server) never imports ``bot``.
* The gateway process (``bot.app``) never loads ``actions``: the two run in different
  processes and share only ``vocabulary``. ``bot.classify`` and ``bot.triage_report`` are
  developer tools of the ``huurhulp`` command that mirror the whole dialogue, so they
  import ``actions``; the gateway never imports them.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_packages(path: Path) -> set[str]:
    """Top-level package names that ``path`` imports (absolute imports only)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [("vocabulary", {"bot", "actions"}), ("actions", {"bot"})],
)
def test_package_does_not_import(package: str, forbidden: set[str]) -> None:
    offenders = {
        str(path.relative_to(ROOT)): sorted(imported_packages(path) & forbidden)
        for path in sorted((ROOT / package).rglob("*.py"))
        if imported_packages(path) & forbidden
    }
    assert offenders == {}


def test_imported_packages_sees_both_import_forms(tmp_path: Path) -> None:
    module = tmp_path / "m.py"
    module.write_text("import bot.app\nfrom actions.triage import triage\nfrom . import x\n")
    assert imported_packages(module) == {"bot", "actions"}


def test_gateway_process_never_loads_actions() -> None:
    probe = (
        "import sys, bot.app, bot.cli; "
        "print(sorted(m for m in sys.modules if m == 'actions' or m.startswith('actions.')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
