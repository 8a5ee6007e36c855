"""Unit tests for actions.dates: dates in nl/fr/en chat text, relative to a fixed today."""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import json
import subprocess
import sys

import pytest

from actions.dates import MAX_RESULTS, DateKind, ParsedDate, parse_dates

D = datetime.date
TODAY = D(2026, 11, 25)  # a Wednesday
YEAR_END = D(2026, 12, 28)  # a Monday, a few days before a year boundary


def one(text: str, today: D = TODAY, language: str | None = None) -> ParsedDate:
    found = parse_dates(text, today, language)
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------- the brief's phrases, nl/fr/en

BRIEF_PHRASES = [
    # (text, language, expected date, expected span)
    ("volgende dinsdag", "nl", D(2026, 12, 1), "volgende dinsdag"),
    ("dinsdag", "nl", D(2026, 12, 1), "dinsdag"),
    ("morgen", "nl", D(2026, 11, 26), "morgen"),
    ("overmorgen", "nl", D(2026, 11, 27), "overmorgen"),
    ("binnen twee weken", "nl", D(2026, 12, 9), "binnen twee weken"),
    ("over 3 dagen", "nl", D(2026, 11, 28), "over 3 dagen"),
    ("over een maand", "nl", D(2026, 12, 25), "over een maand"),
    ("14/01", None, D(2027, 1, 14), "14/01"),
    ("14/1", None, D(2027, 1, 14), "14/1"),
    ("14-01-2027", None, D(2027, 1, 14), "14-01-2027"),
    ("2 december", "nl", D(2026, 12, 2), "2 december"),
    ("le 2 décembre", "fr", D(2026, 12, 2), "2 décembre"),
    ("mardi prochain", "fr", D(2026, 12, 1), "mardi prochain"),
    ("dans deux semaines", "fr", D(2026, 12, 9), "dans deux semaines"),
    ("demain", "fr", D(2026, 11, 26), "demain"),
    ("this friday", "en", D(2026, 11, 27), "this friday"),
    ("next tuesday", "en", D(2026, 12, 1), "next tuesday"),
    ("in two weeks", "en", D(2026, 12, 9), "in two weeks"),
    ("tomorrow", "en", D(2026, 11, 26), "tomorrow"),
    ("on the 3rd of January", "en", D(2027, 1, 3), "3rd of January"),
    ("Jan 14", "en", D(2027, 1, 14), "Jan 14"),
]


@pytest.mark.parametrize(("text", "language", "expected", "span"), BRIEF_PHRASES)
def test_brief_phrases(text: str, language: str | None, expected: D, span: str) -> None:
    found = one(text, language=language)
    assert found.date == expected
    assert found.text == span
    assert text[found.start : found.end] == span


@pytest.mark.parametrize(("text", "language", "expected", "span"), BRIEF_PHRASES)
def test_brief_phrases_without_language(text: str, language: str | None, expected: D, span: str) -> None:
    assert one(text).date == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("de zitting is op 14/01", D(2027, 1, 14)),
        ("kga volgende dinsdag naar de rechtbank", D(2026, 12, 1)),
        ("l'huissier vient le 2 décembre", D(2026, 12, 2)),
        ("the hearing is next tuesday", D(2026, 12, 1)),
        ("Mijn zitting is op 14 januari om 9u30", D(2027, 1, 14)),
        ("de zitting is op 1 december om 9 uur", D(2026, 12, 1)),
        ("the hearing is on 14/01/2027 at 9am", D(2027, 1, 14)),
        ("hearing on Tuesday, January 12 2027", D(2027, 1, 12)),
        ("zitting: di 1/12 om 10u", D(2026, 12, 1)),
        ("MORGEN komt de deurwaarder!!", D(2026, 11, 26)),
    ],
)
def test_dates_inside_sentences(text: str, expected: D) -> None:
    assert one(text).date == expected


