"""Unit tests for actions.triage: the brief's priority rules and the lexicon safety net."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path

import pytest

from actions.triage import TriageInput, TriageResult, add_months, triage
from vocabulary import lexicons as lexicons_module
from vocabulary.lexicons import (
    LEXICON_DIR,
    LexiconError,
    crisis_categories,
    detect_crisis,
    detect_signals,
    load_lexicon,
    normalise,
)
from vocabulary.stages import Priority, Stage, highest_priority, most_urgent_stage

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
    # Ger.W. art. 52/54: the term runs 4 November to 3 December; eviction from 4 December.
    assert result.earliest_eviction_date == datetime.date(2026, 12, 4)
    assert "judgment_served_implies_judgment" in result.reasons


def test_earliest_eviction_after_a_weekend_end_of_term() -> None:
    # Term 31 December to Saturday 30 January 2027, moved to Monday 1 February (art. 53).
    result = run(judgment_served_date=datetime.date(2026, 12, 30))
    assert result.earliest_eviction_date == datetime.date(2027, 2, 2)


def test_earliest_eviction_at_month_end() -> None:
    # Term 1 February to Sunday 28 February 2027, moved to Monday 1 March.
    result = run(judgment_served_date=datetime.date(2027, 1, 31))
    assert result.earliest_eviction_date == datetime.date(2027, 3, 2)


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
        "earliest_eviction_date": "2026-12-04",
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


# ------------------------------------------- crisis: broadened by category (a-d)
# Methods in any tense (a), suicide conditional on the eviction (b), violence at home by
# anyone with threats and weapons (c), acute danger now (d); first person and reported,
# chat spellings included.

CRISIS_BY_CATEGORY_NL = [
    # a. methods, present, past and future
    "ik ga van de brug springen",
    "kspring van het dak als het zo verder gaat",
    "ik ben gisteren bijna van mijn balkon gesprongen",
    "ik wil uit het raam springen",
    "ik gooi me voor de trein",
    "morgen ga ik op het spoor liggen",
    "ik ga me verhangen in de garage",
    "ik heb geprobeerd me op te hangen",
    "ik heb een touw gekocht om me op te hangen",
    "ik ga mezelf in het kanaal verdrinken",
    "ik ga in de schelde springen",
    "ik heb mijn polsen doorgesneden",
    "kheb in mijn armen gesneden vannacht",
    "ik snij mezelf",
    "ik ga het gas opendraaien en slapen",
    "ik heb pillen geslikt",
    "ik heb net een hele strip genomen",
    "kheb heel de doos slaappillen ingenomen",
    "ik heb 30 dafalgans genomen",
    "ik heb teveel pillen genomen",
    "ik slik ze allemaal in een keer",
    "ik heb bleekwater gedronken",
    "mijn zoon heeft een overdosis genomen",
    # b. conditional on the eviction
    "als ze me buitenzetten spring ik voor de trein",
    "als ik eruit moet maak ik er een eind aan",
    "als ze ons op straat zetten doe ik mezelf iets aan",
    "als ik dakloos word, ben ik liever dood",
    "moesten ze mij uitzetten dan hang ik me op",
    "als ze ons uitzetten dan ga ik dood",
    # c. violence by anyone at home, threats, weapons
    "mijn ex heeft me gisteren in elkaar geslagen",
    "mijn zoon klopte mij vorige week",
    "mijn man slaagt mij",
    "hij stampte mij tegen de grond",
    "hij heeft mij van de trap geduwd",
    "mijn vriend kneep mijn keel dicht",
    "de huisbaas dreigt mij af te maken",
    "hij dreigde me te vermoorden",
    "hij zei dat hij me gaat afmaken",
    "mijn man heeft ons opgesloten in de kamer",
    "hij heeft een mes en zegt ik maak je af",
    "de buurman heeft een pistool op mij gericht",
    "ze heeft mijn kind verbrand met een sigaret",
    "ik ben door mijn vader geslagen",
    "de huisbaas heeft mij aangevallen",
    # d. acute danger now
    "er breekt iemand in bij mij",
    "er is iemand in mijn huis",
    "hij probeert binnen te komen en trapt de deur in",
    "hij staat aan de deur en wil binnen",
    "het huis staat in brand",
    "het brandt in de keuken",
    "ik ruik gas in de keuken",
    "er is een gaslek",
    "de co melder gaat af",
    "we hebben geen verwarming en ik heb een baby van 2 maanden",
    "het vriest en de verwarming is afgesloten",
    "ik zit verstopt in de badkamer",
    "help nu aub",
    "kom snel, bel de politie",
]

CRISIS_BY_CATEGORY_FR = [
    # a. methods, present, past and future
    "je vais sauter du pont",
    "j'ai failli sauter du balcon hier",
    "je vais me jeter du haut de l'immeuble",
    "je vais me jeter sous le train",
    "je me suis jetée sous une voiture",
    "je vais me jeter dans le canal",
    "je vais me pendre dans le garage, j'ai acheté une corde",
    "je me suis coupé les veines",
    "je me scarifie depuis des semaines",
    "je vais ouvrir le gaz",
    "j'ai avalé toute la boîte",
    "j'ai pris toute la plaquette de somnifères",
    "j'ai avalé une boîte entière de doliprane",
    "j'ai avalé des cachets",
    "j'ai pris trop de médicaments",
    "j'ai bu de l'eau de javel",
    "il a fait une overdose",
    # b. conditional on the eviction
    "si on m'expulse, je me tue",
    "si je me retrouve à la rue je saute du pont",
    "si le proprio me met dehors, je préfère mourir",
    "quand ils m'expulseront je ne survivrai pas",
    "si je suis expulsée je me suicide",
    # c. violence by anyone at home, threats, weapons
    "mon ex m'a frappée hier soir",
    "mon fils me bat",
    "il me tape",
    "il m'a giflée",
    "il m'a étranglée",
    "il m'a poussée dans les escaliers",
    "mon copain m'a cognée contre le mur",
    "mon mari nous a enfermés dans la chambre",
    "le proprio m'a menacée de me tuer",
    "il a menacé de me buter",
    "il a dit qu'il allait me tuer",
    "il a sorti un couteau",
    "le voisin a un pistolet",
    "j'ai été frappée par mon compagnon",
    "on m'a roué de coups",
    # d. acute danger now
    "quelqu'un essaie d'entrer chez moi",
    "il force la porte",
    "quelqu'un est entré chez moi",
    "il y a le feu dans l'appartement",
    "il y a un incendie dans l'immeuble",
    "ça sent le gaz partout",
    "fuite de gaz dans la cuisine",
    "pas de chauffage et j'ai un bébé de trois mois",
    "on n'a plus de chauffage et il gèle",
    "je me cache dans la salle de bain",
    "au secours",
    "venez vite",
    "appelez la police svp",
]

CRISIS_BY_CATEGORY_EN = [
    # a. methods, present, past and future
    "I'm going to jump off the bridge",
    "I almost jumped from my balcony last night",
    "I'm gonna jump out the window",
    "I'll throw myself in front of a train",
    "I want to step in front of a bus",
    "I tried to hang myself",
    "I'm going to drive into the river",
    "I cut my wrists",
    "I took a whole bottle",
    "I swallowed pills",
    "I took 40 sleeping pills",
    "took too many pills",
    "I've taken all my pills",
    "I overdosed last week",
    "i od'd",
    "i drank bleach",
    # b. conditional on the eviction
    "if they evict me I'll end it",
    "if we end up homeless I won't survive",
    "if they kick us out I'll jump",
    "if I get evicted I will kill myself",
    # c. violence by anyone at home, threats, weapons
    "my ex beat me up yesterday",
    "my son punched me",
    "my dad hits my little brother",
    "he pushed me down the stairs",
    "he grabbed me by the throat",
    "my husband locked me in the bedroom",
    "he said he'd kill me",
    "he pulled a knife on me",
    "my landlord has a gun",
    "my ex is outside with a knife",
    "she burned me with a cigarette",
    # d. acute danger now
    "someone is breaking in",
    "someone broke into my flat and is still here",
    "he's kicking the door in",
    "I'm scared, he is trying to get in",
    "there's a fire in the flat",
    "I can smell gas",
    "the carbon monoxide alarm is going off",
    "no heating and a newborn baby",
    "the heating is cut off and it's freezing",
    "I'm hiding in the bathroom",
    "help me now",
    "please call the police",
    "come quickly",
]


@pytest.mark.parametrize("text", CRISIS_BY_CATEGORY_NL + CRISIS_BY_CATEGORY_FR + CRISIS_BY_CATEGORY_EN)
def test_crisis_by_category(text: str) -> None:
    assert detect_crisis(text), normalise(text)


def test_enough_crisis_phrasings_by_category() -> None:
    assert min(len(CRISIS_BY_CATEGORY_NL), len(CRISIS_BY_CATEGORY_FR), len(CRISIS_BY_CATEGORY_EN)) >= 15


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("ik heb pillen geslikt", "suicide"),
        ("j'ai avalé toute la boîte", "suicide"),
        ("I took a whole bottle", "suicide"),
        ("als ze me buitenzetten spring ik voor de trein", "suicide"),
        ("hij heeft mij van de trap geduwd", "violence"),
        ("il m'a étranglée", "violence"),
        ("he threatened to kill me", "violence"),
        ("ik ruik gas in de keuken", "danger"),
        ("il y a le feu dans l'appartement", "danger"),
        ("someone is breaking in", "danger"),
    ],
)
def test_crisis_category_of_new_phrasings(text: str, category: str) -> None:
    assert category in crisis_categories(text)


NOT_CRISIS_BY_LANGUAGE = {
    "nl": [
        "die huur slaat alles",
        "de prijzen zijn moordend",
        "de brandweer kwam vorig jaar voor een oefening",
        "mijn gasfactuur is veel te hoog",
        "de verwarming is kapot en het is koud",
        "is een brandverzekering verplicht voor huurders",
        "de huisbaas zet mij het mes op de keel met die brief",
        "ik ben in paniek geslagen door de dagvaarding",
        "het hangt me de keel uit op den duur",
        "de stoppen zijn gesprongen",
        "ik moet elke dag mijn pillen nemen voor mijn rug",
        "de wc zit verstopt",
        "die huur gaat me nog vermoorden",
        "de deurwaarder komt met de politie",
        "moet de politie erbij zijn bij een uithuiszetting",
        "ik wil uit het huurcontract stappen",
        "als ik op straat kom, waar moet ik dan slapen",
        "ik heb dringend hulp nodig met mijn huur",
    ],
    "fr": [
        "ça me tue ces factures",
        "ce loyer me tue",
        "ce loyer va me tuer",
        "ma facture de gaz a doublé",
        "les pompiers sont venus l'an dernier pour un exercice",
        "l'assurance incendie est-elle obligatoire ?",
        "le chauffage est en panne depuis hier",
        "mon proprio me pousse à partir",
        "ce propriétaire me tape sur les nerfs",
        "j'ai été frappée par la hausse du loyer",
        "les plombs ont sauté",
        "je me suis jetée à l'eau et j'ai appelé le propriétaire",
        "j'ai pris toute la journée pour remplir le formulaire",
        "je prends mes médicaments tous les jours",
        "il n'y a pas le feu, je peux attendre",
        "le proprio est armé de patience",
        "j'ai besoin d'aide pour payer le loyer",
    ],
    "en": [
        "this rent is going to kill me",
        "I'm dead tired of these letters",
        "the heating died last night",
        "my gas bill doubled",
        "the landlord hit me with a huge bill",
        "I took a whole box of my things to my sister's",
        "I jumped off the bus and ran to the office",
        "is fire insurance mandatory for tenants?",
        "my landlord threatened to call the police on me",
        "I had a break in my rent payments",
        "I took my pills this morning as usual",
        "I take a lot of medication for my back",
        "do I need a carbon monoxide detector?",
        "I'm hiding the letters from my kids",
        "please help me with this form",
    ],
}


@pytest.mark.parametrize("text", [t for texts in NOT_CRISIS_BY_LANGUAGE.values() for t in texts])
def test_not_crisis_by_language(text: str) -> None:
    assert not detect_crisis(text), (normalise(text), crisis_categories(text))


def test_enough_negative_phrasings_per_language() -> None:
    assert min(len(texts) for texts in NOT_CRISIS_BY_LANGUAGE.values()) >= 10


# ------------------------------- crisis: at the place, with the means, farewells, doors
# A person AT the place or WITH the means, present tense and without the word suicide;
# a farewell or finality statement tied to the eviction or to despair (alone it is often
# benign: "I'm done" after a form, "adieu" as a Belgian sign-off); a door or window broken
# in right now, or "help" with the threat present.

CRISIS_AT_THE_PLACE_OR_WITH_THE_MEANS = {
    "nl": [
        "ik sta op de brug",
        "kzit op het dak van de flat",
        "ik sta op de rand van het dak",
        "ik zit op de reling van het balkon",
        "ik sta hier aan het spoor",
        "we staan met de kinderen bij het kanaal",
        "zit op de brug",
        "ik ben over de reling geklommen",
        "de pillen liggen klaar",
        "het touw hangt al aan de balk",
        "ik heb al mijn medicatie klaargelegd",
        "het mes ligt naast mij",
        "ik heb 40 slaappillen opgespaard",
    ],
    "fr": [
        "je suis sur le pont",
        "chui sur le toit",
        "je suis au bord du toit",
        "je suis assise sur le rebord du balcon",
        "je suis sur la voie ferrée",
        "je suis au bord de l'eau",
        "j'ai enjambé la rambarde",
        "j'ai préparé les médicaments",
        "les cachets sont prêts",
        "la corde est accrochée",
        "j'ai une corde prête",
        "j'ai mis de côté des somnifères",
    ],
    "en": [
        "I'm standing on the roof",
        "im on the bridge",
        "standing on the bridge now",
        "I'm sitting on the edge of the roof",
        "I'm at the railway tracks",
        "I'm down by the canal",
        "I've climbed over the railing",
        "I have a rope ready",
        "the knife is ready",
        "I've got all my pills lined up",
        "I've been saving up my pills",
        "the gun is loaded",
    ],
}

CRISIS_FAREWELL_IN_DESPAIR = {
    "nl": [
        "als ze ons buitenzetten is het gedaan met mij",
        "het is gedaan met mij, de deurwaarder komt morgen",
        "de deurwaarder komt morgen, ik geef het op",
        "ik kan niet meer. vaarwel",
        "zeg tegen mijn kinderen dat ik van ze hou",
        "laat mijn kinderen weten dat ik ze graag zie",
        "dit is mijn afscheid",
        "vaarwel iedereen",
        "ik ben er klaar mee, we worden uitgezet",
    ],
    "fr": [
        "c'est fini pour moi, l'huissier vient demain",
        "si on est expulsés c'est fini pour moi",
        "je n'en peux plus, adieu",
        "dis à mes enfants que je les aime",
        "je vous dis adieu",
        "adieu tout le monde",
        "c'est mon dernier message",
        "l'huissier vient demain, j'abandonne",
        "prenez soin de mes enfants quand je ne serai plus là",
    ],
    "en": [
        "if they evict us... I'm done.",
        "they are evicting us friday. i'm done",
        "it's over for me, the bailiff comes tomorrow",
        "this is goodbye",
        "tell my kids I love them",
        "I can't take it anymore. goodbye",
        "goodbye everyone",
        "please take care of my kids when I'm gone",
        "when they kick us out, that's it for me",
    ],
}

CRISIS_DOOR_BROKEN_IN_OR_HELP_WITH_A_THREAT = {
    "nl": [
        "ze slaan de deur in",
        "ze trappen mijn deur in",
        "er slaat iemand de ruiten in",
        "hij is de deur aan het intrappen",
        "hij schopt tegen de deur",
        "ze breken de deur open",
        "hij is met geweld binnengekomen",
        "help, mijn ex staat aan de deur",
        "help hij bonkt op de deur",
        "ik heb hulp nodig, hij staat voor de deur en gaat niet weg",
    ],
    "fr": [
        "ils défoncent la porte",
        "ils sont en train de défoncer la porte",
        "il donne des coups de pied dans la porte",
        "il casse les fenêtres",
        "ils cassent les vitres",
        "il est entré en force",
        "au secours il est devant la porte",
        "aidez-moi, mon ex tape à la porte",
        "aidez-moi il est là et il crie",
    ],
    "en": [
        "someone is trying to break down my door",
        "he's breaking down the door",
        "they are smashing the windows",
        "he's kicking my door in",
        "my ex just smashed the window",
        "he burst into my flat",
        "please help, he is at my door",
        "help he is banging on the door",
        "he won't leave, please help",
    ],
}

NEW_CRISIS_CATEGORIES = {
    "suicide": [CRISIS_AT_THE_PLACE_OR_WITH_THE_MEANS, CRISIS_FAREWELL_IN_DESPAIR],
    "danger": [CRISIS_DOOR_BROKEN_IN_OR_HELP_WITH_A_THREAT],
}


@pytest.mark.parametrize(
    ("text", "category"),
    [
        (text, category)
        for category, groups in NEW_CRISIS_CATEGORIES.items()
        for group in groups
        for texts in group.values()
        for text in texts
    ],
)
def test_crisis_at_the_place_means_farewell_door(text: str, category: str) -> None:
    assert category in crisis_categories(text), normalise(text)
    for language in (None, "nl", "fr", "en"):
        assert Stage.crisis in detect_signals(text, language)


@pytest.mark.parametrize(
    "group",
    [
        CRISIS_AT_THE_PLACE_OR_WITH_THE_MEANS,
        CRISIS_FAREWELL_IN_DESPAIR,
        CRISIS_DOOR_BROKEN_IN_OR_HELP_WITH_A_THREAT,
    ],
)
def test_enough_new_crisis_phrasings_per_language(group: dict[str, list[str]]) -> None:
    assert set(group) == {"nl", "fr", "en"}
    assert min(len(texts) for texts in group.values()) >= 8


# Decided: "I'm done paying this rent" is a refusal to pay (arrears, a dispute), not a
# farewell: "done" followed by an activity ("done paying", "done with the paperwork") is
# never read as finality, even next to the eviction. A finality statement without the
# eviction or despair next to it ("c'est fini, j'ai trouvé un autre appartement") is not a
# crisis either; "I'm done" + "they evict us" is.
NOT_CRISIS_PLACE_MEANS_FAREWELL_DOOR = {
    "nl": [
        "de brug naar de rechtbank",
        "bemiddeling is de brug naar de rechtbank",
        "we zitten op het balkon te eten",
        "ik zit op het goede spoor",
        "ik woon naast het kanaal",
        "het dak lekt al maanden",
        "mijn medicatie staat klaar bij de apotheek",
        "ik heb de brieven klaargelegd voor de afspraak",
        "het is gedaan, ik heb de huur betaald",
        "ik ben klaar met het formulier",
        "adieu en bedankt",
        "de ruit is al een maand kapot",
        "help, wat moet ik doen met deze brief",
        "help, de deurwaarder komt morgen",
        "help, hoe zit het met de waarborg? hij is hier niet duidelijk over",
        "er viel een aangetekende brief binnen",
    ],
    "fr": [
        "je suis sur le point de perdre mon logement",
        "je suis sur le point de déménager",
        "je suis sur le balcon",
        "j'habite au bord du canal",
        "mes médicaments sont prêts à la pharmacie",
        "j'ai préparé les documents pour le juge",
        "c'est fini, j'ai trouvé un autre appartement",
        "merci beaucoup, adieu",
        "la porte est cassée depuis un mois",
        "aidez-moi à comprendre cette lettre",
        "il y a un bris de vitre",
        "aidez-moi, elle est la propriétaire et ne répond pas",
    ],
    "en": [
        "I applied for a bridge loan",
        "the bridge loan is ready",
        "I'm done with the paperwork",
        "I'm done with the paperwork, the eviction is tomorrow",
        "I'm done paying this rent",
        "we are done with the landlord",
        "we are done with the landlord, he wants to evict us",
        "I'm done, I sent you the form",
        "I'm at the end of my rope with this landlord",
        "I need rope to tie the mattress for the move",
        "I'm learning the ropes",
        "my prescription is ready at the pharmacy",
        "the window is broken and the landlord won't fix it",
        "the landlord keeps knocking on my door",
        "please help me understand this letter",
        "help, the bailiff is coming tomorrow",
        "I have to break the lease",
        "thanks, goodbye",
    ],
}


@pytest.mark.parametrize(
    "text", [t for texts in NOT_CRISIS_PLACE_MEANS_FAREWELL_DOOR.values() for t in texts]
)
def test_not_crisis_place_means_farewell_door(text: str) -> None:
    assert not detect_crisis(text), (normalise(text), crisis_categories(text))


@pytest.mark.parametrize(
    ("with_context", "without_context"),
    [
        ("if they evict us I'm done", "I'm done with the paperwork"),
        ("c'est fini pour moi, on sera à la rue", "c'est fini, j'ai payé le loyer"),
        ("als we eruit moeten is het gedaan met mij", "het is gedaan, ik heb betaald"),
    ],
)
def test_finality_counts_next_to_the_eviction(with_context: str, without_context: str) -> None:
    assert detect_crisis(with_context), normalise(with_context)
    assert not detect_crisis(without_context), normalise(without_context)


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


# ------------------------------------------- stages: a threat of court is a demand
# A court named in a threat or a condition is formal_notice; court and judgment need a
# case that exists (papers received, a hearing date, "moet naar de rechtbank op").

COURT_THREATS: list[tuple[str, str]] = [
    ("als ik niet betaal stapt hij naar de rechter", "nl"),
    ("als ik de achterstand niet betaal voor 15 december gaat hij naar de vrederechter", "nl"),
    ("de huisbaas zegt dat hij naar de rechtbank gaat stappen", "nl"),
    ("mijn verhuurder dreigt met het vredegerecht", "nl"),
    ("betaal binnen de week, anders volgt een dagvaarding", "nl"),
    ("dit is de laatste verwittiging voor de rechtbank", "nl"),
    ("ze gaan een verzoekschrift indienen bij de vrederechter", "nl"),
    ("sinon il va au tribunal", "fr"),
    ("sinon il ira chez le juge de paix", "fr"),
    ("dernier rappel avant de passer au tribunal", "fr"),
    ("si je ne paie pas d'ici vendredi, il saisit la justice de paix", "fr"),
    ("mon propriétaire menace de m'emmener au tribunal", "fr"),
    ("pay by Friday or he will take me to court", "en"),
    ("he's going to take me to court", "en"),
    ("last warning before court", "en"),
    ("if I don't pay by Monday they will sue me", "en"),
    ("my landlord threatened to take me to court", "en"),
]


@pytest.mark.parametrize(("text", "language"), COURT_THREATS)
def test_court_threat_is_formal_notice_not_court(text: str, language: str) -> None:
    for lang in (language, None):
        signals = detect_signals(text, lang)
        assert Stage.formal_notice in signals, normalise(text)
        assert not signals & {Stage.court, Stage.judgment}, (normalise(text), signals)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("hij gaat de ontbinding van het huurcontract vragen", "nl"),
        ("le proprio va demander la résiliation du bail", "fr"),
        ("il va demander la résiliation du bail", "fr"),
        ("the landlord says he will apply for an eviction order", "en"),
    ],
)
def test_judgment_asked_for_is_formal_notice_not_judgment(text: str, language: str) -> None:
    signals = detect_signals(text, language)
    assert Stage.formal_notice in signals
    assert Stage.judgment not in signals


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ik moet naar de rechtbank op 14 januari", "nl"),
        ("we moeten voor de vrederechter verschijnen", "nl"),
        ("ik heb een brief gekregen van het vredegerecht", "nl"),
        ("ik word opgeroepen voor het vredegerecht", "nl"),
        ("de vrederechter heeft ons opgeroepen", "nl"),
        ("mijn zaak komt voor op 3 februari", "nl"),
        ("de huisbaas is naar de vrederechter gestapt", "nl"),
        ("ik zie het niet zitten om naar de rechtbank te gaan", "nl"),
        ("on passe devant le juge mardi", "fr"),
        ("je dois aller au tribunal le 5 mars", "fr"),
        ("j'ai reçu une lettre du juge de paix", "fr"),
        ("le propriétaire m'a assignée devant le juge de paix", "fr"),
        ("le juge de paix m'a convoqué", "fr"),
        ("I have a hearing next week", "en"),
        ("my court date is on the 14th", "en"),
        ("I have to go to court on Monday", "en"),
        ("I got a letter from the court", "en"),
        ("the court sent me a letter", "en"),
        ("my landlord took me to court", "en"),
        ("I've been sued by my landlord", "en"),
    ],
)
def test_existing_case_is_court(text: str, language: str) -> None:
    assert Stage.court in detect_signals(text, language), normalise(text)
    assert Stage.court in detect_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "wat doet een vrederechter eigenlijk",
        "c'est quoi un juge de paix",
        "what does a justice of the peace do",
    ],
)
def test_naming_the_court_is_not_a_case(text: str) -> None:
    assert Stage.court not in detect_signals(text)


def test_a_threat_does_not_hide_a_real_case() -> None:
    text = "ik kreeg een dagvaarding, hij zei al lang dat hij naar de rechter zou stappen"
    assert {Stage.court, Stage.formal_notice} <= detect_signals(text, "nl")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("kreeg vandaag een laatste aanmaning", "nl"),
        ("er kwam een aangetekende van de huisbaas", "nl"),
        ("ik heb een brief van zijn advocaat gekregen", "nl"),
        ("j'ai reçu un recommandé de l'agence", "fr"),
        ("une mise en demeure de payer", "fr"),
        ("c'est le dernier rappel", "fr"),
        ("I got a final reminder", "en"),
        ("they sent a registered letter", "en"),
        ("it came by registered mail", "en"),
    ],
)
def test_more_formal_notices(text: str, language: str) -> None:
    assert Stage.formal_notice in detect_signals(text, language), normalise(text)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("ik heb de huur van oktober en november niet betaald", "nl"),
        ("september, oktober en november staan nog open", "nl"),
        ("kheb 2 maanden geen huur betaald", "nl"),
        ("ik ben hem drie maanden huur schuldig", "nl"),
        ("je dois 3 mois au proprio", "fr"),
        ("je dois deux mois à mon propriétaire", "fr"),
        ("le loyer d'octobre et de novembre n'est pas payé", "fr"),
        ("il me réclame quatre mois", "fr"),
        ("I owe 2 months", "en"),
        ("I owe my landlord three months", "en"),
        ("I didn't pay October and November", "en"),
        ("October and November are still unpaid", "en"),
    ],
)
def test_month_lists_and_month_counts_are_arrears(text: str, language: str) -> None:
    assert Stage.arrears in detect_signals(text, language), normalise(text)
    assert Stage.arrears in detect_signals(text)


@pytest.mark.parametrize(
    "text",
    [
        "ik heb de huur van oktober wel betaald",
        "vanaf november kan ik de huur niet betalen",
        "mijn contract loopt van oktober tot maart",
        "je dois déménager dans deux mois",
        "je dois donner trois mois de préavis",
        "I owe you an answer",
        "I will pay October rent tomorrow",
    ],
)
def test_not_arrears(text: str) -> None:
    assert Stage.arrears not in detect_signals(text)


def test_language_narrows_stage_patterns() -> None:
    assert detect_signals("audience", "fr") == {Stage.court}
    assert detect_signals("audience", "nl") == set()
    assert detect_signals("audience", "xx") == {Stage.court}  # unknown code: all languages
    assert detect_signals("audience", "fr-BE") == {Stage.court}


def test_lexicon_signals_feed_triage() -> None:
    signals = detect_signals("kreeg een dagvaarding, zitting op 2/12, ik heb 3 maanden achterstand", "nl")
    result = triage(TriageInput(today=TODAY, signals=signals, hearing_date=days(7), arrears_months=3))
    assert (result.stage, result.priority) == (Stage.court, Priority.P1)


# ------------------------------ stages: before the judge is a hearing, bailiff threats
# "Appear before the judge" is a hearing (court); "last warning before court" and "or they
# go to court" are demands (formal_notice). A bailiff promised for when the tenant does
# not pay is a demand too; a bailiff coming on a date is eviction_scheduled.

COURT_HEARINGS_BEFORE_THE_JUDGE: list[tuple[str, str]] = [
    ("I have to appear before the judge", "en"),
    ("I must appear before the court on the 12th", "en"),
    ("I'm appearing before the justice of the peace next week", "en"),
    ("I have to go before the justice of the peace this friday", "en"),
    ("we stand before the judge on Monday", "en"),
    ("I was summoned to appear before the magistrate", "en"),
    ("I'll be before the judge tomorrow", "en"),
    ("next week I go before the judge", "en"),
    ("je dois comparaître devant le juge", "fr"),
    ("je dois comparaître devant le juge de paix vendredi", "fr"),
    ("je passe devant le juge de paix jeudi", "fr"),
    ("je dois me présenter devant le tribunal", "fr"),
    ("nous devons aller devant la justice de paix", "fr"),
    ("l'affaire passe devant le juge le 12", "fr"),
    ("je comparais devant le juge de paix lundi", "fr"),
    ("je vais devant le juge le 3 mars", "fr"),
    ("ik moet verschijnen voor de rechter", "nl"),
    ("ik moet vrijdag voor de vrederechter verschijnen", "nl"),
    ("ik sta volgende week voor de rechter", "nl"),
    ("we moeten voorkomen bij de vrederechter", "nl"),
    ("ik moet voor de vrederechter komen op 3 december", "nl"),
    ("mijn zaak wordt behandeld door de vrederechter op 3 december", "nl"),
    ("ik moet me aanmelden bij het vredegerecht op maandag", "nl"),
    ("we moeten vrijdag naar het vredegerecht", "nl"),
]


@pytest.mark.parametrize(("text", "language"), COURT_HEARINGS_BEFORE_THE_JUDGE)
def test_appearing_before_the_judge_is_court_not_formal_notice(text: str, language: str) -> None:
    for lang in (language, None):
        signals = detect_signals(text, lang)
        assert Stage.court in signals, normalise(text)
        assert Stage.formal_notice not in signals, (normalise(text), signals)


MORE_COURT_THREATS: list[tuple[str, str]] = [
    ("demanding 2 months rent or they go to court", "en"),
    ("pay up or they will take me to court", "en"),
    ("otherwise court", "en"),
    ("or else legal action", "en"),
    ("pay within 8 days, failing which proceedings will start", "en"),
    ("he says if I don't pay he'll go to the judge", "en"),
    ("pay the arrears or he goes to the judge", "en"),
    ("he gave me until friday or else he takes me to court", "en"),
    ("sinon il va au tribunal", "fr"),
    ("sous peine de poursuites", "fr"),
    ("sinon c'est le tribunal", "fr"),
    ("faute de quoi il saisira le juge de paix", "fr"),
    ("il menace d'aller devant le juge", "fr"),
    ("à défaut, une procédure sera entamée", "fr"),
    ("il exige deux mois de loyer ou il va au tribunal", "fr"),
    ("en cas de non-paiement, il ira au tribunal", "fr"),
    ("anders stapt hij naar de rechter", "nl"),
    ("op straffe van gerechtelijke stappen", "nl"),
    ("of hij gaat naar de rechter", "nl"),
    ("zoniet start hij een procedure", "nl"),
    ("betalen of het wordt de rechtbank", "nl"),
    ("anders trekt hij naar het vredegerecht", "nl"),
    ("bij niet-betaling volgt een dagvaarding", "nl"),
    ("hij eist twee maanden huur of hij stapt naar de vrederechter", "nl"),
]


@pytest.mark.parametrize(("text", "language"), MORE_COURT_THREATS)
def test_more_court_threats_are_formal_notice(text: str, language: str) -> None:
    for lang in (language, None):
        signals = detect_signals(text, lang)
        assert Stage.formal_notice in signals, normalise(text)
        assert not signals & {Stage.court, Stage.judgment}, (normalise(text), signals)


BAILIFF_THREATS: list[tuple[str, str]] = [
    ("de deurwaarder komt als ik niet betaal", "nl"),
    ("als ik niet betaal komt de deurwaarder", "nl"),
    ("anders komt de deurwaarder", "nl"),
    ("hij stuurt de deurwaarder als ik niet betaal", "nl"),
    ("de deurwaarder zal komen als we niet betalen voor vrijdag", "nl"),
    ("zoniet komt de deurwaarder langs", "nl"),
    ("de deurwaarder komt tenzij ik betaal", "nl"),
    ("bij niet-betaling komt de deurwaarder", "nl"),
    ("ze komen ons buitenzetten als we niet betalen", "nl"),
    ("l'huissier viendra si je ne paie pas", "fr"),
    ("si je ne paie pas l'huissier viendra", "fr"),
    ("sinon l'huissier passera", "fr"),
    ("faute de paiement l'huissier passera", "fr"),
    ("il va envoyer l'huissier si je ne paie pas", "fr"),
    ("l'huissier va venir à moins que je paie", "fr"),
    ("à défaut de paiement, l'huissier viendra", "fr"),
    ("sinon il envoie l'huissier", "fr"),
    ("the bailiff will come if I don't pay", "en"),
    ("if I don't pay the bailiff will come", "en"),
    ("otherwise the bailiff comes", "en"),
    ("they'll send the bailiffs if I don't pay", "en"),
    ("the bailiff is coming unless I pay", "en"),
    ("pay by friday or the bailiffs will come", "en"),
    ("he threatens with the bailiff", "en"),
    ("if we can't pay, bailiffs are coming", "en"),
]


@pytest.mark.parametrize(("text", "language"), BAILIFF_THREATS)
def test_bailiff_threat_is_formal_notice_not_eviction_scheduled(text: str, language: str) -> None:
    for lang in (language, None):
        signals = detect_signals(text, lang)
        assert Stage.formal_notice in signals, normalise(text)
        assert Stage.eviction_scheduled not in signals, (normalise(text), signals)
        assert Stage.crisis not in signals


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("de deurwaarder komt op 3 december ons buitenzetten", "nl"),
        ("de deurwaarder komt morgen", "nl"),
        ("de deurwaarder komt als we niet thuis zijn", "nl"),
        ("ik weet niet of de deurwaarder komt morgen", "nl"),
        ("de uithuiszetting is op 3 december tenzij ik alles betaal", "nl"),
        # a date next to the condition: ambiguous, so the more urgent stage stays
        ("de deurwaarder komt op 3 december als ik niet betaal", "nl"),
        ("l'huissier vient demain pour l'expulsion", "fr"),
        ("l'huissier vient le 3 décembre si je ne paie pas", "fr"),
        ("the bailiff is coming on Friday to evict us", "en"),
        ("the bailiffs are coming tomorrow if we do not pay", "en"),
    ],
)
def test_bailiff_on_a_date_stays_eviction_scheduled(text: str, language: str) -> None:
    assert Stage.eviction_scheduled in detect_signals(text, language), normalise(text)
    assert Stage.eviction_scheduled in detect_signals(text)


def test_enough_new_stage_phrasings_per_language() -> None:
    for phrases in (COURT_HEARINGS_BEFORE_THE_JUDGE, MORE_COURT_THREATS, BAILIFF_THREATS):
        counts = {lang: sum(1 for _, language in phrases if language == lang) for lang in ("nl", "fr", "en")}
        assert min(counts.values()) >= 8, counts


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
    assert lexicons_module._crisis_lexicon.cache_info().maxsize == 1


# ------------------------------------- crisis: ongoing threats, intimidation, damage
# A person (ex, partner, landlord, neighbour, flatmate, "he/she/they") threatening,
# intimidating, harassing or stalking the tenant, in any tense, fear of his return, and
# damage to the door or windows by a person are crises. A threat followed by a formal step
# ("dreigt met een advocaat", "menace de m'expulser", "threatens to go to court") is a
# formal notice, not violence; a door that is simply broken is a repair question.

CRISIS_THREATS_INTIMIDATION_DAMAGE = {
    "nl": [
        "ze bedreigt mij",
        "mijn ex blijft mij bedreigen",
        "hij komt steeds naar mijn appartement en dreigt",
        "hij heeft de deur kapot gestampt",
        "hij heeft mijn ruiten ingeslagen",
        "ik ben bang dat hij terugkomt",
        "mn ex bedreigt mij elke dag",
        "hij heeft me gisteren weer bedreigd",
        "k word al weken bedreigd door mijn ex",
        "mijn ex stalkt mij",
        "de huisbaas intimideert ons",
        "hij laat mij nie gerust",
        "k heb schrik da hij terug komt",
        "mijn vriend dreigde vannacht opnieuw",
        "ze hebben de voordeur ingebeukt",
        "hij sloeg gisteren al mijn ruiten in",
        "mijn ex staat elke avond aan mijn deur",
        "ik voel mij bedreigd door mijn buurman",
        "hij gooide een steen door mijn raam",
        "ik ben doodsbang van mijn ex",
        "hij zit mij constant te bedreigen",
        "mijn huisgenoot valt mij de hele tijd lastig",
        "de ramen zijn kapotgeslagen door mijn ex",
        "hij heeft de deur vannacht ingetrapt",
    ],
    "fr": [
        "mon ex me menace",
        "il n'arrête pas de me menacer",
        "il a défoncé la porte cette nuit",
        "il a cassé la porte cette nuit",
        "il a cassé les vitres",
        "il me harcèle",
        "j'ai peur qu'il revienne",
        "jai peur quil revienne",
        "elle m'a encore menacée hier",
        "mon ex me harcele tous les jours",
        "le proprio m'intimide",
        "je suis harcelée par mon voisin",
        "je reçois des menaces de mon ex",
        "il me suit partout",
        "il vient tout le temps chez moi et me menace",
        "la porte a été défoncée cette nuit",
        "il a tout cassé chez moi",
        "j'ai peur de lui",
        "mon coloc me menace depuis des semaines",
        "il a jeté une pierre dans ma fenêtre",
        "je me sens menacée",
        "il menace tout le temps",
        "il ne me laisse pas tranquille, il sonne toutes les nuits",
    ],
    "en": [
        "my ex keeps threatening me",
        "he threatens me every day",
        "he keeps coming to my flat and won't leave me alone",
        "she threatened me again",
        "he broke the door last night",
        "he kicked in the door last night",
        "he smashed my windows",
        "my ex stalks me",
        "I'm scared he will come back",
        "my landlord is intimidating me",
        "my ex has been harassing me for weeks",
        "im scared hes gonna come back",
        "he threatend me again last night",
        "my ex smashed the windows of my flat",
        "hes been stalking me",
        "i'm afraid of him",
        "the neighbour keeps threatening us",
        "he kicked my door down",
        "my flatmate threatens me",
        "I keep getting threats from my ex",
        "I am being harassed by my ex",
        "someone threw a brick through my window",
        "my door was kicked in last night",
        "he keeps showing up at my door",
    ],
}


@pytest.mark.parametrize("text", [t for texts in CRISIS_THREATS_INTIMIDATION_DAMAGE.values() for t in texts])
def test_crisis_threats_intimidation_damage(text: str) -> None:
    assert detect_crisis(text), normalise(text)
    assert crisis_categories(text) & {"violence", "danger"}, normalise(text)
    for language in (None, "nl", "fr", "en"):
        assert Stage.crisis in detect_signals(text, language)


NOT_CRISIS_LEGAL_THREATS_BROKEN_DOORS_FEARS = {
    "nl": [
        "hij dreigt met een advocaat",
        "de deur is kapot en de huisbaas herstelt ze niet",
        "ik ben bang voor de rechtbank",
        "de huisbaas dreigt mij eruit te zetten",
        "de huisbaas dreigt elke maand met een opzeg",
        "mijn verhuurder dreigt met het vredegerecht",
        "het raam is gebroken sinds de storm",
        "ik ben bang dat hij de huur verhoogt",
        "de verhuurder bedreigt ons met een rechtszaak",
        "ze dreigen de huur op te zeggen",
        "de huisbaas heeft de kapotte ruit nog niet vervangen",
        "ik ben bang dat de deurwaarder terugkomt",
        "de huur dreigt te stijgen",
        "ik wil u niet lastig vallen",
        "ik ben bang voor de reactie van mijn huisbaas",
    ],
    "fr": [
        "il menace de m'expulser",
        "le propriétaire me menace d'une procédure",
        "la porte est cassée depuis des mois",
        "j'ai peur de l'audience",
        "la vitre est cassée et le proprio ne fait rien",
        "il me menace de résilier le bail",
        "le bailleur menace de nous mettre dehors",
        "je suis menacée d'expulsion",
        "je reçois des menaces d'expulsion",
        "il y a un bris de vitre",
        "j'ai peur qu'il ne me rende pas la garantie",
        "le proprio me menace de porter plainte",
        "je suis intimidée par le juge",
        "mon propriétaire menace de m'emmener au tribunal",
    ],
    "en": [
        "the landlord threatens to go to court",
        "the door is broken and the landlord won't repair it",
        "I'm scared of the hearing",
        "the landlord threatened me with eviction",
        "my landlord threatens to evict us",
        "he threatened to call the police on me",
        "my landlord keeps threatening me with legal action",
        "I'm scared he will raise the rent",
        "the landlord threatened to keep my deposit",
        "the window has been broken since the storm",
        "I broke the window by accident",
        "my landlord threatened to take me to court",
        "the landlord keeps knocking on my door",
        "I feel intimidated by the court process",
        "the landlord threatened to kick us out",
        "I'm afraid of my landlord's reaction",
        "the landlord broke his promise to fix the window",
    ],
}


@pytest.mark.parametrize(
    "text", [t for texts in NOT_CRISIS_LEGAL_THREATS_BROKEN_DOORS_FEARS.values() for t in texts]
)
def test_not_crisis_legal_threats_broken_doors_fears(text: str) -> None:
    assert not detect_crisis(text), (normalise(text), crisis_categories(text))


def test_enough_threat_phrasings_per_language() -> None:
    for group, minimum in (
        (CRISIS_THREATS_INTIMIDATION_DAMAGE, 12),
        (NOT_CRISIS_LEGAL_THREATS_BROKEN_DOORS_FEARS, 6),
    ):
        assert set(group) == {"nl", "fr", "en"}
        assert min(len(texts) for texts in group.values()) >= minimum


@pytest.mark.parametrize(
    ("threat_and_court", "court_threat"),
    [
        (
            "mijn ex bedreigt mij en ik moet volgende week naar de rechtbank",
            "de verhuurder bedreigt ons met een rechtszaak",
        ),
        ("il me menace et je dois aller au tribunal", "le propriétaire me menace d'une procédure"),
        ("he threatens me and I have court on Monday", "my landlord keeps threatening me with legal action"),
    ],
)
def test_a_threat_stays_a_crisis_next_to_a_court_case(threat_and_court: str, court_threat: str) -> None:
    assert detect_crisis(threat_and_court), normalise(threat_and_court)
    assert not detect_crisis(court_threat), normalise(court_threat)


# ------------------------------------------- crisis: threats of bodily harm
# A threat to break bones, beat up, hurt, "do something to", "make pay" (physically),
# finish, slit or burn the tenant (or the children) is a crisis, by anyone, in any tense,
# also when it is tied to the rent. "Break the lease", "make me pay the costs" and "hurt
# my credit" are money and contract matters.

CRISIS_BODILY_HARM_THREATS = {
    "nl": [
        "hij gaat mijn benen breken",
        "hij zegt dat hij me in elkaar slaat als ik niet betaal",
        "hij gaat mij iets aandoen",
        "de huisbaas zei dat hij mijn benen zou breken als ik de huur niet betaal",
        "als de huur niet betaald is breekt hij mijn armen",
        "mijn ex zegt dat ze me iets gaat aandoen",
        "hij zei da hij mijn benen ging breken",
        "de verhuurder zegt dat hij me in mekaar gaat slaan",
        "hij gaat me pijn doen als ik niet betaal",
        "ze gaan ons iets aandoen als de huur er niet is",
        "mijn buurman zei dat hij me een pak slaag gaat geven",
        "hij gaat mijn kop inslaan",
        "k ga u kapot slaan zei hij",
        "ik breek je benen als ge niet betaalt zei de huisbaas",
        "hij gaat het huis in de fik steken met ons erin",
        "hij dreigt het huis af te branden met ons erin",
        "hij zei dat ik ervoor ga boeten en dat hij mijn neus breekt",
        "je gaat spijt krijgen, ik sla al je botten kapot",
        "hij gaat me de keel doorsnijden",
        "mijn schoonvader zei dat hij mijn tanden gaat uitslaan",
        "hij gaat me afmaken als ik niet betaal",
        "de eigenaar zei dat hij mij ging aftuigen",
        "ze zei dat haar broer mij komt in elkaar slaan",
        "hij zal mij iets aandoen als de huur niet betaald wordt",
    ],
    "fr": [
        "il va me casser les jambes",
        "il a dit qu'il allait me tabasser",
        "il a dit qu'il allait me défoncer",
        "il a dit qu'il allait me faire du mal",
        "il va mettre le feu avec nous dedans",
        "le proprio a dit qu'il me casserait les jambes si je ne paie pas",
        "si le loyer n'est pas payé il va me casser la gueule",
        "il va me péter les dents",
        "il m'a dit qu'il me tabasserait si je payais pas",
        "il va me faire quelque chose",
        "il va brûler la maison avec nous dedans",
        "mon ex a dit qu'elle allait me faire mal",
        "il va m'achever",
        "tu vas le regretter, je vais te casser les bras",
        "il va me le faire payer",
        "il va me refaire le portrait si je ne paie pas",
        "le propriétaire menace de me casser le nez",
        "il dit qu'il va nous trancher la gorge",
        "jvais te péter les genoux qu'il m'a dit",
        "il m'a dit qu'il me ferait du mal si le loyer n'est pas payé",
        "ils vont me démolir si je paie pas",
        "il va me massacrer",
    ],
    "en": [
        "he will break my legs if I don't pay",
        "landlord said he would beat me up",
        "he said he'd break my arms",
        "he's gonna hurt me",
        "he'll do something to me",
        "he said he'd make me pay",
        "if the rent isn't paid he'll finish me",
        "he said he'll slit my throat",
        "he said he'll burn the house down with us in it",
        "you'll regret it, I'll break your legs",
        "my landlord threatened to break my nose",
        "he's going to smash my face in",
        "my ex said she will have me beaten up",
        "he told me he would hurt my kids",
        "the landlord says he'll beat the crap out of me",
        "he will kick my head in",
        "they're gonna break every bone in my body",
        "he will hurt me if the rent isn't paid",
        "hes gonna rough me up if i dont pay",
        "he threatened to knock my teeth out",
        "he will finish me off",
        "the landlord said he'd send his guys to beat me up",
        "he said he would put me in hospital",
    ],
}


@pytest.mark.parametrize("text", [t for texts in CRISIS_BODILY_HARM_THREATS.values() for t in texts])
def test_crisis_bodily_harm_threats(text: str) -> None:
    assert detect_crisis(text), normalise(text)
    assert "violence" in crisis_categories(text), (normalise(text), crisis_categories(text))
    for language in (None, "nl", "fr", "en"):
        assert Stage.crisis in detect_signals(text, language)


NOT_CRISIS_MONEY_AND_CONTRACT = {
    "nl": [
        "hij breekt het contract",
        "de huisbaas wil het huurcontract breken",
        "hij laat mij de kosten betalen",
        "hij gaat mij de herstelling laten betalen",
        "ik heb mijn been gebroken en kan niet werken",
        "hij gaat mij een boete aanrekenen",
        "die huurverhoging gaat ons pijn doen",
        "ik breek mijn hoofd over die brief",
        "ik wil mijn huurcontract breken",
        "hij laat me betalen voor de schade",
        "ik breek mijn kop over die papieren",
        "het gaat ons veel pijn doen om te verhuizen",
        "dat doet me pijn",
    ],
    "fr": [
        "rompre le bail",
        "il veut casser le bail",
        "ça va me faire mal au portefeuille",
        "il va me faire payer les frais",
        "il va me faire payer la réparation",
        "ce dossier me casse la tête",
        "je vais me casser la gueule dans l'escalier",
        "ça me fait mal de quitter cet appartement",
        "le proprio va casser le contrat",
        "ça me casse les pieds",
        "ça va me coûter un bras",
        "je me suis cassé la jambe et je ne peux plus travailler",
        "ça me fait mal de partir",
    ],
    "en": [
        "break the lease",
        "he wants to break the contract",
        "he'll make me pay the costs",
        "it will hurt my credit",
        "the landlord will make me pay for the repairs",
        "the rent increase will hurt us",
        "he will finish the repairs next week",
        "I broke my arm and can't work",
        "I want to break my lease early",
        "they'll make us pay the legal fees",
        "he will hit us with a big bill",
        "this will cost me an arm and a leg",
        "he says he will take me to court",
    ],
}


@pytest.mark.parametrize("text", [t for texts in NOT_CRISIS_MONEY_AND_CONTRACT.values() for t in texts])
def test_not_crisis_break_the_lease_make_me_pay(text: str) -> None:
    assert not detect_crisis(text), (normalise(text), crisis_categories(text))


def test_enough_bodily_harm_phrasings_per_language() -> None:
    for group, minimum in ((CRISIS_BODILY_HARM_THREATS, 10), (NOT_CRISIS_MONEY_AND_CONTRACT, 5)):
        assert set(group) == {"nl", "fr", "en"}
        assert min(len(texts) for texts in group.values()) >= minimum


@pytest.mark.parametrize(
    ("threat", "money"),
    [
        ("hij gaat mijn benen breken als ik niet betaal", "hij breekt het contract als ik niet betaal"),
        ("il va me faire mal si je ne paie pas", "ça va me faire mal au portefeuille"),
        ("he said he'd make me pay", "he'll make me pay the costs"),
        ("he will hurt me if I don't pay", "it will hurt my credit if I don't pay"),
    ],
)
def test_bodily_harm_threat_beside_its_money_twin(threat: str, money: str) -> None:
    assert detect_crisis(threat), normalise(threat)
    assert not detect_crisis(money), (normalise(money), crisis_categories(money))
