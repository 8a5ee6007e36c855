"""Every information question reaches a curated topic in all eight languages (issue 11)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from actions.content_store import get_info_topic
from actions.dialogue.information import INTENT_TOPICS
from actions.gate import REPLACEABLE_INTENTS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("nl", "fr", "en", "tr", "ar", "pl", "ro", "uk")
NEW_INTENTS = {
    "ask_rent_allowance": "rent_allowance",
    "ask_lease_end": "lease_end",
    "ask_appeal": "appeal",
    "ask_judge_decision": "judge_options",
    "ask_interpreter": "interpreter",
    "ask_after_eviction": "after_eviction",
    "ask_debt_help": "debt_help",
    "ask_talk_line": "tele_onthaal",
}


def _examples(language: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "rasa_project/data/nlu" / language).glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            if "intent" in block:
                lines = [line[2:].strip() for line in block["examples"].splitlines() if line.startswith("- ")]
                found.setdefault(block["intent"], []).extend(lines)
    return found


@pytest.mark.parametrize(("intent", "topic"), sorted(NEW_INTENTS.items()))
def test_new_question_has_its_topic_in_every_language(intent: str, topic: str) -> None:
    assert INTENT_TOPICS[intent] == (topic,)
    answer = get_info_topic(topic)
    for language in LANGUAGES:
        assert answer.text.get(language), (topic, language)
    assert intent in REPLACEABLE_INTENTS


def test_every_mapped_intent_is_in_the_domain_and_the_rule() -> None:
    domain = yaml.safe_load((ROOT / "rasa_project/domain/information.yml").read_text(encoding="utf-8"))
    rules = (ROOT / "rasa_project/data/rules/information.yml").read_text(encoding="utf-8")
    for intent in NEW_INTENTS:
        assert intent in domain["intents"]
        assert f"intent: {intent}\n" in rules


@pytest.mark.parametrize("language", LANGUAGES)
def test_new_intents_have_enough_examples(language: str) -> None:
    examples = _examples(language)
    least = 8 if language in ("nl", "fr", "en") else 3
    for intent in NEW_INTENTS:
        assert len(examples.get(intent, [])) >= least, (language, intent)


def test_moved_phrases_are_in_one_place() -> None:
    nl = _examples("nl")
    assert "mag ik een tolk meebrengen naar de zitting" in nl["ask_interpreter"]
    assert "kan ik uitstel krijgen van de uithuiszetting" in nl["ask_judge_decision"]
    assert "kan ik de zitting laten uitstellen" in nl["ask_hearing"]
    assert "ik wil verhuizen, hoe zeg ik mijn huurcontract op" in nl["ask_lease_end"]
    assert "wat is de vlaamse huurpremie" in nl["ask_rent_allowance"]
    every = [line for lines in nl.values() for line in lines]
    assert every.count("mag ik een tolk meebrengen naar de zitting") == 1