# ------------------------------------------------------------------ year boundary


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/01", D(2027, 1, 14)),
        ("14 januari", D(2027, 1, 14)),
        ("le 2 janvier", D(2027, 1, 2)),
        ("Jan 14", D(2027, 1, 14)),
        ("31/12", D(2026, 12, 31)),
        ("28/12", D(2026, 12, 28)),  # today itself: on or after today
        ("27/12", D(2027, 12, 27)),  # yesterday's day: next year
        ("over een week", D(2027, 1, 4)),
        ("binnen twee weken", D(2027, 1, 11)),
        ("over een maand", D(2027, 1, 28)),
        ("volgende dinsdag", D(2026, 12, 29)),
        ("vrijdag", D(2027, 1, 1)),
        ("overmorgen", D(2026, 12, 30)),
    ],
)
def test_year_boundary(text: str, expected: D) -> None:
    assert one(text, today=YEAR_END).date == expected


def test_today_day_month_is_today_not_next_year() -> None:
    found = one("25/11")
    assert found.date == TODAY
    assert found.resolved_as == "next"


def test_explicit_year_is_kept_even_in_the_past() -> None:
    found = one("14-01-2025")
    assert found.date == D(2025, 1, 14)
    assert found.resolved_as == "explicit"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/01/27", D(2027, 1, 14)),
        ("14.01.2027", D(2027, 1, 14)),
        ("2027-01-14", D(2027, 1, 14)),
        ("14 januari 2027", D(2027, 1, 14)),
        ("2 décembre 2026", D(2026, 12, 2)),
        ("January 14th, 2027", D(2027, 1, 14)),
        ("1ste december", D(2026, 12, 1)),
        ("1er décembre", D(2026, 12, 1)),
        ("3de januari", D(2027, 1, 3)),
        ("14 jan.", D(2027, 1, 14)),
        ("14 janv", D(2027, 1, 14)),
        ("3 fevrier", D(2027, 2, 3)),
        ("29/02", D(2028, 2, 29)),
    ],
)
def test_other_absolute_forms(text: str, expected: D) -> None:
    assert one(text).date == expected


# ------------------------------------------------------------------ relative forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vandaag", TODAY),
        ("vanavond", TODAY),
        ("aujourd'hui", TODAY),
        ("today", TODAY),
        ("tonight", TODAY),
        ("morgenvroeg", D(2026, 11, 26)),
        ("après-demain", D(2026, 11, 27)),
        ("the day after tomorrow", D(2026, 11, 27)),
        ("gisteren", D(2026, 11, 24)),
        ("yesterday", D(2026, 11, 24)),
        ("eergisteren", D(2026, 11, 23)),
        ("volgende week", D(2026, 12, 2)),
        ("next week", D(2026, 12, 2)),
        ("la semaine prochaine", D(2026, 12, 2)),
        ("vorige week", D(2026, 11, 18)),
        ("3 dagen geleden", D(2026, 11, 22)),
        ("il y a 3 jours", D(2026, 11, 22)),
        ("two weeks ago", D(2026, 11, 11)),
        ("binnen de 14 dagen", D(2026, 12, 9)),
        ("over een weekske", D(2026, 12, 2)),
        ("over 'n week", D(2026, 12, 2)),
        ("in the next two weeks", D(2026, 12, 9)),
        ("within 10 days", D(2026, 12, 5)),
        ("d'ici deux semaines", D(2026, 12, 9)),
        ("dans un mois", D(2026, 12, 25)),
        ("in a month", D(2026, 12, 25)),
    ],
)
def test_relative_expressions(text: str, expected: D) -> None:
    found = one(text)
    assert found.date == expected
    assert found.resolved_as == "explicit"


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("hier", "fr", D(2026, 11, 24)),
        ("hier j'ai reçu une lettre", None, D(2026, 11, 24)),
    ],
)
def test_french_hier_is_yesterday(text: str, language: str | None, expected: D) -> None:
    assert one(text, language=language).date == expected


@pytest.mark.parametrize("text", ["ik ben hier", "kom je hier naartoe?"])
def test_dutch_hier_is_here(text: str) -> None:
    assert parse_dates(text, TODAY) == []


@pytest.mark.parametrize("text", ["goede morgen", "goeiemorgen", "'s morgens", "deze morgen was ik thuis"])
def test_morgen_as_morning_is_not_tomorrow(text: str) -> None:
    assert parse_dates(text, TODAY) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("over acht dagen", D(2026, 12, 2)),  # Belgian idiom: a week
        ("dans huit jours", D(2026, 12, 2)),
        ("dans quinze jours", D(2026, 12, 9)),  # two weeks (and inside the 14-day window)
        ("in eight days", D(2026, 12, 3)),  # English has no such idiom
    ],
)
def test_idiomatic_day_counts(text: str, expected: D) -> None:
    assert one(text).date == expected


