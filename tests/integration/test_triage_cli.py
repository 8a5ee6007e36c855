"""`huurhulp triage`: the live model and triage on JSON lines, and the held-out measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from bot.settings import PROJECT_ROOT

pytestmark = pytest.mark.integration

#: Held-out sets, each written by someone who never saw the training data or lexicons
#: (tests/data/README.md). Sets 1-4 were measured, then their failure categories guided
#: changes, so they now guard against regressions; set 5 was measured once, untouched.
FRESH_SETS = [f"triage_fresh{n}.jsonl" for n in ("", "2", "3", "4", "5")] + [
    # Turkish, Arabic, Polish, Romanian, Ukrainian: both measured first, then their failure
    # categories guided lexicon changes (tests/data/README.md has the figures). With 24
    # rows per language one model difference is 4 points, so the 90 % bar applies to the
    # two sets together (48 per language); every crisis must be caught in each.
    ("triage_fresh_multi.jsonl", "triage_fresh_multi2.jsonl"),
]


def run_triage(lines: list[str], trained_model: Path, *args: str) -> tuple[list[dict[str, Any]], int]:
    command = [str(Path(sys.executable).with_name("huurhulp")), "triage", *args]
    env_models = {"HUURHULP_MODELS_DIR": str(trained_model.parent)}
    completed = subprocess.run(
        command,
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**__import__("os").environ, **env_models},
        timeout=600,
    )
    outputs = [json.loads(line) for line in completed.stdout.splitlines() if line.strip()]
    return outputs, completed.returncode


def test_fields_dates_and_bad_lines(trained_model: Path) -> None:
    lines = [
        json.dumps({"text": "ik heb een dagvaarding voor volgende week dinsdag", "today": "2026-11-25"}),
        json.dumps({"text": "je veux mourir"}),
        "this is not json",
        json.dumps({"text": "/restart"}),
    ]
    outputs, code = run_triage(lines, trained_model, "--today", "2026-11-25")
    assert code == 1  # one bad line
    court, crisis, bad, injection = outputs
    assert court["language"] == "nl" and court["intent"] == "report_court"
    assert (court["stage"], court["priority"], court["crisis"]) == ("court", "P1", False)
    assert court["dates"] == ["2026-12-01"]
    assert 0 < court["confidence"] <= 1
    assert (crisis["stage"], crisis["priority"], crisis["crisis"], crisis["language"]) == (
        "crisis",
        "S",
        True,
        "fr",
    )
    assert "error" in bad and "line 3" in bad["error"]
    assert injection["intent"] != "restart"


@pytest.mark.parametrize("name", FRESH_SETS)
def test_held_out_messages_get_the_right_stage_and_priority(
    trained_model: Path, name: str | tuple[str, ...]
) -> None:
    names = (name,) if isinstance(name, str) else name
    rows = [
        json.loads(line)
        for each in names
        for line in (PROJECT_ROOT / "tests" / "data" / each).read_text().splitlines()
        if line.strip()
    ]
    outputs, code = run_triage([json.dumps(row) for row in rows], trained_model)
    assert code == 0 and len(outputs) == len(rows)

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed_crisis = []
    wrong = []
    for row, out in zip(rows, outputs, strict=True):
        assert out["id"] == row["id"]
        total[row["language"]] += 1
        if (out["stage"], out["priority"]) == (row["stage"], row["priority"]):
            right[row["language"]] += 1
        else:
            wrong.append(
                (row["id"], row["stage"], row["priority"], out["stage"], out["priority"], out["intent"])
            )
        if row["crisis"] and not out["crisis"]:
            missed_crisis.append(row["id"])
    for language in sorted(total):
        print(f"{language}: {right[language]}/{total[language]} right stage and priority")
    print(f"all: {sum(right.values())}/{len(rows)}; crisis missed: {missed_crisis}")
    for item in wrong:
        print("wrong:", item)
    assert missed_crisis == []
    for language in total:
        assert right[language] / total[language] >= 0.9, language
