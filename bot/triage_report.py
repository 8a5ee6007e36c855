"""``huurhulp triage-report``: how triage does on real writing and on what is out of scope.

Sets (``tests/data``):

* ``real``: messages tenants wrote themselves on public pages (``real/messages_*.jsonl``),
  labelled with ``stage``, ``priority`` and, where the text allows two readings,
  ``alt_priority``;
* ``out_of_scope``: messages that are not about rent trouble (``real/out_of_scope.jsonl``):
  every one must get no stage, no S or P1 and no case;
* ``heldout``: the earlier written held-out sets (``triage_fresh*.jsonl``), as regression sets.

The real and out-of-scope sets have a ``dev`` and a ``test`` split: tune on ``dev``,
measure ``test`` once. Printed per set and language: priority accuracy (counting the
second label), S/P1 recall, false S/P1 on calm and out-of-scope messages, the share of
out-of-scope messages that got no stage, and a stage confusion table. Message text is
never printed, only ids.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.settings import PROJECT_ROOT
from vocabulary.stages import Stage

DATA = PROJECT_ROOT / "tests" / "data"
URGENT = frozenset({"S", "P1"})
#: Stages most urgent first, as ``vocabulary.stages.Stage`` lists them.
STAGE_ORDER = tuple(stage.value for stage in Stage)


def set_files(name: str, data: Path = DATA) -> list[Path]:
    """The files of one evaluation set."""
    if name == "real":
        return sorted((data / "real").glob("messages_*.jsonl"))
    if name == "out_of_scope":
        return [data / "real" / "out_of_scope.jsonl"]
    if name == "heldout":
        return sorted(data.glob("triage_fresh*.jsonl"))
    raise ValueError(f"unknown set {name!r}")


def load_rows(name: str, split: str = "dev", data: Path = DATA) -> list[dict[str, Any]]:
    """The rows of set ``name`` in ``split`` (``dev``, ``test`` or ``all``), expectations filled in."""
    rows: list[dict[str, Any]] = []
    for path in set_files(name, data):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            if split != "all" and row.get("split", split) != split:
                continue
            if name == "out_of_scope":
                row.setdefault("stage", "none")
                row.setdefault("priority", "none")
                row.setdefault("crisis", False)
            rows.append(row)
    return rows


@dataclass
class Tally:
    """Counts for one set and language."""

    rows: int = 0
    priority_ok: int = 0
    urgent: int = 0
    urgent_raised: int = 0
    urgent_raised_or_asked: int = 0
    calm: int = 0
    calm_raised: int = 0
    no_stage: int = 0
    asked: int = 0
    crisis: int = 0
    crisis_caught: int = 0
    wrong: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)

    def add(self, row: dict[str, Any], out: dict[str, Any]) -> None:
        """Count one labelled row and the classifier's output for it."""
        self.rows += 1
        allowed = {row["priority"], row.get("alt_priority") or row["priority"]}
        if out["priority"] in allowed:
            self.priority_ok += 1
        else:
            self.wrong.append((row["id"], row["stage"], row["priority"], out["stage"], out["priority"]))
        raised = out["priority"] in URGENT
        if row["priority"] in URGENT:
            self.urgent += 1
            self.urgent_raised += raised
            self.urgent_raised_or_asked += raised or out.get("asks") is not None
        else:
            self.calm += 1
            self.calm_raised += raised
        self.no_stage += out["stage"] == "none"
        self.asked += out.get("asks") is not None
        if row.get("crisis"):
            self.crisis += 1
            self.crisis_caught += bool(out.get("crisis"))
        self.confusion[(row["stage"], out["stage"])] += 1

    def figures(self) -> dict[str, Any]:
        """The report's numbers (shares as fractions, ``None`` where nothing was counted)."""

        def share(part: int, whole: int) -> float | None:
            return round(part / whole, 4) if whole else None

        return {
            "rows": self.rows,
            "priority_accuracy": share(self.priority_ok, self.rows),
            "urgent": self.urgent,
            "urgent_recall": share(self.urgent_raised, self.urgent),
            "urgent_recall_with_question": share(self.urgent_raised_or_asked, self.urgent),
            "calm": self.calm,
            "false_urgent": self.calm_raised,
            "false_urgent_rate": share(self.calm_raised, self.calm),
            "no_stage_rate": share(self.no_stage, self.rows),
            "asked": self.asked,
            "crisis": self.crisis,
            "crisis_missed": self.crisis - self.crisis_caught,
        }


def evaluate(rows: Sequence[dict[str, Any]], outputs: Sequence[dict[str, Any]]) -> dict[str, Tally]:
    """Tallies per language and for ``all``."""
    tallies: dict[str, Tally] = defaultdict(Tally)
    for row, out in zip(rows, outputs, strict=True):
        tallies[row["language"]].add(row, out)
        tallies["all"].add(row, out)
    return dict(tallies)


def format_report(name: str, split: str, tallies: dict[str, Tally]) -> str:
    """A plain-text table for one set, and its stage confusion table."""
    lines = [f"== {name} ({split}) =="]
    header = (
        f"{'lang':<5}{'rows':>5}{'prio ok':>9}{'S/P1 rec':>10}{'+asked':>8}{'false S/P1':>12}"
        f"{'no stage':>10}{'asked':>7}{'crisis missed':>15}"
    )
    lines.append(header)
    for language in sorted(tallies, key=lambda k: (k == "all", k)):
        f = tallies[language].figures()

        def pct(value: float | None) -> str:
            return "-" if value is None else f"{100 * value:.1f}%"

        lines.append(
            f"{language:<5}{f['rows']:>5}{pct(f['priority_accuracy']):>9}{pct(f['urgent_recall']):>10}"
            f"{pct(f['urgent_recall_with_question']):>8}{f['false_urgent']:>5}/{f['calm']:<4} "
            f"{pct(f['no_stage_rate']):>9}{f['asked']:>7}{f['crisis_missed']:>8}/{f['crisis']:<4}"
        )
    confusion = tallies["all"].confusion if "all" in tallies else Counter()
    present = [s for s in STAGE_ORDER if any(s in pair for pair in confusion)]
    if present:
        lines.append("stage confusion (rows: expected, columns: predicted)")
        short = {s: s[:8] for s in present}
        lines.append(f"{'':<20}" + "".join(f"{short[s]:>9}" for s in present))
        for expected in present:
            lines.append(
                f"{expected:<20}" + "".join(f"{confusion[(expected, got)] or '.':>9}" for got in present)
            )
    return "\n".join(lines)


def classify_rows(classifier: Any, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The classifier's output for every row (with the row's own ``today``)."""
    outputs = []
    for row in rows:
        today = dt.date.fromisoformat(row["today"]) if row.get("today") else dt.date(2026, 12, 5)
        outputs.append(classifier.classify(row["text"], today, row.get("language_hint")))
    return outputs