NUMBER_WORDS = {
    "nl": ["een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"],
    "fr": ["un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix"],
    "en": ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"],
}


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
@pytest.mark.parametrize("number", range(1, 11))
def test_number_words_up_to_ten(language: str, number: int) -> None:
    word = NUMBER_WORDS[language][number - 1]
    unit = {"nl": "weken" if number > 1 else "week", "fr": "semaines", "en": "weeks"}[language]
    prefix = {"nl": "over", "fr": "dans", "en": "in"}[language]
    assert one(f"{prefix} {word} {unit}", language=language).date == TODAY + datetime.timedelta(weeks=number)


# ------------------------------------------------------------------------ weekdays


@pytest.mark.parametrize(
    ("text", "expected", "resolved_as"),
    [
        ("woensdag", D(2026, 12, 2), "next"),  # today's weekday: next week
        ("maandag", D(2026, 11, 30), "next"),
        ("deze vrijdag", D(2026, 11, 27), "next"),
        ("aanstaande zaterdag", D(2026, 11, 28), "next"),
        ("vorige dinsdag", D(2026, 11, 24), "previous"),
        ("afgelopen vrijdag", D(2026, 11, 20), "previous"),
        ("mardi dernier", D(2026, 11, 24), "previous"),
        ("last tuesday", D(2026, 11, 24), "previous"),
        ("dinsdag volgende week", D(2026, 12, 1), "explicit"),
        ("volgende week donderdag", D(2026, 12, 3), "explicit"),
        ("jeudi de la semaine prochaine", D(2026, 12, 3), "explicit"),
        ("ik kreeg dinsdag een brief", D(2026, 11, 24), "previous"),
    ],
)
def test_weekdays(text: str, expected: D, resolved_as: str) -> None:
    found = one(text)
    assert (found.date, found.resolved_as) == (expected, resolved_as)


@pytest.mark.parametrize(
    "text", ["ma", "di", "wo", "do", "vr", "za", "zo", "nu", "ma wat moet ik doen", "zo is het"]
)
def test_short_weekday_abbreviations_alone_are_not_dates(text: str) -> None:
    assert parse_dates(text, TODAY) == []


# --------------------------------------------------------------- past or future


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik kreeg op 3 november een brief", D(2026, 11, 3)),
        ("ik heb op 20 november een aangetekende brief gekregen", D(2026, 11, 20)),
        ("received on November 3", D(2026, 11, 3)),
        ("I got a letter on November 20", D(2026, 11, 20)),
        ("reçu le 3 novembre", D(2026, 11, 3)),
        ("j'ai reçu une lettre le 3 novembre", D(2026, 11, 3)),
        ("het vonnis werd betekend op 3 november", D(2026, 11, 3)),
        ("de deurwaarder kwam op 20/11", D(2026, 11, 20)),
        ("de zitting was op 3 november", D(2026, 11, 3)),
        ("de brief van 3 november", D(2026, 11, 3)),  # a letter lies in the past
        ("ik kreeg op 25/11 een brief", TODAY),  # today counts as the past too
    ],
)
def test_past_tense_means_the_most_recent_occurrence(text: str, expected: D) -> None:
    found = one(text)
    assert found.date == expected
    assert found.resolved_as == "previous"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ik kreeg een brief, de zitting is op 14/01", D(2027, 1, 14)),
        ("ik kreeg een brief dat de zitting op 14/01 is", D(2027, 1, 14)),
        ("I was told the hearing is on January 14", D(2027, 1, 14)),
        ("the hearing was set for January 14", D(2027, 1, 14)),
        ("l'audience a été fixée au 14 janvier", D(2027, 1, 14)),
        ("de zitting werd verplaatst naar 20 november", D(2027, 11, 20)),
        ("de zitting is op 3 november", D(2027, 11, 3)),
        ("de deurwaarder komt op 20/11", D(2027, 11, 20)),
        # receiving a paper is past; the hearing it announces is not
        ("ik kreeg een brief voor de zitting op 14/01", D(2027, 1, 14)),
        ("I received a summons for a hearing on January 14", D(2027, 1, 14)),
        ("j'ai reçu une convocation pour l'audience du 14 janvier", D(2027, 1, 14)),
        ("ik kreeg een brief van de deurwaarder voor 2 december", D(2026, 12, 2)),
    ],
)
def test_future_readings_win_near_the_date(text: str, expected: D) -> None:
    found = one(text)
    assert found.date == expected
    assert found.resolved_as == "next"


