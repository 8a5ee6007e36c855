"""Combining intent, lexicon, dates and known answers into one triage."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.assessment import assess
from vocabulary.stages import Priority, Stage

TODAY = dt.date(2026, 11, 25)  # a Wednesday


def test_summons_for_next_tuesday_is_court_p1_with_the_date() -> None:
    result = assess("ik heb een dagvaarding voor volgende week dinsdag", TODAY, "report_court", 0.95, "nl")
    assert result.result.stage is Stage.court
    assert result.result.priority is Priority.P1
    assert result.date_slots == {"hearing_date": "2026-12-01"}
    assert result.result.days_to_hearing == 6


def test_a_hearing_beyond_two_weeks_stays_p2() -> None:
    result = assess("zitting bij de vrederechter op 14/01", TODAY, "report_court", 0.9, "nl")
    assert (result.result.stage, result.result.priority) == (Stage.court, Priority.P2)
    assert result.date_slots == {"hearing_date": "2027-01-14"}


def test_low_confidence_intent_alone_sets_no_stage() -> None:
    assert assess("hmm", TODAY, "report_court", 0.2, "nl").result.stage is Stage.none
    assert assess("hmm", TODAY, "report_court", 0.8, "nl").result.stage is Stage.court


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("mijn kind is ziek vandaag", "report_locked_out"),
        ("ik ben bang van spinnen", "report_locked_out"),
        ("the heating is broken", "report_judgment"),
        ("restart", "report_judgment"),
        ("De helft van mijn huis is beschimmeld", "crisis"),
        ("boję się ciemności", "crisis"),
        ("ik moet weg", "report_eviction_date"),
    ],
)
def test_the_model_alone_never_makes_a_case_s_or_p1(text: str, intent: str) -> None:
    result = assess(text, TODAY, intent, 1.0, None)
    assert result.result.priority not in (Priority.S, Priority.P1)
    assert not result.crisis
    # The bot asks a confirming question about the stage the model saw.
    assert result.unconfirmed is assess_stage(intent)


def assess_stage(intent: str) -> Stage:
    from actions.assessment import INTENT_STAGES

    return INTENT_STAGES[intent]


@pytest.mark.parametrize(
    ("text", "intent", "stage"),
    [
        ("ik heb een vonnis gekregen van de vrederechter, ik moet eruit", "report_judgment", Stage.judgment),
        (
            "de deurwaarder komt ons op 3 december uit huis zetten",
            "report_eviction_date",
            Stage.eviction_scheduled,
        ),
        ("the landlord changed the locks, all my stuff is outside", "report_locked_out", Stage.locked_out),
        ("ik wil niet meer leven", "crisis", Stage.crisis),
    ],
)
def test_a_cue_lets_the_models_urgent_stage_stand(text: str, intent: str, stage: Stage) -> None:
    result = assess(text, TODAY, intent, 0.95, None)
    assert result.result.stage is stage
    assert result.unconfirmed is None


def test_a_confirmed_answer_is_the_cue() -> None:
    known = {"confirm_stage": "judgment", "stage_confirmed": True}
    result = assess("", TODAY, None, 0.0, "nl", known)
    assert (result.result.stage, result.result.priority) == (Stage.judgment, Priority.P1)
    denied = assess("", TODAY, None, 0.0, "nl", {"confirm_stage": "judgment", "stage_confirmed": False})
    assert denied.result.stage is Stage.none


def test_the_unconfirmed_stage_keeps_what_the_evidence_supports() -> None:
    text = "ik heb 3 maanden huurachterstand en nu wil hij me eruit"
    result = assess(text, TODAY, "report_judgment", 0.97, "nl")
    assert result.unconfirmed is Stage.judgment
    assert result.result.stage is Stage.arrears
    assert result.result.priority is Priority.P3


def test_a_past_event_in_a_story_is_not_the_current_stage() -> None:
    text = (
        "Mijn zus is vorig jaar door de deurwaarder uit haar huis gezet. "
        "Nu heb ik zelf twee maanden huurachterstand en ik ben bang."
    )
    result = assess(text, TODAY, "report_arrears", 0.9, "nl")
    assert result.result.stage is Stage.arrears
    assert result.result.priority is Priority.P3


def test_a_date_belongs_to_its_own_sentence() -> None:
    text = (
        "In 2023 kreeg ik al eens een dagvaarding, die zitting was op 14 maart. "
        "Nu kreeg ik een nieuwe dagvaarding, de zitting is op 1 december."
    )
    result = assess(text, TODAY, "report_court", 0.95, "nl")
    assert result.date_slots == {"hearing_date": "2026-12-01"}
    assert result.result.priority is Priority.P1


def test_crisis_wins_from_the_lexicon_even_if_the_model_says_otherwise() -> None:
    result = assess("ik wil niet meer leven, ze zetten me buiten", TODAY, "report_eviction_date", 0.9, "nl")
    assert result.crisis
    assert (result.result.stage, result.result.priority) == (Stage.crisis, Priority.S)


def test_what_was_known_keeps_counting() -> None:
    known = {"stage": "court", "hearing_date": "2026-12-03", "children": True}
    result = assess("", TODAY, None, 0.0, "nl", known)
    assert (result.result.stage, result.result.priority) == (Stage.court, Priority.P1)
    assert "children" in result.result.flags


def test_arrears_in_the_first_message_count() -> None:
    result = assess("ik heb 3 maanden huurachterstand", TODAY, "report_arrears", 0.9, "nl")
    assert result.arrears_months == 3.0
    assert result.result.priority is Priority.P3
    one_month = assess("ik ben 1 maand achter met de huur", TODAY, "report_arrears", 0.9, "nl")
    assert one_month.result.priority is Priority.P4


def test_eviction_date_without_a_keyword_belongs_to_the_eviction_stage() -> None:
    result = assess("ze komen ons op 3 december buitenzetten", TODAY, "report_eviction_date", 0.9, "nl")
    assert result.date_slots.get("eviction_date") == "2026-12-03"
    assert result.result.priority is Priority.P1


def test_greeting_is_no_risk() -> None:
    result = assess("hallo", TODAY, "greet", 0.99, "nl")
    assert (result.result.stage, result.result.priority) == (Stage.none, Priority.none)
    assert result.to_dict()["crisis"] is False
