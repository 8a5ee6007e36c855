"""Sticky language choice."""

from __future__ import annotations

import pytest

from bot.language import choose_language, detect


@pytest.mark.parametrize("short", ["ok", "ja", "merci", "1", "👍", "oui", "yes please"])
def test_short_replies_never_switch_the_language(short: str) -> None:
    assert choose_language("nl", short) == "nl"
    assert choose_language("fr", short) == "fr"


def test_a_clear_long_message_switches() -> None:
    assert choose_language("nl", "Bonjour, j'ai reçu une lettre recommandée de mon propriétaire") == "fr"
    assert choose_language("fr", "Hello, I received a letter from my landlord about the rent") == "en"


def test_new_conversation_uses_hint_then_detection() -> None:
    assert choose_language(None, "hallo") == "nl"
    assert choose_language(None, "hi", hint="en") == "en"
    assert choose_language(None, "ik heb een brief gekregen van de deurwaarder over mijn huur") == "nl"


def test_detection_is_deterministic_and_restricted() -> None:
    text = "ik kan mijn huur deze maand niet betalen"
    results = {detect(text) for _ in range(5)}
    assert len(results) == 1
    language = results.pop()
    assert language is not None and language[0] == "nl"
    assert detect("🙂🙂") is None
