"""Language-detection benchmark: our design against plain langdetect and lingua alone.

Usage: ``python scripts/lang_benchmark.py [FILE.jsonl ...]``. Without arguments it reads
``tests/data/lang_dev.jsonl`` (the tuning set) and, when present, ``tests/data/lang_heldout.jsonl``
(written by someone else; evaluated only, never tuned on).

Rows are JSON objects with ``text`` and ``language`` (ISO 639-1; a code outside the eight
candidates marks a language we do not support) and optionally ``"short": true`` for a short
reply that must never switch a conversation's language.

For each method it prints accuracy per language on all non-short rows, on rows of three
words or more, and the never-switch rate on short replies: the share of (short reply,
other current language) pairs where the conversation keeps its language. The baselines have
no stickiness of their own, so for them a reply "switches" whenever the detector's answer
differs from the current language. For unsupported-language rows our design is scored on
``unsupported_language`` and the others on their top answer. Message text is never printed.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory  # noqa: E402
from langdetect.lang_detect_exception import LangDetectException  # noqa: E402

from bot import language  # noqa: E402
from vocabulary.languages import ALL_LANGUAGES  # noqa: E402

DEFAULT_FILES = [ROOT / "tests/data/lang_dev.jsonl", ROOT / "tests/data/lang_heldout.jsonl"]

Detector = Callable[[str], "str | None"]


def _factory(codes: list[str]) -> DetectorFactory:
    factory = DetectorFactory()
    profiles = [(Path(PROFILES_DIRECTORY) / code).read_text(encoding="utf-8") for code in codes]
    factory.load_json_profile(profiles)
    factory.set_seed(0)
    return factory


def _langdetect(factory: DetectorFactory) -> Detector:
    def run(text: str) -> str | None:
        try:
            detector = factory.create()
            detector.append(text)
            return str(detector.detect())
        except LangDetectException:
            return None

    return run


def _lingua_alone() -> Detector:
    from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, code.upper())) for code in ALL_LANGUAGES]
    builder = LanguageDetectorBuilder.from_languages(*languages)
    detector: Any = builder.with_preloaded_language_models().build()

    def run(text: str) -> str | None:
        found = detector.detect_language_of(text)
        return None if found is None else str(found.iso_code_639_1.name.lower())

    return run


def _ours(text: str) -> str | None:
    other = language.unsupported_language(text)
    if other is not None:
        return other
    detected = language.detect(text)
    return None if detected is None else detected[0]


def _word_count(text: str) -> int:
    return len(text.split())


def _load(path: Path) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def evaluate(rows: list[dict[str, Any]], methods: dict[str, Detector]) -> dict[str, dict[str, Any]]:
    """Per method: per language [correct, total, correct >=3 words, total >=3 words]; short replies kept."""
    results: dict[str, dict[str, Any]] = {}
    for name, method in methods.items():
        per_language: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        kept = pairs = 0
        false_unsupported = switched = switch_pairs = 0
        started = time.perf_counter()
        calls = 0
        for row in rows:
            text, expected = row["text"], row["language"]
            if row.get("short"):
                for current in ALL_LANGUAGES:
                    if current == expected:
                        continue
                    pairs += 1
                    if name == "ours":
                        kept += language.choose_language_among(current, text, ALL_LANGUAGES) == current
                    else:
                        calls += 1
                        kept += method(text) in {None, current}
                continue
            calls += 1
            predicted = method(text)
            stats = per_language[expected]
            stats[1] += 1
            stats[0] += predicted == expected
            if _word_count(text) >= 3:
                stats[3] += 1
                stats[2] += predicted == expected
            if name == "ours" and expected in ALL_LANGUAGES:
                false_unsupported += language.unsupported_language(text) is not None
                if _word_count(text) >= 3:
                    # Would a conversation in another language switch to this one?
                    other = "fr" if expected == "nl" else "nl"
                    switch_pairs += 1
                    switched += language.choose_language_among(other, text, ALL_LANGUAGES) == expected
        results[name] = {
            "languages": dict(per_language),
            "kept": kept,
            "pairs": pairs,
            "false_unsupported": false_unsupported,
            "switched": switched,
            "switch_pairs": switch_pairs,
            "ms_per_call": (time.perf_counter() - started) * 1000 / max(calls, 1),
        }
    return results


def _percent(correct: int, total: int) -> str:
    return f"{100 * correct / total:5.1f}" if total else "    -"


def report(title: str, rows: list[dict[str, Any]], results: dict[str, dict[str, Any]]) -> None:
    """Print one table: languages down, methods across; all rows / rows of >=3 words."""
    methods = list(results)
    order = {code: index for index, code in enumerate(ALL_LANGUAGES)}
    codes = sorted(
        {row["language"] for row in rows if not row.get("short")},
        key=lambda code: (order.get(code, len(order)), code),
    )
    print(f"\n## {title}: {len(rows)} rows ({sum(1 for r in rows if r.get('short'))} short replies)")
    print("accuracy % on all rows / on rows of >=3 words\n")
    print("| lang | n | " + " | ".join(methods) + " |")
    print("|---|---|" + "---|" * len(methods))

    def line(label: str, selected: list[str]) -> None:
        cells = []
        count = 0
        for name in methods:
            stats = [results[name]["languages"].get(code, [0, 0, 0, 0]) for code in selected]
            total = [sum(s[i] for s in stats) for i in range(4)]
            count = total[1]
            cells.append(f"{_percent(total[0], total[1])} / {_percent(total[2], total[3])}")
        print(f"| {label} | {count} | " + " | ".join(cells) + " |")

    for code in codes:
        line(code, [code])
    line("**the 8**", [code for code in codes if code in ALL_LANGUAGES])
    unsupported = [code for code in codes if code not in ALL_LANGUAGES]
    if unsupported:
        line("unsupported", unsupported)
    kept = " | ".join(_percent(results[name]["kept"], results[name]["pairs"]) for name in methods)
    print(f"| never-switch on short replies | {results[methods[0]]['pairs']} pairs | {kept} |")
    speed = " | ".join(f"{results[name]['ms_per_call']:.2f}" for name in methods)
    print(f"| ms per message | | {speed} |")
    ours = results["ours"]
    print(f"\nours: 'unsupported' fired on {ours['false_unsupported']} rows in one of the 8;")
    print(
        f"ours: a conversation in another language switched on {ours['switched']}/{ours['switch_pairs']}"
        f" ({_percent(ours['switched'], ours['switch_pairs']).strip()}%) messages of >=3 words"
    )


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark on the given files (default: dev set and held-out set if present)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    args = parser.parse_args(argv)
    files = args.files or [path for path in DEFAULT_FILES if path.exists()]
    methods: dict[str, Detector] = {
        "ours": _ours,
        "langdetect (all 55)": _langdetect(_factory(sorted(os.listdir(PROFILES_DIRECTORY)))),
        "langdetect (the 8)": _langdetect(_factory(list(ALL_LANGUAGES))),
        "lingua (the 8)": _lingua_alone(),
    }
    # Warm up every detector so the timing does not include building them.
    for method in methods.values():
        method("warm up the detectors please")
    for path in files:
        rows = _load(path)
        report(path.name, rows, evaluate(rows, methods))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
