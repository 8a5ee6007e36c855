"""Each later language's lexicon agrees with the sentences its translator wrote for it.

tests/actions/data/lexicon_<lang>.jsonl: {"text", "crisis", "stage"} per line, written
with the patterns in vocabulary/lexicon/<lang>/ (not held out: a regression guard).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vocabulary.lexicons import detect_crisis, detect_signals
from vocabulary.stages import Stage

DATA = Path(__file__).with_name("data")
ROWS = [
    pytest.param(row, id=f"{path.stem}-{index}")
    for path in sorted(DATA.glob("lexicon_*.jsonl"))
    for index, row in enumerate(
        json.loads(line) | {"language": path.stem.split("_", 1)[1]}
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    )
]


def test_every_later_language_has_examples() -> None:
    assert {p.stem.split("_", 1)[1] for p in DATA.glob("lexicon_*.jsonl")} == {"tr", "ar", "pl", "ro", "uk"}


@pytest.mark.parametrize("row", ROWS)
def test_lexicon_example(row: dict[str, object]) -> None:
    text = str(row["text"])
    assert detect_crisis(text) is bool(row.get("crisis", False))
    stage = row.get("stage")
    if stage and stage not in ("crisis", "none"):
        assert Stage(stage) in detect_signals(text, str(row["language"]))
