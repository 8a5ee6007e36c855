"""The gateway's own texts exist in every supported language and fill in their values."""

from __future__ import annotations

import datetime as dt
import string

import pytest

from bot.texts import catalog, format_opening, text
from vocabulary.languages import SUPPORTED_LANGUAGES


def _fields(template: str) -> frozenset[str]:
    return frozenset(f for _, f, _, _ in string.Formatter().parse(template) if f)


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_every_language_has_every_text_with_the_same_fields(language: str) -> None:
    dutch = catalog("nl")
    texts = catalog(language)
    assert set(texts) == set(dutch)
    for key, template in texts.items():
        assert template.strip(), key
        assert _fields(template) == _fields(dutch[key]), key


def test_values_are_filled_in_and_unknown_languages_fall_back_to_dutch() -> None:
    assert "nummer 3" in text("waiting", "nl", position=3)
    assert "numéro 3" in text("waiting", "fr", position=3)
    assert text("cancelled", "xx") == text("cancelled", "nl")
    assert text("cancelled", None) == text("cancelled", "nl")


def test_the_next_opening_is_said_in_the_tenants_language() -> None:
    wednesday = dt.datetime(2026, 11, 25, 9, 0)
    assert format_opening(wednesday, "nl") == "woensdag om 09:00"
    assert format_opening(wednesday, "fr") == "mercredi à 09:00"
    assert format_opening(wednesday, "en") == "on Wednesday at 09:00"
    assert format_opening(wednesday, "xx") == "woensdag om 09:00"


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_emergency_reminder_never_sends_danger_to_the_1712_advice_line(language: str) -> None:
    # Issue 11: 1712 is no emergency line; acute danger is 101 or 112, said before 1712.
    reminder = text("emergency_again", language)
    for number in ("112", "101", "1813", "1712"):
        assert number in reminder, number
    after_violence = reminder[reminder.index("1813") :]
    assert after_violence.index("101") < after_violence.index("1712")