def test_past_letter_and_future_hearing_in_one_message() -> None:
    text = "Ik kreeg op 3 november een brief en de zitting is op 14/01 bij de vrederechter."
    letter, hearing = parse_dates(text, TODAY, "nl")
    assert (letter.date, letter.kind, letter.resolved_as) == (D(2026, 11, 3), DateKind.letter, "previous")
    assert (hearing.date, hearing.kind, hearing.resolved_as) == (D(2027, 1, 14), DateKind.hearing, "next")


# ---------------------------------------------------------------------------- kind


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("de zitting is op 14/01", DateKind.hearing),
        ("hoorzitting 14 januari", DateKind.hearing),
        ("ik moet op 14/01 naar de rechtbank", DateKind.hearing),
        ("de vrederechter verwacht me op 14/01", DateKind.hearing),
        ("l'audience est le 14 janvier", DateKind.hearing),
        ("the hearing is on Jan 14", DateKind.hearing),
        ("court on 14/01", DateKind.hearing),
        ("de uithuiszetting is op 2 december", DateKind.eviction),
        ("de deurwaarder komt op 2 december", DateKind.eviction),
        ("uitzetting gepland op 2/12", DateKind.eviction),
        ("l'expulsion est prévue le 2 décembre", DateKind.eviction),
        ("l'huissier vient mardi prochain", DateKind.eviction),
        ("eviction on December 2", DateKind.eviction),
        ("the bailiff is coming next tuesday", DateKind.eviction),
        ("ik kreeg op 3 november een brief", DateKind.letter),
        ("aangetekend verstuurd op 3/11", DateKind.letter),
        ("j'ai reçu une lettre le 3 novembre", DateKind.letter),
        ("a letter dated November 3", DateKind.letter),
        ("het vonnis werd betekend op 3 november", DateKind.judgment_served),
        ("le jugement a été signifié le 3 novembre", DateKind.judgment_served),
        ("the judgment was served on November 3", DateKind.judgment_served),
        ("het vonnis van 3 november", DateKind.judgment),
        ("mijn bezittingen staan sinds 3 november buiten", None),
    ],
)
def test_kind_from_nearby_words(text: str, kind: DateKind | None) -> None:
    assert one(text).kind is kind


@pytest.mark.parametrize("text", ["morgen", "14/01", "ik bel je dinsdag", "see you tomorrow"])
def test_no_kind_without_a_keyword(text: str) -> None:
    assert one(text).kind is None


def test_kind_does_not_cross_sentences() -> None:
    found = one("De zitting was fijn. Morgen bel ik je.")
    assert found.kind is None


# ----------------------------------------------------------- not dates, weird input


@pytest.mark.parametrize(
    "text",
    [
        "ik heb 2 maanden huurachterstand",
        "j'ai 2 mois de retard",
        "I am 2 months behind",
        "mijn huur is 750 euro",
        "ik moet 1.200 euro betalen",
        "12.50 euro per dag",
        "3.5 maanden achterstand",
        "ik heb 3 kinderen",
        "ik woon in 3500 Hasselt",
        "ik ben 45 jaar",
        "bel me om 3 uur",
        "in mei",
        "in december 2 keer te laat betaald",
        "mijn nummer is 0470/12.34.56",
        "kga mijn huur te laat betalen, is da erg",
        "een paar dagen",
        "ik heb een vraag over 2 maanden huurachterstand",
        "in 3 months of rent arrears",
        "hallo",
    ],
)
def test_numbers_that_are_not_dates(text: str) -> None:
    assert parse_dates(text, TODAY) == []


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "😀😀😀",
        "🏠💶⚖️",
        "1/1/1",
        "31/02",
        "31/02/2027",
        "31/11",
        "00/00",
        "99/99/9999",
        "14/13",
        "\x00\x01\x02\x7f\xff",
        bytes(range(256)).decode("latin-1") * 40,
        "a" * 10_000,
        "////----....",
        "((((((((((",
        "[a-z]+\\",
        "\ud800",
    ],
)
def test_weird_input_returns_empty(text: str) -> None:
    assert parse_dates(text, TODAY) == []


