"""Try a language's crisis and stage lexicon before it goes live.

    python scripts/check_lexicon.py var/i18n/lexicon/tr examples.jsonl

loads the shared lexicons plus ``<dir>/crisis.yml`` and ``<dir>/stages.yml`` (the layout
of ``vocabulary/lexicon/<lang>/``), then reports, for each JSON line ``{"text": ...,
"crisis": true|false, "stage": "..."}``, whether the lexicon agrees. ``stage`` is
optional; ``crisis`` defaults to false. Exit status 1 when any line disagrees.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vocabulary import lexicons as triage  # noqa: E402


def main(argv: list[str]) -> int:
    """Command line entry point."""
    if len(argv) != 2:
        print(__doc__)
        return 2
    directory, examples = Path(argv[0]), Path(argv[1])
    language = directory.name
    crisis = triage.load_lexicons(
        [triage.LEXICON_DIR / "crisis.yml", *directory.glob("crisis.yml")], "categories"
    )
    stages = triage.load_lexicons(
        [triage.LEXICON_DIR / "stages.yml", *directory.glob("stages.yml")], "stages"
    )
    wrong = 0
    total = 0
    for line in examples.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        total += 1
        text = row["text"]
        found_crisis = bool(triage._matching_groups(crisis, text, None))
        found_stages = triage._matching_groups(stages, text, (language,))
        problems = []
        if found_crisis != bool(row.get("crisis", False)):
            problems.append(f"crisis {found_crisis}, expected {bool(row.get('crisis', False))}")
        expected_stage = row.get("stage")
        if expected_stage and expected_stage not in ("crisis", "none") and expected_stage not in found_stages:
            problems.append(f"stages {sorted(found_stages)}, expected {expected_stage}")
        if expected_stage == "none" and found_stages:
            problems.append(f"stages {sorted(found_stages)}, expected none")
        if problems:
            wrong += 1
            print(f"{'; '.join(problems)}\n    {triage.normalise(text, language)}")
    print(f"{total - wrong}/{total} agree")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
