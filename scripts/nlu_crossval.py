"""NLU cross-validation with intent F1 per language.

Rasa's own `rasa test nlu --cross-validation` reports per intent, not per language. This
script does k-fold cross-validation on the same mixed-language data the live model trains
on: every fold trains the real pipeline (`rasa train nlu`) on the other folds and
predicts the held-out examples; the report groups them by the language folder they came
from (`data/nlu/<language>/`).

    .venv/bin/python scripts/nlu_crossval.py --folds 3 [--out var/results/nlu-cv]

It trains k models (about 2-3 minutes each on 2 cores), so it is not part of `make test`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
PROJECT = ROOT / "rasa_project"


def load_examples() -> list[tuple[str, str, str]]:
    """(language, intent, text) for every NLU example."""
    examples = []
    for path in sorted((PROJECT / "data" / "nlu").glob("*/*.yml")):
        language = path.parent.name
        for block in yaml.safe_load(path.read_text()).get("nlu", []):
            if "intent" not in block:
                continue
            for line in block["examples"].splitlines():
                text = line.strip().removeprefix("- ").strip()
                if text:
                    examples.append((language, block["intent"], text))
    return examples


def write_nlu(path: Path, examples: list[tuple[str, str, str]]) -> None:
    by_intent: dict[str, list[str]] = defaultdict(list)
    for _, intent, text in examples:
        by_intent[intent].append(text)
    blocks = [{"intent": i, "examples": "".join(f"- {t}\n" for t in texts)} for i, texts in by_intent.items()]
    path.write_text(yaml.safe_dump({"version": "3.1", "nlu": blocks}, allow_unicode=True, sort_keys=False))


def f1_by_intent(pairs: list[tuple[str, str]]) -> dict[str, float]:
    """Macro F1 over intents for (true, predicted) pairs."""
    labels = {t for t, _ in pairs}
    scores = {}
    for label in labels:
        tp = sum(1 for t, p in pairs if t == label and p == label)
        fp = sum(1 for t, p in pairs if t != label and p == label)
        fn = sum(1 for t, p in pairs if t == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "var" / "results" / "nlu-cv")
    args = parser.parse_args()

    import logging

    import structlog
    from rasa.core.agent import Agent

    # Unconfigured, Rasa's structlog prints every parsed message at debug level.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    examples = load_examples()
    random.Random(42).shuffle(examples)  # noqa: S311 (a reproducible split, not a secret)
    folds = [examples[i :: args.folds] for i in range(args.folds)]
    predictions: list[tuple[str, str, str, str]] = []  # language, intent, predicted, text
    rasa = str(Path(sys.executable).with_name("rasa"))
    for index, held_out in enumerate(folds):
        train = [e for j, fold in enumerate(folds) if j != index for e in fold]
        with tempfile.TemporaryDirectory() as tmp:
            nlu_file = Path(tmp) / "nlu.yml"
            write_nlu(nlu_file, train)
            print(
                f"fold {index + 1}/{args.folds}: training on {len(train)}, testing {len(held_out)}",
                flush=True,
            )
            subprocess.run(
                [rasa, "train", "nlu", "--config", str(PROJECT / "config.yml"), "--nlu", str(nlu_file),
                 "--out", tmp, "--fixed-model-name", "fold"],
                check=True, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            )  # fmt: skip
            agent = Agent.load(str(Path(tmp) / "fold.tar.gz"))
            loop = asyncio.new_event_loop()
            for language, intent, text in held_out:
                parsed = loop.run_until_complete(agent.parse_message(text))
                predictions.append((language, intent, parsed["intent"]["name"], text))
            loop.close()

    args.out.mkdir(parents=True, exist_ok=True)
    report: dict[str, dict[str, float]] = {}
    for language in sorted({p[0] for p in predictions}):
        pairs = [(t, p) for lang, t, p, _ in predictions if lang == language]
        scores = f1_by_intent(pairs)
        accuracy = sum(1 for t, p in pairs if t == p) / len(pairs)
        report[language] = {
            "examples": len(pairs),
            "accuracy": accuracy,
            "macro_f1": sum(scores.values()) / len(scores),
        }
        report[language]["crisis_recall"] = sum(1 for t, p in pairs if t == p == "crisis") / max(
            1, sum(1 for t, _ in pairs if t == "crisis")
        )
        print(
            f"{language}: {len(pairs)} examples, accuracy {accuracy:.3f}, "
            f"macro F1 {report[language]['macro_f1']:.3f}, "
            f"crisis recall {report[language]['crisis_recall']:.3f}"
        )
        worst = sorted(scores.items(), key=lambda item: item[1])[:5]
        print("   lowest F1:", ", ".join(f"{intent} {score:.2f}" for intent, score in worst))
    (args.out / "report.json").write_text(json.dumps(report, indent=2))
    errors = [
        {"language": lang, "intent": true, "predicted": pred, "text": text}
        for lang, true, pred, text in predictions
        if true != pred
    ]
    (args.out / "errors.json").write_text(json.dumps(errors, indent=2, ensure_ascii=False))
    print(f"report: {args.out / 'report.json'}; {len(errors)} errors in {args.out / 'errors.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