@pytest.mark.parametrize("bad", [None, 42, b"14/01", ["14/01"]])
def test_non_string_text_returns_empty(bad: object) -> None:
    assert parse_dates(bad, TODAY) == []  # type: ignore[arg-type]


def test_bad_today_returns_empty() -> None:
    assert parse_dates("14/01", None) == []  # type: ignore[arg-type]
    assert parse_dates("14/01", "2026-11-25") == []  # type: ignore[arg-type]


def test_datetime_today_is_accepted() -> None:
    assert one("morgen", today=datetime.datetime(2026, 11, 25, 23, 59)).date == D(2026, 11, 26)


def test_long_text_is_bounded_and_fast() -> None:
    text = "de zitting is op 14/01 en ik heb 2 maanden achterstand. " * 300
    assert len(text) > 10_000
    found = parse_dates(text, TODAY)
    assert len(found) == MAX_RESULTS
    assert all(f.date == D(2027, 1, 14) and f.kind is DateKind.hearing for f in found)


def test_random_unicode_never_raises() -> None:
    import random

    rng = random.Random(1234)
    for _ in range(20):
        text = "".join(chr(rng.randint(1, 0x2FFF)) for _ in range(500))
        assert isinstance(parse_dates(text, TODAY), list)


# -------------------------------------------------------- language, determinism, API


def test_language_narrows_the_vocabulary() -> None:
    assert parse_dates("le 2 décembre", TODAY, "nl") == []
    assert one("le 2 décembre", language="fr").date == D(2026, 12, 2)
    assert one("le 2 décembre", language="fr-BE").date == D(2026, 12, 2)
    assert one("le 2 décembre", language="xx").date == D(2026, 12, 2)  # unknown: all languages
    assert one("14/01", language="en").date == D(2027, 1, 14)  # numbers are day-first always


def test_results_are_in_text_order_and_do_not_overlap() -> None:
    text = "Brief van 3/11, zitting dinsdag 1 december, deurwaarder over twee weken, of morgen?"
    found = parse_dates(text, TODAY, "nl")
    assert [f.text for f in found] == ["3/11", "dinsdag 1 december", "over twee weken", "morgen"]
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_depends_only_on_today() -> None:
    text = "zitting op 14/01, deurwaarder volgende dinsdag, brief van gisteren"
    first = parse_dates(text, TODAY)
    assert parse_dates(text, TODAY) == first
    later = parse_dates(text, TODAY + datetime.timedelta(days=7))
    assert [f.date for f in later] == [D(2027, 1, 14), D(2026, 12, 8), D(2026, 12, 1)]


def test_parsed_date_is_frozen_and_serialisable() -> None:
    found = one("de zitting is op 14/01")
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.date = TODAY  # type: ignore[misc]
    assert json.loads(json.dumps(found.to_dict())) == {
        "date": "2027-01-14",
        "text": "14/01",
        "start": 17,
        "end": 22,
        "kind": "hearing",
        "resolved_as": "next",
    }


def test_accents_and_case_keep_the_original_span() -> None:
    found = one("L'AUDIENCE EST LE 2 DÉCEMBRE")
    assert found.text == "2 DÉCEMBRE"
    assert found.kind is DateKind.hearing


