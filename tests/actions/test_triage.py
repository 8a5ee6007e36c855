"""Unit tests for actions.triage: the brief's priority rules and the lexicon safety net."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from actions import triage as triage_module
from actions.triage import (
    LEXICON_DIR,
    LexiconError,
    Priority,
    Stage,
    TriageInput,
    TriageResult,
    add_months,
    crisis_categories,
    detect_crisis,
    detect_signals,
    highest_priority,
    load_lexicon,
    most_urgent_stage,
    normalise,
    triage,
)

TODAY = datetime.date(2026, 11, 25)  # a Wednesday


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def run(**kwargs: object) -> TriageResult:
    return triage(TriageInput(today=TODAY, **kwargs))  # type: ignore[arg-type]


# ------------------------------------------------------------------ enums and order


def test_stage_order_is_by_urgency() -> None:
    expected = [
        "crisis",
        "locked_out",
        "eviction_scheduled",
        "judgment",
        "court",
        "formal_notice",
        "arrears",
        "payment_worry",
        "none",
    ]
    assert [s.value for s in sorted(Stage, key=lambda s: -s.urgency)] == expected
    assert Stage.crisis.urgency > Stage.locked_out.urgency > Stage.none.urgency == 0


def test_priority_order() -> None:
    assert [p.value for p in sorted(Priority, key=lambda p: -p.rank)] == ["S", "P1", "P2", "P3", "P4", "none"]
    assert Priority.none.rank == 0


def test_enums_are_strings() -> None:
    assert Stage.court == "court"
    assert Priority.P1 == "P1"
    assert json.dumps({"p": Priority.S}) == '{"p": "S"}'


def test_most_urgent_and_highest_helpers() -> None:
    assert most_urgent_stage([Stage.arrears, Stage.judgment, Stage.court]) is Stage.judgment
    assert most_urgent_stage([]) is Stage.none
    assert highest_priority([Priority.P4, Priority.P2, Priority.none]) is Priority.P2
    assert highest_priority([]) is Priority.none


# --------------------------------------------------------------- single-stage rules


@pytest.mark.parametrize(
    ("stage", "priority"),
    [
        (Stage.crisis, Priority.S),
        (Stage.locked_out, Priority.P1),
        (Stage.eviction_scheduled, Priority.P1),
        (Stage.judgment, Priority.P1),
        (Stage.court, Priority.P2),
        (Stage.formal_notice, Priority.P3),
        (Stage.arrears, Priority.P4),  # unknown amount
        (Stage.payment_worry, Priority.P4),
        (Stage.none, Priority.none),
    ],
)
def test_each_stage_maps_to_its_priority(stage: Stage, priority: Priority) -> None:
    result = run(signals={stage})
    assert result.priority is priority
    assert result.stage is stage


def test_no_signals_at_all_is_none() -> None:
    result = run()
    assert (result.stage, result.priority, result.reasons, result.flags) == (
        Stage.none,
        Priority.none,
        [],
        [],
    )
    assert not result.needs_human


@pytest.mark.parametrize("stage", ["crisis", "locked_out", "judgment", "court"])
def test_signals_may_be_strings(stage: str) -> None:
    assert run(signals=[stage]).stage is Stage(stage)


def test_unknown_signal_fails_fast() -> None:
    with pytest.raises(ValueError, match="evicted"):
        TriageInput(today=TODAY, signals={"evicted"})


def test_none_signal_next_to_a_real_one_is_ignored() -> None:
    result = run(signals={Stage.none, Stage.arrears})
    assert result.stage is Stage.arrears
    assert "signal_none" not in result.reasons


# ------------------------------------------------------------------- date boundaries


@pytest.mark.parametrize(
    ("offset", "priority"),
    [
        (0, Priority.P1),
        (1, Priority.P1),
        (13, Priority.P1),
        (14, Priority.P1),
        (15, Priority.P2),
        (60, Priority.P2),
    ],
)
def test_court_hearing_window(offset: int, priority: Priority) -> None:
    result = run(signals={Stage.court}, hearing_date=days(offset))
    assert result.priority is priority
    assert result.days_to_hearing == offset
    assert ("hearing_within_14_days" in result.reasons) is (priority is Priority.P1)


def test_hearing_yesterday_is_not_urgent_by_itself() -> None:
    result = run(signals={Stage.court}, hearing_date=days(-1))
    assert result.priority is Priority.P2  # the court signal, not the date
    assert result.days_to_hearing == -1
    assert "hearing_date_in_past" in result.reasons
    assert "hearing_within_14_days" not in result.reasons


def test_past_hearing_alone_implies_nothing() -> None:
    result = run(hearing_date=days(-1))
    assert (result.stage, result.priority) == (Stage.none, Priority.none)
    assert result.reasons == ["hearing_date_in_past"]


def test_hearing_date_implies_court_stage() -> None:
    result = run(hearing_date=days(30))
    assert (result.stage, result.priority) == (Stage.court, Priority.P2)
    assert "hearing_date_implies_court" in result.reasons


def test_hearing_within_14_days_is_p1_even_without_a_court_signal() -> None:
    result = run(signals={Stage.arrears}, hearing_date=days(10))
    assert (result.stage, result.priority) == (Stage.court, Priority.P1)


@pytest.mark.parametrize(("offset", "urgent"), [(0, True), (14, True), (15, False), (90, False)])
def test_eviction_date_window(offset: int, urgent: bool) -> None:
    result = run(eviction_date=days(offset))
    assert result.stage is Stage.eviction_scheduled  # implied by the date
    assert result.priority is Priority.P1  # eviction_scheduled is P1 anyway
    assert ("eviction_within_14_days" in result.reasons) is urgent
    assert result.days_to_eviction == offset


def test_eviction_within_14_days_raises_a_lower_stage_to_p1() -> None:
    result = run(signals={Stage.formal_notice}, eviction_date=days(5))
    assert result.priority is Priority.P1
    assert result.stage is Stage.eviction_scheduled


def test_eviction_date_in_the_past_is_not_urgent_by_itself() -> None:
    result = run(signals={Stage.arrears}, arrears_months=1, eviction_date=days(-3))
    assert (result.stage, result.priority) == (Stage.arrears, Priority.P4)
    assert "eviction_date_in_past" in result.reasons
    assert result.days_to_eviction == -3


def test_judgment_served_date_implies_judgment_and_earliest_eviction() -> None:
    result = run(judgment_served_date=datetime.date(2026, 11, 3))
    assert (result.stage, result.priority) == (Stage.judgment, Priority.P1)
    assert result.earliest_eviction_date == datetime.date(2026, 12, 3)
    assert "judgment_served_implies_judgment" in result.reasons


def test_earliest_eviction_clamps_to_month_end() -> None:
    result = run(judgment_served_date=datetime.date(2027, 1, 31))
    assert result.earliest_eviction_date == datetime.date(2027, 2, 28)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (datetime.date(2026, 11, 25), 1, datetime.date(2026, 12, 25)),
        (datetime.date(2026, 12, 15), 1, datetime.date(2027, 1, 15)),
        (datetime.date(2027, 1, 31), 1, datetime.date(2027, 2, 28)),
        (datetime.date(2028, 1, 31), 1, datetime.date(2028, 2, 29)),
        (datetime.date(2026, 3, 31), -1, datetime.date(2026, 2, 28)),
        (datetime.date(2026, 5, 31), 13, datetime.date(2027, 6, 30)),
    ],
)
def test_add_months(day: datetime.date, months: int, expected: datetime.date) -> None:
    assert add_months(day, months) == expected


# ------------------------------------------------------------------------- arrears


@pytest.mark.parametrize(
    ("months", "priority", "reason"),
    [
        (None, Priority.P4, "arrears_unknown"),
        (0.5, Priority.P4, "arrears_under_2_months"),
        (1.99, Priority.P4, "arrears_under_2_months"),
        (2, Priority.P3, "arrears_2_months_or_more"),
        (2.0, Priority.P3, "arrears_2_months_or_more"),
        (6, Priority.P3, "arrears_2_months_or_more"),
    ],
)
def test_arrears_threshold(months: float | None, priority: Priority, reason: str) -> None:
    result = run(signals={Stage.arrears}, arrears_months=months)
    assert result.priority is priority
    assert reason in result.reasons


def test_arrears_euros_are_converted_to_months() -> None:
    result = run(signals={Stage.arrears}, arrears_euros=1500, monthly_rent=750)
    assert result.arrears_months == 2.0
    assert result.priority is Priority.P3
    assert "arrears_months_from_euros" in result.reasons


def test_arrears_euros_just_under_two_months() -> None:
    result = run(signals={Stage.arrears}, arrears_euros=1499, monthly_rent=750)
    assert result.arrears_months == pytest.approx(2.0, abs=0.01)
    result = run(signals={Stage.arrears}, arrears_euros=1400, monthly_rent=750)
    assert result.arrears_months == pytest.approx(1.87)
    assert result.priority is Priority.P4


def test_arrears_euros_without_rent_stay_unknown() -> None:
    result = run(signals={Stage.arrears}, arrears_euros=1500)
    assert result.arrears_months is None
    assert result.priority is Priority.P4
    assert "arrears_unknown" in result.reasons


@pytest.mark.parametrize("rent", [0, -750, float("nan"), float("inf"), None])
def test_unusable_rent_is_ignored(rent: float | None) -> None:
    result = run(signals={Stage.arrears}, arrears_euros=1500, monthly_rent=rent)
    assert result.arrears_months is None


@pytest.mark.parametrize("months", [float("nan"), -1, float("inf")])
def test_unusable_month_counts_are_unknown(months: float) -> None:
    assert run(signals={Stage.arrears}, arrears_months=months).arrears_months is None


def test_higher_of_months_and_euros_wins() -> None:
    result = run(signals={Stage.arrears}, arrears_months=1, arrears_euros=2250, monthly_rent=750)
    assert result.arrears_months == 3.0
    assert result.priority is Priority.P3
    result = run(signals={Stage.arrears}, arrears_months=3, arrears_euros=750, monthly_rent=750)
    assert result.arrears_months == 3
    assert "arrears_months_from_euros" not in result.reasons


def test_known_arrears_amount_implies_arrears_stage() -> None:
    result = run(arrears_months=2.5)
    assert (result.stage, result.priority) == (Stage.arrears, Priority.P3)
    assert "arrears_amount_implies_arrears" in result.reasons


def test_zero_arrears_implies_nothing() -> None:
    assert run(arrears_months=0).stage is Stage.none


def test_payment_worry_with_big_arrears_is_p3() -> None:
    result = run(signals={Stage.payment_worry}, arrears_months=3)
    assert result.priority is Priority.P3
    assert result.stage is Stage.arrears


# -------------------------------------------------------------------- multi-signal


@pytest.mark.parametrize(
    ("signals", "stage", "priority"),
    [
        ({Stage.arrears, Stage.court}, Stage.court, Priority.P2),
        ({Stage.formal_notice, Stage.payment_worry}, Stage.formal_notice, Priority.P3),
        ({Stage.judgment, Stage.court, Stage.arrears}, Stage.judgment, Priority.P1),
        ({Stage.locked_out, Stage.eviction_scheduled}, Stage.locked_out, Priority.P1),
        ({Stage.crisis, Stage.arrears}, Stage.crisis, Priority.S),
        ({Stage.crisis, Stage.locked_out, Stage.judgment}, Stage.crisis, Priority.S),
        ({Stage.payment_worry, Stage.none}, Stage.payment_worry, Priority.P4),
    ],
)
def test_most_urgent_signal_wins(signals: set[Stage], stage: Stage, priority: Priority) -> None:
    result = run(signals=signals)
    assert (result.stage, result.priority) == (stage, priority)


def test_crisis_stays_s_with_an_urgent_hearing() -> None:
    result = run(signals={Stage.crisis, Stage.court}, hearing_date=days(3))
    assert (result.stage, result.priority) == (Stage.crisis, Priority.S)
    assert "hearing_within_14_days" in result.reasons


def test_reasons_list_signals_most_urgent_first() -> None:
    result = run(signals={Stage.arrears, Stage.court, Stage.judgment}, arrears_months=3)
    assert result.reasons[:3] == ["signal_judgment", "signal_court", "signal_arrears"]


# --------------------------------------------------------------------------- flags


def test_flags_are_listed() -> None:
    result = run(signals={Stage.arrears}, children=True, health=False, income_loss=True)
    assert result.flags == ["children", "income_loss"]


def test_unknown_flags_are_not_listed() -> None:
    assert run(children=None, health=None, income_loss=None).flags == []


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("hearing", [None, -1, 3, 20])
def test_flags_never_change_a_priority(stage: Stage, hearing: int | None) -> None:
    hearing_date = days(hearing) if hearing is not None else None
    plain = run(signals={stage}, hearing_date=hearing_date)
    flagged = run(signals={stage}, hearing_date=hearing_date, children=True, health=True, income_loss=True)
    assert flagged.priority is plain.priority
    assert flagged.stage is plain.stage
    assert flagged.flags == ["children", "health", "income_loss"]


# ------------------------------------------------------------------------- output


@pytest.mark.parametrize(
    ("signals", "needs_human"),
    [({Stage.crisis}, True), ({Stage.locked_out}, True), ({Stage.court}, False), (set(), False)],
)
def test_needs_human_for_s_and_p1(signals: set[Stage], needs_human: bool) -> None:
    assert run(signals=signals).needs_human is needs_human


def test_to_dict_is_json_ready() -> None:
    result = run(
        signals={"court"},
        hearing_date=days(7),
        judgment_served_date=datetime.date(2026, 11, 3),
        arrears_euros=1600,
        monthly_rent=800,
        children=True,
    )
    data = json.loads(json.dumps(result.to_dict()))
    assert data == {
        "stage": "judgment",
        "priority": "P1",
        "reasons": [
            "signal_court",
            "hearing_within_14_days",
            "judgment_served_implies_judgment",
            "arrears_months_from_euros",
            "arrears_amount_implies_arrears",
            "arrears_2_months_or_more",
        ],
        "flags": ["children"],
        "days_to_hearing": 7,
        "days_to_eviction": None,
        "arrears_months": 2.0,
        "earliest_eviction_date": "2026-12-03",
        "needs_human": True,
    }


def test_triage_is_deterministic() -> None:
    inp = TriageInput(
        today=TODAY, signals={Stage.arrears, Stage.court}, hearing_date=days(20), arrears_months=3
    )
    assert triage(inp).to_dict() == triage(inp).to_dict()


# ------------------------------------------------------------------ normalisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ik WIL dooood!!!", "ik wil dood"),
        ("kga da ni doen", "ik ga dat niet doen"),
        ("kzie 't nie meer zitten", "ik zie het niet meer zitten"),
        ("m'n man", "mijn man"),
        ("Je suis épuisée, l'huissier", "je suis epuisee l huissier"),
        ("I'm sure he's ok, I don't know, I can't", "i am sure he is ok i do not know i cannot"),
        ("im gonna kill myself", "i am going to kill myself"),
        ("wa is da", "wat is dat"),
        ("suïcidaal", "suicidaal"),
        ("", ""),
    ],
)
def test_normalise(text: str, expected: str) -> None:
    assert normalise(text) == expected


# ------------------------------------------------------------- crisis: positives

CRISIS_NL = [
    "ik wil dood",
    "kwil dood",
    "ik wil gewoon dood",
    "ik wil dooood",
    "IK WIL DOOD!!!",
    "ik wil liever dood dan op straat",
    "ik zie het niet meer zitten",
    "ik zie het echt niet meer zitten",
    "kzie t ni meer zitte",
    "'k zie het nie meer zitten",
    "ik wil er een einde aan maken",
    "kga er een eind aan maken",
    "ik denk erover om er een einde aan te maken",
    "ik wil een einde aan mijn leven maken",
    "ik wil niet meer leven",
    "ik wil ni meer leve",
    "ik wil zo niet meer verder leven",
    "zelfmoord",
    "ik pleeg zelfmoord",
    "ik denk aan zelfmoord",
    "ik heb zelfmoordgedachten",
    "ik denk aan zelfmoort",
    "ik ga zelf moord plegen",
    "ik ben suïcidaal",
    "ik ga mezelf iets aandoen",
    "kga mezelf iets aan doen",
    "ik ga mijn eigen iets aandoen",
    "ik wil mezelf van kant maken",
    "ik ga me ophangen",
    "ik wil voor de trein springen",
    "ik ga al mijn pillen innemen",
    "ik wil slapen en nooit meer wakker worden",
    "iedereen is beter af zonder mij",
    "ik wil er niet meer zijn",
    "het leven heeft geen zin meer",
    "ik zie geen uitweg meer",
    "ik wil sterven",
    "ik wil gewoon verdwijnen",
    "kheb zin om er een eind aan te maken",
    "ik wil dood, de deurwaarder komt morgen",
    "mijn man slaat mij",
    "hij slaat me",
    "ik word geslagen",
    "ik word thuis mishandeld",
    "huiselijk geweld",
    "hij bedreigt me met een mes",
    "hij heeft me gisteren geslagen",
    "mijn ex bedreigt mij met de dood",
    "hij gaat me vermoorden",
    "mijn vriend slaat de kinderen",
    "ik ben in gevaar",
    "we zijn in gevaar",
    "ik voel me niet veilig thuis",
    "ik ben bang dat hij me iets aandoet",
    "help hij staat aan de deur met een mes",
]

CRISIS_FR = [
    "je veux mourir",
    "j'ai envie de mourir",
    "je voudrais mourir",
    "jveux mourrir",
    "je veux mouriiiir",
    "je vais me suicider",
    "je pense au suicide",
    "je suis suicidaire",
    "en finir",
    "je veux en finir",
    "je veux en finir avec la vie",
    "je vais en finir avec ma vie",
    "je vais mettre fin à mes jours",
    "je ne veux plus vivre",
    "j'ai plus envie de vivre",
    "je n'ai aucune raison de vivre",
    "la vie n'a plus de sens",
    "je vais me tuer",
    "j'ai envie de me tuer",
    "je vais me foutre en l'air",
    "je veux me jeter sous un train",
    "je vais me pendre",
    "je veux disparaître",
    "j'ai des idées noires",
    "j'ai des pensées suicidaires",
    "je vais avaler tous mes médicaments",
    "je veux ne plus me réveiller",
    "je veux plus être là",
    "je n'en peux plus de vivre comme ça",
    "je vais me faire du mal",
    "il me frappe",
    "mon mari me frappe",
    "mon copain me bat",
    "il m'a frappée",
    "je suis battue",
    "je me fais frapper",
    "il frappe les enfants",
    "violence conjugale",
    "violences conjugales",
    "violence domestique",
    "il me menace avec un couteau",
    "il m'a menacée de mort",
    "il va me tuer",
    "j'ai peur qu'il me tue",
    "je suis en danger",
    "nous sommes en danger",
    "je ne me sens pas en sécurité",
    "je ne suis pas en sécurité chez moi",
    "mes enfants sont en danger",
]

CRISIS_EN = [
    "I want to die",
    "i wanna die",
    "I just want to die",
    "I wish I could die",
    "I waaaant to diiie",
    "I'm going to kill myself",
    "im gonna kill myself",
    "kms",
    "I want to end it all",
    "I'm going to end my life",
    "I want to take my own life",
    "suicide",
    "I'm suicidal",
    "I have suicidal thoughts",
    "there is no reason to live",
    "no point in living",
    "I don't want to live anymore",
    "I dont want to be alive",
    "everyone would be better off without me",
    "I'm better off dead",
    "I want to hurt myself",
    "I've been self-harming",
    "life is not worth living",
    "I wish I was dead",
    "I want to disappear",
    "I'm going to hang myself",
    "I'm going to jump off a bridge",
    "I'll take all my pills",
    "I want to sleep and never wake up",
    "he hits me",
    "my partner beats me",
    "my husband hit me last night",
    "he has been hitting me",
    "I'm being abused",
    "domestic violence",
    "domestic abuse at home",
    "he threatened me with a knife",
    "he's going to kill me",
    "he threatened to kill me",
    "I'm afraid he will hurt me",
    "my boyfriend choked me",
    "I am not safe",
    "I'm not safe at home",
    "I don't feel safe",
    "I'm in danger",
    "my kids are in danger",
]


@pytest.mark.parametrize("text", CRISIS_NL)
def test_crisis_dutch(text: str) -> None:
    assert detect_crisis(text), normalise(text)


@pytest.mark.parametrize("text", CRISIS_FR)
def test_crisis_french(text: str) -> None:
    assert detect_crisis(text), normalise(text)


@pytest.mark.parametrize("text", CRISIS_EN)
def test_crisis_english(text: str) -> None:
    assert detect_crisis(text), normalise(text)


def test_enough_crisis_phrasings_per_language() -> None:
    assert min(len(CRISIS_NL), len(CRISIS_FR), len(CRISIS_EN)) >= 40


@pytest.mark.parametrize("text", ["ik wil dood", "je veux mourir", "I want to die"])
def test_crisis_is_language_independent_in_detect_signals(text: str) -> None:
    for language in (None, "nl", "fr", "en"):
        assert Stage.crisis in detect_signals(text, language)


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ik wil dood", "suicide"),
        ("hij slaat me", "violence"),
        ("je suis en danger", "danger"),
        ("domestic violence", "violence"),
    ],
)
def test_crisis_categories(text: str, category: str) -> None:
    assert category in crisis_categories(text)


def test_crisis_inside_a_long_rent_message() -> None:
    text = (
        "Goeiedag, ik heb een aangetekende brief gekregen van mijn huisbaas over 3 maanden "
        "huurachterstand en de zitting is op 14/01. Ik weet het niet meer, kzie het ni meer "
        "zitten en ik wil er een einde aan maken. Wat moet ik doen?"
    )
    signals = detect_signals(text, "nl")
    assert Stage.crisis in signals
    assert {Stage.formal_notice, Stage.arrears, Stage.court} <= signals


# ------------------------------------------------------------- crisis: negatives

NOT_CRISIS = [
    "we slapen vanavond op straat met de kinderen",
    "ik ben doodmoe van die brieven",
    "mijn huisbaas slaat alarm",
    "dat is dood simpel",
    "ik wil dood simpel uitgelegd krijgen wat een vonnis is",
    "de verwarming is dood",
    "de batterij van mijn gsm is dood",
    "killing time until the hearing",
    "I'm dying to know what the judge said",
    "mort de rire",
    "je suis mort de fatigue",
    "the deadline is next week",
    "I need the deadline extended",
    "ik heb 2 maanden huurachterstand",
    "kga mijn huur te laat betalen, is da erg",
    "de deurwaarder komt morgen",
    "mijn huisbaas wil een einde maken aan het huurcontract",
    "je veux en finir avec ce problème de loyer",
    "on veut en finir avec cette dette",
    "he kicked me out of the flat",
    "the rent increase hits me hard",
    "I got hit with a late fee",
    "I feel safe now, thank you",
    "this rent is killing me",
    "ik heb een brief gekregen van de vrederechter",
    "mon propriétaire me menace de m'expulser",
    "le loyer me tue",
    "ça me frappe que le loyer augmente encore",
    "quelqu'un a frappé à la porte",
    "the bailiff knocked on my door",
    "de verhuurder dreigt met een advocaat",
    "my landlord threatened to evict me",
    "ik zie het wel zitten",
    "ik zie het niet zitten om naar de rechtbank te gaan",
    "hij slaat de deur dicht",
    "ik ben dood op na het werk",
    "a dead simple question",
    "hallo, ik heb een vraag over mijn huurwaarborg",
    "bonjour, j'ai reçu une lettre recommandée",
    "the hearing is on Jan 14",
]


@pytest.mark.parametrize("text", NOT_CRISIS)
def test_not_crisis(text: str) -> None:
    assert not detect_crisis(text), (normalise(text), crisis_categories(text))


def test_enough_negative_phrasings() -> None:
    assert len(NOT_CRISIS) >= 30


def test_sleeping_rough_tonight_is_locked_out_not_crisis() -> None:
    assert detect_signals("we slapen vanavond op straat met de kinderen") == {Stage.locked_out}


# ---------------------------------------------------------------- stage lexicon


STAGE_PHRASES: list[tuple[str, str | None, Stage]] = [
    # locked_out
    ("ze hebben het slot vervangen", "nl", Stage.locked_out),
    ("de sloten zijn veranderd", "nl", Stage.locked_out),
    ("ik ben buitengezet", "nl", Stage.locked_out),
    ("we staan op straat", "nl", Stage.locked_out),
    ("mijn spullen staan buiten", "nl", Stage.locked_out),
    ("ik kan niet meer binnen", "nl", Stage.locked_out),
    ("serrure changée", "fr", Stage.locked_out),
    ("il a changé la serrure", "fr", Stage.locked_out),
    ("je suis à la rue", "fr", Stage.locked_out),
    ("locks changed", "en", Stage.locked_out),
    ("my landlord changed the locks", "en", Stage.locked_out),
    ("my landlord kicked me out", "en", Stage.locked_out),
    ("we are sleeping in the car", "en", Stage.locked_out),
    # eviction_scheduled
    ("de deurwaarder komt", "nl", Stage.eviction_scheduled),
    ("de deurwaarder komt volgende week", "nl", Stage.eviction_scheduled),
    ("wat is de datum van uithuiszetting", "nl", Stage.eviction_scheduled),
    ("de uithuiszetting is op 3 december", "nl", Stage.eviction_scheduled),
    ("l'huissier vient demain", "fr", Stage.eviction_scheduled),
    ("expulsion le 3 décembre", "fr", Stage.eviction_scheduled),
    ("the bailiff is coming", "en", Stage.eviction_scheduled),
    ("the eviction is scheduled for Friday", "en", Stage.eviction_scheduled),
    # judgment
    ("ik heb het vonnis gekregen", "nl", Stage.judgment),
    ("de vrederechter heeft beslist dat ik weg moet", "nl", Stage.judgment),
    ("le jugement est tombé", "fr", Stage.judgment),
    ("le juge a décidé", "fr", Stage.judgment),
    ("I got the judgment", "en", Stage.judgment),
    ("the court ruled against me", "en", Stage.judgment),
    # court
    ("ik kreeg een dagvaarding", "nl", Stage.court),
    ("er is een verzoekschrift ingediend", "nl", Stage.court),
    ("wanneer is de zitting", "nl", Stage.court),
    ("ik moet naar het vredegerecht", "nl", Stage.court),
    ("j'ai reçu une convocation", "fr", Stage.court),
    ("une citation du juge de paix", "fr", Stage.court),
    ("l'audience est le 14 janvier", "fr", Stage.court),
    ("I received a summons", "en", Stage.court),
    ("when is the hearing", "en", Stage.court),
    # formal_notice
    ("ik kreeg een aangetekende brief", "nl", Stage.formal_notice),
    ("een ingebrekestelling", "nl", Stage.formal_notice),
    ("dit is de laatste herinnering", "nl", Stage.formal_notice),
    ("ik kreeg een aanmaning", "nl", Stage.formal_notice),
    ("une mise en demeure", "fr", Stage.formal_notice),
    ("un recommandé", "fr", Stage.formal_notice),
    ("a formal notice", "en", Stage.formal_notice),
    ("this is a final warning", "en", Stage.formal_notice),
    # arrears
    ("ik heb huurachterstand", "nl", Stage.arrears),
    ("er is achterstal", "nl", Stage.arrears),
    ("ik heb mijn huur niet betaald", "nl", Stage.arrears),
    ("huur van oktober nog niet betaald", "nl", Stage.arrears),
    ("ik heb te laat betaald", "nl", Stage.arrears),
    ("loyer impayé", "fr", Stage.arrears),
    ("j'ai du retard de loyer", "fr", Stage.arrears),
    ("I'm behind on rent", "en", Stage.arrears),
    ("rent arrears", "en", Stage.arrears),
    ("I haven't paid my rent", "en", Stage.arrears),
    # payment_worry
    ("ik kan de huur niet meer betalen", "nl", Stage.payment_worry),
    ("kan de huur ni meer betale", "nl", Stage.payment_worry),
    ("ik ben ontslagen", "nl", Stage.payment_worry),
    ("de huur stijgt", "nl", Stage.payment_worry),
    ("kga mijn huur te laat betalen, is da erg", "nl", Stage.payment_worry),
    ("je n'arrive plus à payer", "fr", Stage.payment_worry),
    ("j'ai perdu mon travail", "fr", Stage.payment_worry),
    ("I lost my job", "en", Stage.payment_worry),
    ("there is a rent increase", "en", Stage.payment_worry),
    ("I can't afford the rent", "en", Stage.payment_worry),
]


@pytest.mark.parametrize(("text", "language", "stage"), STAGE_PHRASES)
def test_stage_lexicon(text: str, language: str | None, stage: Stage) -> None:
    assert stage in detect_signals(text, language), normalise(text)
    assert stage in detect_signals(text), "language=None checks every language"


@pytest.mark.parametrize(
    "text",
    [
        "hallo",
        "wat is een huurwaarborg?",
        "bonjour, comment ça va",
        "hello, can you help me?",
        "ik woon in de Kerkstraat",
        "mijn bezittingen zijn verzekerd",
        "I have a hearing aid",
    ],
)
def test_no_stage_in_ordinary_messages(text: str) -> None:
    assert detect_signals(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "ik ben bang dat ik op straat kom te staan",
        "binnenkort sta ik op straat",
        "j'ai peur de me retrouver à la rue",
        "I'm afraid I'll be kicked out",
        "I'm worried I will be homeless",
    ],
)
def test_fear_of_the_street_is_not_locked_out(text: str) -> None:
    assert Stage.locked_out not in detect_signals(text)


@pytest.mark.parametrize(
    "text", ["ik wacht nog op het vonnis", "j'attends le jugement", "I'm waiting for the judgment"]
)
def test_waiting_for_a_judgment_is_not_a_judgment(text: str) -> None:
    assert Stage.judgment not in detect_signals(text)


def test_language_narrows_stage_patterns() -> None:
    assert detect_signals("audience", "fr") == {Stage.court}
    assert detect_signals("audience", "nl") == set()
    assert detect_signals("audience", "xx") == {Stage.court}  # unknown code: all languages
    assert detect_signals("audience", "fr-BE") == {Stage.court}


def test_lexicon_signals_feed_triage() -> None:
    signals = detect_signals("kreeg een dagvaarding, zitting op 2/12, ik heb 3 maanden achterstand", "nl")
    result = triage(TriageInput(today=TODAY, signals=signals, hearing_date=days(7), arrears_months=3))
    assert (result.stage, result.priority) == (Stage.court, Priority.P1)


# ------------------------------------------------------------ robustness, files


@pytest.mark.parametrize(
    "text",
    ["", "   ", "😀😀😀", "\x00\x01\x02\xff", "a" * 10_000, "ik wil " * 5_000, "1/1/1", "💀 je veux 💀"],
)
def test_detection_never_raises(text: str) -> None:
    assert isinstance(detect_crisis(text), bool)
    assert isinstance(detect_signals(text), set)


def test_non_string_input_is_harmless() -> None:
    assert detect_crisis(None) is False  # type: ignore[arg-type]
    assert detect_signals(b"ik wil dood") == set()  # type: ignore[arg-type]


def test_crisis_found_at_the_end_of_a_long_message() -> None:
    assert detect_crisis("bla " * 2_000 + "ik wil dood")


@pytest.mark.parametrize("name", ["crisis.yml", "stages.yml"])
def test_lexicon_patterns_are_written_in_normalised_form(name: str) -> None:
    """Patterns must be lowercase ASCII: normalised text has no capitals or accents."""
    text = (LEXICON_DIR / name).read_text(encoding="utf-8")
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("- '"):
            pattern = stripped[3 : stripped.rindex("'")]
            assert pattern.isascii(), pattern
            without_escapes = re.sub(r"\\[A-Za-z]", "", pattern)
            assert without_escapes == without_escapes.lower(), pattern


def test_stage_lexicon_covers_every_stage_but_crisis_and_none() -> None:
    lexicon = load_lexicon(LEXICON_DIR / "stages.yml", "stages")
    assert set(lexicon.groups) == {s.value for s in Stage} - {"crisis", "none"}
    for by_language in lexicon.groups.values():
        assert {"nl", "fr", "en"} <= set(by_language)


def test_crisis_lexicon_has_every_language_per_category() -> None:
    lexicon = load_lexicon(LEXICON_DIR / "crisis.yml", "categories")
    assert set(lexicon.groups) == {"suicide", "violence", "danger"}
    for by_language in lexicon.groups.values():
        assert {"nl", "fr", "en"} <= set(by_language)


def test_malformed_lexicon_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("categories:\n  suicide:\n    nl: ['(unclosed']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="bad pattern"):
        load_lexicon(bad, "categories")
    bad.write_text("categories:\n  suicide:\n    nl: ['{{nope}}']\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="unknown macro"):
        load_lexicon(bad, "categories")
    bad.write_text("nothing: here\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="missing mapping"):
        load_lexicon(bad, "categories")


def test_module_does_no_io_at_import() -> None:
    """The lexicons are loaded lazily, on first use, and then cached."""
    assert triage_module._crisis_lexicon.cache_info().maxsize == 1
