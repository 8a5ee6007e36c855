"""Combining intent, lexicon, dates and known answers into one triage."""

from __future__ import annotations

import datetime as dt

from actions.assessment import assess
from actions.triage import Priority, Stage

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
    assert assess("hmm", TODAY, "report_judgment", 0.2, "nl").result.stage is Stage.none
    assert assess("hmm", TODAY, "report_judgment", 0.8, "nl").result.stage is Stage.judgment


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