def test_import_does_no_io() -> None:
    """Importing the modules loads neither dateparser nor the lexicons."""
    code = (
        "import sys, actions.dates, actions.triage, vocabulary.lexicons as t;"
        "assert 'dateparser' not in sys.modules, 'dateparser imported eagerly';"
        "assert t._crisis_lexicon.cache_info().currsize == 0;"
        "assert 'rasa' not in sys.modules and 'rasa_sdk' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------- tr, ar, pl, ro, uk (lexicon languages)

# (language, text, expected date, expected span, expected kind); today is Wednesday 2026-11-25.
LEXICON_PHRASES = [
    # an absolute date with a month name, inflected as tenants write it
    ("tr", "duruşmam 14 ocakta", D(2027, 1, 14), "14 ocakta", DateKind.hearing),
    ("tr", "3 Mart'ta mahkeme var", D(2027, 3, 3), "3 Mart'ta", DateKind.hearing),
    ("ar", "الجلسة يوم 3 ديسمبر", D(2026, 12, 3), "3 ديسمبر", DateKind.hearing),
    ("ar", "الجلسة يوم ٣ ديسمبر", D(2026, 12, 3), "٣ ديسمبر", DateKind.hearing),  # Arabic-Indic digit
    ("ar", "غادي يخرجوني نهار 3 دجنبر", D(2026, 12, 3), "3 دجنبر", DateKind.eviction),  # Moroccan month
    ("pl", "rozprawa jest 3 grudnia", D(2026, 12, 3), "3 grudnia", DateKind.hearing),
    ("pl", "komornik przyjdzie 14 stycznia", D(2027, 1, 14), "14 stycznia", DateKind.eviction),
    ("ro", "am ședință la judecătorie pe 14 ianuarie", D(2027, 1, 14), "14 ianuarie", DateKind.hearing),
    ("ro", "evacuarea e programata pe 5 mai", D(2027, 5, 5), "5 mai", DateKind.eviction),
    ("uk", "3 грудня виселення", D(2026, 12, 3), "3 грудня", DateKind.eviction),
    ("uk", "засідання 14 січня", D(2027, 1, 14), "14 січня", DateKind.hearing),
    # "next tuesday" (and the plain weekday, in its case forms)
    ("tr", "duruşma gelecek salı", D(2026, 12, 1), "gelecek salı", DateKind.hearing),
    ("tr", "salıya icra geliyor", D(2026, 12, 1), "salıya", DateKind.eviction),
    ("ar", "الجلسة الثلاثاء القادم", D(2026, 12, 1), "الثلاثاء القادم", DateKind.hearing),
    ("ar", "الهويسيي جاي الثلاثاء الجاي", D(2026, 12, 1), "الثلاثاء الجاي", DateKind.eviction),
    ("pl", "rozprawa w przyszły wtorek", D(2026, 12, 1), "w przyszły wtorek", DateKind.hearing),
    ("pl", "komornik w piątek przychodzi", D(2026, 11, 27), "piątek", DateKind.eviction),
    ("ro", "ședința e marțea viitoare", D(2026, 12, 1), "marțea viitoare", DateKind.hearing),
    ("ro", "vine executorul luni", D(2026, 11, 30), "luni", DateKind.eviction),
    ("uk", "засідання у наступний вівторок", D(2026, 12, 1), "у наступний вівторок", DateKind.hearing),
    ("uk", "виконавець прийде в п’ятницю", D(2026, 11, 27), "п’ятницю", DateKind.eviction),
    # "in a week", "in 3 days", number words and the Arabic dual
    ("tr", "tahliye 3 gün sonra", D(2026, 11, 28), "3 gün sonra", DateKind.eviction),
    ("tr", "bir hafta sonra duruşma", D(2026, 12, 2), "bir hafta sonra", DateKind.hearing),
    ("tr", "mahkeme 10 gün içinde", D(2026, 12, 5), "10 gün içinde", DateKind.hearing),
    ("ar", "الإخلاء بعد أسبوع", D(2026, 12, 2), "بعد أسبوع", DateKind.eviction),
    ("ar", "بعد 3 أيام الإخلاء", D(2026, 11, 28), "بعد 3 أيام", DateKind.eviction),
    ("ar", "المحكمة بعد يومين", D(2026, 11, 27), "بعد يومين", DateKind.hearing),
    ("ar", "الجلسة خلال اسبوعين", D(2026, 12, 9), "خلال اسبوعين", DateKind.hearing),
    ("pl", "za tydzień komornik przyjdzie", D(2026, 12, 2), "za tydzień", DateKind.eviction),
    ("pl", "eksmisja za 3 dni", D(2026, 11, 28), "za 3 dni", DateKind.eviction),
    ("pl", "eksmisja za dwa tygodnie", D(2026, 12, 9), "za dwa tygodnie", DateKind.eviction),
    ("ro", "executorul vine peste 3 zile", D(2026, 11, 28), "peste 3 zile", DateKind.eviction),
    ("ro", "evacuarea e peste o săptămână", D(2026, 12, 2), "peste o săptămână", DateKind.eviction),
    ("uk", "засідання суду через тиждень", D(2026, 12, 2), "через тиждень", DateKind.hearing),
    ("uk", "виселення через 3 дні", D(2026, 11, 28), "через 3 дні", DateKind.eviction),
    ("uk", "суд за два тижні", D(2026, 12, 9), "за два тижні", DateKind.hearing),
    # today, tomorrow, the day after tomorrow
    ("tr", "yarın sabah tahliye", D(2026, 11, 26), "yarın sabah", DateKind.eviction),
    ("tr", "yarından sonra duruşma", D(2026, 11, 27), "yarından sonra", DateKind.hearing),
    ("ar", "عندي محكمة بكرا", D(2026, 11, 26), "بكرا", DateKind.hearing),
    ("ar", "غداً المحكمة", D(2026, 11, 26), "غداً", DateKind.hearing),
    ("pl", "komornik będzie jutro", D(2026, 11, 26), "jutro", DateKind.eviction),
    ("ro", "sedinta e poimaine la 9", D(2026, 11, 27), "poimaine", DateKind.hearing),
    ("uk", "післязавтра засідання", D(2026, 11, 27), "післязавтра", DateKind.hearing),
    # a letter received some time ago: past
    ("tr", "taahhütlü mektup 3 gün önce geldi", D(2026, 11, 22), "3 gün önce", DateKind.letter),
    ("ar", "وصلتني رسالة مضمونة قبل يومين", D(2026, 11, 23), "قبل يومين", DateKind.letter),
    ("ar", "وصلتني رسالة من 3 ايام", D(2026, 11, 22), "من 3 ايام", DateKind.letter),
    ("pl", "list polecony przyszedł 3 dni temu", D(2026, 11, 22), "3 dni temu", DateKind.letter),
    ("ro", "am primit o scrisoare recomandată acum 3 zile", D(2026, 11, 22), "acum 3 zile", DateKind.letter),
    ("uk", "отримала рекомендований лист тиждень тому", D(2026, 11, 18), "тиждень тому", DateKind.letter),
]


@pytest.mark.parametrize(("language", "text", "expected", "span", "kind"), LEXICON_PHRASES)
def test_lexicon_languages(language: str, text: str, expected: D, span: str, kind: DateKind) -> None:
    found = one(text, language=language)
    assert (found.date, found.text, found.kind) == (expected, span, kind)
    assert text[found.start : found.end] == span


@pytest.mark.parametrize(("language", "text", "expected", "span", "kind"), LEXICON_PHRASES)
def test_lexicon_languages_without_language(
    language: str, text: str, expected: D, span: str, kind: DateKind
) -> None:
    found = one(text)
    assert (found.date, found.kind) == (expected, kind)


@pytest.mark.parametrize(
    ("language", "hearing", "eviction", "letter"),
    [
        ("tr", "duruşma 3 aralık", "tahliye 3 aralık", "ihtarname 3 aralık"),
        ("ar", "الجلسة 3 ديسمبر", "الإخلاء 3 ديسمبر", "الرسالة 3 ديسمبر"),
        ("pl", "rozprawa 3 grudnia", "eksmisja 3 grudnia", "list polecony 3 grudnia"),
        ("ro", "ședința 3 decembrie", "evacuarea 3 decembrie", "scrisoarea recomandată 3 decembrie"),
        ("uk", "засідання 3 грудня", "виселення 3 грудня", "рекомендований лист 3 грудня"),
    ],
)
def test_lexicon_kind_cues(language: str, hearing: str, eviction: str, letter: str) -> None:
    # Hearings and evictions lie ahead; a letter dated 3 December was received last year.
    assert (one(hearing, language=language).kind, one(hearing, language=language).date) == (
        DateKind.hearing,
        D(2026, 12, 3),
    )
    assert (one(eviction, language=language).kind, one(eviction, language=language).date) == (
        DateKind.eviction,
        D(2026, 12, 3),
    )
    found = one(letter, language=language)
    assert (found.kind, found.date, found.resolved_as) == (DateKind.letter, D(2025, 12, 3), "previous")


@pytest.mark.parametrize(
    ("language", "text", "kind"),
    [
        ("tr", "karar 2 hafta önce tebliğ edildi", DateKind.judgment_served),
        ("pl", "wyrok doręczono 3 listopada", DateKind.judgment_served),
        ("uk", "рішення суду 5 листопада", DateKind.judgment),  # "суду" (court) inside the phrase
        ("ar", "حكم المحكمة 5 نوفمبر", DateKind.judgment),
        ("ro", "hotărârea instanței 5 noiembrie", DateKind.judgment),
    ],
)
def test_lexicon_judgment_cues(language: str, text: str, kind: DateKind) -> None:
    found = one(text, language=language)
    assert found.kind is kind
    assert found.date < TODAY  # a judgment is in the past by nature


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("ro", "am 2 luni de chirie neplătită"),  # "luni": months after a number, not Monday
        ("ro", "cate luni garantie poate cere proprietarul"),
        ("ar", "متأخر شهرين في الإيجار"),  # two months behind, not a date
        ("ar", "انا وولادي الاتنين برا بلا بيت"),  # "the two", not Monday
        ("ar", "ساكن عند صاحبي من يوم طردوني"),  # "since the day", not "a day ago"
        ("tr", "pazara gittim"),  # the market, not Sunday
        ("tr", "3 aylık kira borcum var"),
        ("pl", "zalegam za 2 miesiące czynszu"),  # owed rent, not a date two months ahead
        ("pl", "jestem winna za 2 miesiące"),
        ("uk", "я винна за три місяці, 2400 євро"),
        ("pl", "mam 3 dzieci"),
    ],
)
def test_lexicon_amounts_and_lookalikes_are_not_dates(language: str, text: str) -> None:
    assert parse_dates(text, TODAY, language) == []


