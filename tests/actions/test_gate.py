"""The intent gate: out of scope without a word about rent, lexicon stages the model missed."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.gate import OUT_OF_SCOPE_INTENT, current_lexicon_stage, gate_intent
from actions.topic import about_rent, speaks_as_tenant
from vocabulary.stages import Stage

TODAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mijn kind is ziek vandaag", "report_locked_out"),
        ("ik ben bang van spinnen", "report_locked_out"),
        ("the heating is broken", "report_judgment"),
        ("restart", "report_judgment"),
        ("start", "report_formal_notice"),
        ("boję się ciemności", "report_eviction_date"),
    ],
)
def test_a_stage_intent_without_a_word_about_rent_is_out_of_scope(text: str, intent: str) -> None:
    assert gate_intent(text, intent, 1.0, TODAY) == (OUT_OF_SCOPE_INTENT, 1.0)


def test_the_models_crisis_is_never_gated_away() -> None:
    assert gate_intent("ik zie het niet meer zitten", "crisis", 0.9, TODAY) is None


@pytest.mark.parametrize(
    "text",
    [
        "kga mijn huur te laat betalen",
        "je ne peux plus payer mon loyer",
        "behind on rent",
        "kira borcum var",
        "لا أستطيع دفع الإيجار",
        "nie mam na czynsz",
        "nu pot plati chiria",
        "не можу сплатити оренду",
    ],
)
def test_words_about_rent_in_every_language(text: str) -> None:
    assert about_rent(text)
    assert gate_intent(text, "report_arrears", 0.9, TODAY) is None


def test_a_question_that_names_a_current_summons_is_triaged() -> None:
    gated = gate_intent(
        "wat gebeurt er op de zitting? ik heb een dagvaarding gekregen", "ask_hearing", 0.9, TODAY
    )
    assert gated is not None and gated[0] == "report_court"


def test_a_past_event_does_not_turn_a_greeting_into_a_stage() -> None:
    text = "Hallo. Mijn zus werd vorig jaar door de deurwaarder uit haar huis gezet."
    assert current_lexicon_stage(text, TODAY, "nl") is Stage.none
    assert gate_intent(text, "greet", 0.9, TODAY, "nl") is None


def test_form_answers_and_requests_are_never_replaced() -> None:
    for intent in ("affirm", "deny", "dont_know", "request_human", "inform_place"):
        assert gate_intent("ja, ik heb een dagvaarding gekregen", intent, 0.9, TODAY) is None


def test_an_ambiguous_story_about_rent_is_triaged_on_the_best_stage() -> None:
    ranking = [("report_arrears", 0.42), ("report_payment_worry", 0.38)]
    story = "Sinds de zomer is alles moeilijk met de huur en de rekeningen, wat moet ik doen"
    assert current_lexicon_stage(story, TODAY) is Stage.none  # else the lexicon decides
    assert gate_intent(story, "nlu_fallback", 0.5, TODAY, ranking=ranking) == ("report_arrears", 0.8)
    # Not about rent, or too unsure: the fallback stays.
    assert gate_intent("blabla bla", "nlu_fallback", 0.5, TODAY, ranking=ranking) is None
    weak = [("report_arrears", 0.2), ("greet", 0.19)]
    assert gate_intent(story, "nlu_fallback", 0.5, TODAY, ranking=weak) is None


def test_out_of_scope_with_words_about_rent_takes_the_models_best_stage() -> None:
    text = "تعطلت فالكرا ديال هاد الشهر"  # Moroccan: "I fell behind with this month's rent"
    ranking = [("out_of_scope", 0.9), ("report_arrears", 0.05), ("greet", 0.01)]
    assert gate_intent(text, "out_of_scope", 0.9, TODAY, ranking=ranking) == ("report_arrears", 0.8)
    assert gate_intent("ik ben bang van spinnen", "out_of_scope", 0.9, TODAY, ranking=ranking) is None


@pytest.mark.parametrize(
    ("text", "stage_intent"),
    [
        (
            "Ik huur al zes jaar een appartement. Gisteren bracht de deurwaarder een "
            "dagvaarding, ik moet volgende week donderdag naar de vrederechter.",
            "report_court",
        ),
        ("My landlord changed the locks and we are outside with the kids", "report_locked_out"),
    ],
)
def test_a_tenant_the_model_took_for_a_landlord_is_triaged(text: str, stage_intent: str) -> None:
    assert gate_intent(text, "landlord_tenant_not_paying", 0.88, TODAY) == (stage_intent, 0.8)


@pytest.mark.parametrize(
    "text",
    [
        "Mijn huurder betaalt al drie maanden niet, ik heb hem laten dagvaarden",
        "Je suis propriétaire, mon locataire ne paie plus et l'audience est demain",
        "I rent out a flat and my tenant has not paid, the court hearing is next week",
    ],
)
def test_a_landlords_own_question_stays_a_landlords(text: str) -> None:
    assert gate_intent(text, "landlord_tenant_not_paying", 0.9, TODAY) is None


def test_the_voice_of_the_writer() -> None:
    assert speaks_as_tenant("Ik huur al zes jaar een appartement")
    assert speaks_as_tenant("mon propriétaire ne répond plus")
    assert not speaks_as_tenant("mijn huurder betaalt niet, ik huur hem een studio")  # both: landlord wins
    assert not speaks_as_tenant("de huur is te hoog")
