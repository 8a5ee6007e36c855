"""What the router lets through to Rasa, and how it cleans tenant text."""

from __future__ import annotations

import pytest

from bot.messages import Button
from bot.router import CRISIS_INTENT, UNREADABLE_INTENT, clean_text, text_for_rasa

OFFERED = [
    Button("Wat kan je doen?", "/capabilities"),
    Button("Ik wil met een mens praten", "/request_human"),
]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("/restart", "/capabilities"),
        ("/RESTART", "/capabilities"),
        ('/greet{"x": 1}', "/capabilities"),
        ('  //request_human{"priority": "S"}', "/capabilities"),
        ('/inform{"stage": "judgment"}', "/capabilities"),
        ("/ session_start", "/capabilities"),
        ("/crisis", "/capabilities"),
        ("/start", "/greet"),
        ("/stop", "/goodbye"),
        ("/", UNREADABLE_INTENT),
        ("/ik wil dood", "ik wil dood"),
        ("/ mijn huisbaas wil me eruit", "mijn huisbaas wil me eruit"),
    ],
)
def test_typed_intent_syntax_never_reaches_rasa_as_an_intent(typed: str, expected: str) -> None:
    result = text_for_rasa(typed, None, OFFERED)
    assert result == expected
    # Only the three harmless intents (or plain text) come out of a typed slash.
    assert result in (UNREADABLE_INTENT, "/capabilities", "/greet", "/goodbye") or not result.startswith("/")


def test_pressed_button_payload_passes_only_when_it_was_offered() -> None:
    assert text_for_rasa("Wat kan je doen?", "/capabilities", OFFERED) == "/capabilities"
    # A forged payload that the bot never offered is treated as plain text.
    forged = text_for_rasa("/restart", "/restart", OFFERED)
    assert forged == "/capabilities"


def test_typed_button_title_counts_as_pressing_it() -> None:
    assert text_for_rasa("ik wil met een mens praten", None, OFFERED) == "/request_human"
    assert text_for_rasa("wat kan je doen?", None, []) == "wat kan je doen?"


@pytest.mark.parametrize("text", ["🙂", "👍👍", "???", "…", "😭 !!", "-_-"])
def test_messages_without_letters_or_digits_become_the_unreadable_intent(text: str) -> None:
    assert text_for_rasa(text, None, OFFERED) == UNREADABLE_INTENT


@pytest.mark.parametrize("text", ["hallo 👋", "14/01", "ok", "مرحبا", "привіт"])
def test_messages_with_letters_or_digits_go_to_nlu(text: str) -> None:
    assert text_for_rasa(text, None, []) == text


def test_clean_text_removes_control_characters_and_normalises() -> None:
    assert clean_text("  hal\x00lo\x07 \n") == "hallo"
    assert clean_text("e\u0301") == "é"  # NFC: one code point, as the tenant sees it
    assert clean_text("lone \ud800 surrogate") == "lone  surrogate"
    assert clean_text("regel 1\nregel 2\tverder") == "regel 1\nregel 2\tverder"


def test_a_crisis_goes_to_rasa_as_the_crisis_intent_whatever_else() -> None:
    assert text_for_rasa("ik wil dood", None, OFFERED, crisis=True) == CRISIS_INTENT
    assert text_for_rasa("Wat kan je doen?", "/capabilities", OFFERED, crisis=True) == CRISIS_INTENT