def test_lexicon_past_weekday_and_next_week() -> None:
    assert one("rozprawa była w zeszły czwartek", language="pl").date == D(2026, 11, 19)
    assert one("vonnis прийшов минулого понеділка", language="uk").date == D(2026, 11, 23)
    assert one("الجلسة كانت الخميس الماضي", language="ar").date == D(2026, 11, 19)
    # "haftaya salı" is the Tuesday of next week, also when today is a Monday
    monday = D(2026, 11, 30)
    assert one("haftaya salı duruşma", today=monday, language="tr").date == D(2026, 12, 8)
    assert one("gelecek salı duruşma", today=monday, language="tr").date == D(2026, 12, 1)
    assert one("deurwaarder vine saptamana viitoare", language="ro").date == D(2026, 12, 2)


def test_words_that_are_other_languages_chat_need_the_language() -> None:
    # Turkish "dün" (yesterday) folds to Dutch "dun" (thin).
    assert one("mektup dün geldi", language="tr").date == D(2026, 11, 24)
    assert parse_dates("de muren zijn dun", TODAY) == []
    # Polish "sąd" (court) folds to English "sad".
    assert one("mam sąd za 10 dni", language="pl").kind is DateKind.hearing
    assert one("I am sad, in 10 days").kind is None


def test_lexicon_language_narrows_and_unknown_checks_all() -> None:
    assert parse_dates("rozprawa jest 3 grudnia", TODAY, "nl") == []
    assert parse_dates("3 december", TODAY, "pl") == []
    assert one("rozprawa jest 3 grudnia", language="pl-PL").date == D(2026, 12, 3)
    assert one("rozprawa jest 3 grudnia", language="xx").date == D(2026, 12, 3)


def test_lexicon_files_have_every_month_and_weekday() -> None:
    from actions.dates import SUPPORTED_LANGUAGES, load_words
    from vocabulary.languages import ALL_LANGUAGES

    assert SUPPORTED_LANGUAGES == ALL_LANGUAGES
    for language in ("tr", "ar", "pl", "ro", "uk"):
        words = load_words(language)
        assert words["language"] == language
        assert len(words["months"]) == 12 and all(words["months"])
        assert len(words["weekdays"]) == 7 and all(words["weekdays"])
        assert set(words["cues"]) >= {"hearing", "eviction", "letter", "judgment"}
    assert load_words("nl") == {}
