"""`huurhulp triage`: the live model and triage on JSON lines, and the held-out measurement."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
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


#: Lines for the field checks: a summons, a crisis without its own "today", a line that is not
#: JSON (the third line of the run) and a typed intent.
FIELD_LINES = [
    json.dumps({"text": "ik heb een dagvaarding voor volgende week dinsdag", "today": "2026-11-25"}),
    json.dumps({"text": "je veux mourir"}),
    "this is not json",
    json.dumps({"text": "/restart"}),
    json.dumps(
        {"text": "het vonnis werd op 30 december 2026 betekend door de deurwaarder", "today": "2027-01-10"}
    ),
]


def held_out_rows(name: str | tuple[str, ...]) -> list[dict[str, Any]]:
    names = (name,) if isinstance(name, str) else name
    return [
        json.loads(line)
        for each in names
        for line in (PROJECT_ROOT / "tests" / "data" / each).read_text().splitlines()
        if line.strip()
    ]


@dataclass
class TriageRun:
    outputs: list[dict[str, Any]]  # the field lines' outputs, in order
    held_out: dict[str, dict[str, Any]]  # output per held-out row id
    exit_code: int


@pytest.fixture(scope="module")
def triage_run(trained_model: Path) -> TriageRun:
    """``huurhulp triage --today 2026-11-25`` once, on the field lines and then every held-out
    set: one model load instead of one per set.

    Each line is classified on its own (no state between lines), and every held-out row has
    its own ``today``, so the answers are those of a run per set; the tests judge each part
    separately.
    """
    rows = [row for name in FRESH_SETS for row in held_out_rows(name)]
    outputs, code = run_triage(
        FIELD_LINES + [json.dumps(row) for row in rows], trained_model, "--today", "2026-11-25"
    )
    assert len(outputs) == len(FIELD_LINES) + len(rows)
    fields, answers = outputs[: len(FIELD_LINES)], outputs[len(FIELD_LINES) :]
    for row, out in zip(rows, answers, strict=True):
        assert out["id"] == row["id"], out
    return TriageRun(fields, {row["id"]: out for row, out in zip(rows, answers, strict=True)}, code)


def test_fields_dates_and_bad_lines(triage_run: TriageRun) -> None:
    assert triage_run.exit_code == 1  # one bad line in the whole run
    court, crisis, bad, injection, served = triage_run.outputs
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
    # Issue 11: the date itself (30 January 2027 is a Saturday: the term ends Monday 1 February).
    assert court["earliest_eviction_date"] is None
    assert served["stage"] == "judgment"
    assert served["date_slots"]["judgment_served_date"] == "2026-12-30"
    assert served["earliest_eviction_date"] == "2027-02-02"


@pytest.mark.parametrize("name", FRESH_SETS)
def test_held_out_messages_get_the_right_stage_and_priority(
    triage_run: TriageRun, name: str | tuple[str, ...]
) -> None:
    rows = held_out_rows(name)
    outputs = [triage_run.held_out[row["id"]] for row in rows]

    right: Counter[str] = Counter()
    total: Counter[str] = Counter()
    missed_crisis = []
    wrong = []
    for row, out in zip(rows, outputs, strict=True):
        assert out["id"] == row["id"]
        total[row["language"]] += 1
        # An urgent stage only the model saw is asked about first (the evidence rule):
        # asking exactly the expected S/P1 stage counts as right, since "yes" sets it.
        asked_right = row["priority"] in ("S", "P1") and out.get("asks") == row["stage"]
        if (out["stage"], out["priority"]) == (row["stage"], row["priority"]) or asked_right:
            right[row["language"]] += 1
        else:
            wrong.append(
                (row["id"], row["stage"], row["priority"], out["stage"], out["priority"], out["intent"])
            )
        if row["crisis"] and not out["crisis"] and out.get("asks") != "crisis":
            missed_crisis.append(row["id"])
    for language in sorted(total):
        print(f"{language}: {right[language]}/{total[language]} right stage and priority")
    print(f"all: {sum(right.values())}/{len(rows)}; crisis missed: {missed_crisis}")
    for item in wrong:
        print("wrong:", item)
    assert missed_crisis == []
    for language in total:
        assert right[language] / total[language] >= 0.9, language


#: Regression bars on the dev splits of the real and out-of-scope sets (tests/data/real/),
#: a little below what was measured when they were set (README, "Triage on real writing").
#: The test splits are not used here: they are measured by hand, once per change of design.
DEV_BARS = {
    "out_of_scope": {"false_urgent": 0, "no_stage_rate": 0.95},
    # Measured 2026-12-06 on dev (logistic regression, voice and date-cue rules):
    # 59.0 % priority, 61.5 % S/P1 recall (71.8 % with the confirming question), 9/44 calm raised.
    "real": {"priority_accuracy": 0.52, "urgent_recall": 0.52, "false_urgent_rate": 0.23},
}


def test_real_and_out_of_scope_dev_splits_hold_their_bars(trained_model: Path, tmp_path: Path) -> None:
    figures_file = tmp_path / "figures.json"
    command = [
        str(Path(sys.executable).with_name("huurhulp")),
        "triage-report",
        "--split",
        "dev",
        "--sets",
        "real",
        "out_of_scope",
        "--json",
        str(figures_file),
    ]
    completed = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=PROJECT_ROOT,
        env={**__import__("os").environ, "HUURHULP_MODELS_DIR": str(trained_model.parent)},
        timeout=900,
    )
    print(completed.stdout)
    assert completed.returncode == 0, completed.stderr[-2000:]
    figures = json.loads(figures_file.read_text())
    out_of_scope = figures["out_of_scope"]["all"]
    assert out_of_scope["false_urgent"] == DEV_BARS["out_of_scope"]["false_urgent"]
    assert out_of_scope["no_stage_rate"] >= DEV_BARS["out_of_scope"]["no_stage_rate"]
    real = figures["real"]["all"]
    bars = DEV_BARS["real"]
    assert real["priority_accuracy"] >= bars["priority_accuracy"]
    assert real["urgent_recall"] >= bars["urgent_recall"]
    assert real["false_urgent_rate"] <= bars["false_urgent_rate"]
    assert real["crisis_missed"] <= 1  # one debatable crisis (no front door, watching at night)
