"""The escalation rules of the human queue, without a database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.escalation import (
    CaseTriage,
    HandoffSignal,
    bot_unavailable_signal,
    crisis_signal,
    escalate,
    needs_emergency_numbers,
    new_case,
    priority_rank,
    queue_key,
)


def parse(**values: object) -> HandoffSignal:
    return HandoffSignal.parse(values)


def test_a_signal_is_normalised() -> None:
    signal = parse(
        priority="P2",
        stage="court",
        language="fr",
        intake={"arrears_months": 2, "children": None},
        flags=["children", 3],
        reasons=["summons"],
    )
    assert (signal.reason, signal.priority, signal.stage, signal.language) == (
        "requested",
        "P2",
        "court",
        "fr",
    )
    assert signal.answers == {"arrears_months": 2}  # unanswered questions are left out
    assert signal.flags == ("children", "3")
    missing = parse()
    assert (missing.priority, missing.stage, missing.language, missing.answers) == ("none", "none", None, {})


@pytest.mark.parametrize("field", ["priority", "stage"])
def test_an_unknown_priority_or_stage_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match=f"unknown {field}"):
        HandoffSignal.parse({field: "P9"})


def test_a_new_case_takes_the_conversation_language_when_the_signal_has_none() -> None:
    case = new_case(parse(priority="P3", flags=["a", "a", "b"]), "tr")
    assert (case.priority, case.language, case.flags) == ("P3", "tr", ("a", "b"))


def current(**values: object) -> CaseTriage:
    base: dict[str, object] = {
        "priority": "P2",
        "stage": "court",
        "reason": "triage",
        "language": "nl",
        "summary": {"arrears_months": 2},
        "flags": ("children",),
        "reasons": ("summons",),
    }
    return CaseTriage(**{**base, **values})  # type: ignore[arg-type]


def test_escalation_only_ever_raises_priority_and_stage() -> None:
    calmer = escalate(current(), parse(reason="requested", priority="P4", stage="arrears"))
    assert (calmer.priority, calmer.stage, calmer.reason) == ("P2", "court", "triage")
    urgent = escalate(current(), parse(reason="crisis", priority="S", stage="crisis"))
    assert (urgent.priority, urgent.stage, urgent.reason) == ("S", "crisis", "crisis")  # the reason says why


def test_escalation_merges_answers_flags_and_reasons() -> None:
    merged = escalate(
        current(),
        parse(priority="P3", intake={"children": 3, "arrears_months": None}, flags=["health", "children"]),
    )
    assert merged.summary == {"arrears_months": 2, "children": 3}
    assert merged.flags == ("children", "health")
    assert merged.reasons == ("summons",)
    assert merged.language == "nl"
    assert escalate(current(), parse(language="ar")).language == "ar"


def test_the_queue_order_is_priority_then_waiting_time_then_id() -> None:
    early = dt.datetime(2026, 1, 1, 9, tzinfo=dt.timezone.utc)
    late = early + dt.timedelta(minutes=5)
    cases = [("none", early, 1), ("P1", late, 2), ("S", late, 3), ("P1", early, 4), ("P1", early, 5)]
    assert [c[2] for c in sorted(cases, key=lambda c: queue_key(*c))] == [3, 4, 5, 2, 1]
    assert priority_rank("S") < priority_rank("P4") < priority_rank("none") < priority_rank("unknown")


def test_the_gateway_signals() -> None:
    assert HandoffSignal.parse(crisis_signal("nl")).priority == "S"
    assert HandoffSignal.parse(bot_unavailable_signal("nl", crisis=True)).stage == "crisis"
    calm = HandoffSignal.parse(bot_unavailable_signal("fr", crisis=False))
    assert (calm.priority, calm.stage, calm.bot_unavailable, calm.language) == ("none", "none", True, "fr")
    assert needs_emergency_numbers("S") and not needs_emergency_numbers("P1")
