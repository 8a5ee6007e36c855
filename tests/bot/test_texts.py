"""The gateway's own texts exist in every supported language and fill in their values."""

from __future__ import annotations

import string

import pytest

from bot.language import SUPPORTED_LANGUAGES
from bot.texts import TEXTS, text


@pytest.mark.parametrize("key", sorted(TEXTS))
def test_every_text_in_every_language_with_the_same_fields(key: str) -> None:
    variants = TEXTS[key]
    assert set(variants) == set(SUPPORTED_LANGUAGES)
    fields = {lang: {f for _, f, _, _ in string.Formatter().parse(t) if f} for lang, t in variants.items()}
    assert len({frozenset(f) for f in fields.values()}) == 1, fields


def test_values_are_filled_in_and_unknown_languages_fall_back_to_dutch() -> None:
    assert "nummer 3" in text("waiting", "nl", position=3)
    assert "numéro 3" in text("waiting", "fr", position=3)
    assert text("cancelled", "xx") == text("cancelled", "nl")
