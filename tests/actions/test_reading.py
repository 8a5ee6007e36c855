"""Reading a story sentence by sentence: sentence ends and events in the distant past."""

from __future__ import annotations

import datetime as dt

import pytest

from actions.reading import is_past_event, split_sentences

TODAY = dt.date(2026, 12, 5)


def test_sentences_keep_their_offsets_and_numbers_are_no_sentence_ends() -> None:
    text = "Ik kreeg op 12.12.2026 een brief. Het gaat om 1.250 euro!\nDe zitting is op 3 jan; help"
    sentences = split_sentences(text)
    assert [s.text.strip() for s in sentences] == [
        "Ik kreeg op 12.12.2026 een brief.",
        "Het gaat om 1.250 euro!",
        "De zitting is op 3 jan;",
        "help",
    ]
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text


def test_an_empty_text_has_no_sentences() -> None:
    assert split_sentences("   ") == []
    assert [s.text for s in split_sentences("ok")] == ["ok"]


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("mijn zus werd vorig jaar uitgezet", "nl"),
        ("in 2021 kreeg ik al een ingebrekestelling", "nl"),
        ("il y a trois ans j'ai été expulsé", "fr"),
        ("we were evicted two years ago", "en"),
        ("back in 2019 I had a possession order", "en"),
        ("gecen yil evden atildik", "tr"),
        ("w zeszłym roku dostałam wyrok eksmisji", "pl"),
        ("acum 3 ani am fost evacuat", "ro"),
        ("минулого року нас виселили", "uk"),
        ("طردونا من البيت العام الماضي", "ar"),
    ],
)
def test_events_a_year_or_more_ago_are_past(sentence: str, language: str) -> None:
    assert is_past_event(sentence, TODAY, language)


@pytest.mark.parametrize(
    ("sentence", "language"),
    [
        ("ik kreeg twee weken geleden een dagvaarding", "nl"),
        ("vorig jaar een vonnis en nu komt de deurwaarder", "nl"),
        ("nu am platit chiria de 2 luni", "ro"),  # Romanian "nu" is "not", not Dutch "now"
        ("I have to leave by 2027", "en"),
        ("la audiencia es el 3 de diciembre 2026", None),
        ("sinds mei zoeken we een woning", "nl"),
    ],
)
def test_recent_and_present_events_are_not_past(sentence: str, language: str | None) -> None:
    assert not is_past_event(sentence, TODAY, language)


@pytest.mark.parametrize(
    ("sentence", "language", "past"),
    [
        # A full date of last December is weeks ago in January: the current case.
        ("het vonnis werd betekend op 30 december 2026", "nl", False),
        ("le jugement a été signifié le 30/12/2026", "fr", False),
        ("on 12 March 2026 I got a letter", "en", False),
        # A full date more than a year ago, or a bare earlier year, stays past.
        ("op 3 januari 2026 kreeg ik een brief", "nl", True),
        ("in 2021 kreeg ik al een ingebrekestelling", "nl", True),
    ],
)
def test_an_earlier_year_in_a_full_date_within_a_year_is_recent(
    sentence: str, language: str, past: bool
) -> None:
    assert is_past_event(sentence, dt.date(2027, 1, 10), language) is past
