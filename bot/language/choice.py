"""The language to answer a message in: an explicit request, else sticky detection."""

from __future__ import annotations

from bot.language.requested import requested_language
from bot.language.scores import detect
from bot.language.text import long_enough_to_judge
from bot.language.unsupported import unsupported_language
from vocabulary.languages import SUPPORTED_LANGUAGES

#: And the combined detectors must give the language more than all others together
#: (the top answer is right on every dev message of three words or more; being stricter
#: only kept clear messages such as "je sais pas si je dois aller au tribunal" from switching).
MIN_PROBABILITY_TO_SWITCH = 0.50


def choose_language(current: str | None, text: str, hint: str | None = None) -> str:
    """Language to answer ``text`` in, given the conversation's ``current`` language.

    An explicit request ("english please") wins. ``hint`` (for example Telegram's
    ``language_code``) is used for a conversation that has no language yet. Otherwise the
    language only changes on a message long enough to judge that is clearly in another
    switched-on language; short replies ("ok", "merci", "da", "так") never change it, and
    neither does a message in a language we do not speak.
    """
    return choose_language_among(current, text, SUPPORTED_LANGUAGES, hint)


def choose_language_among(
    current: str | None, text: str, languages: tuple[str, ...], hint: str | None = None
) -> str:
    """``choose_language`` with the switched-on ``languages`` given (the first is the fallback).

    Lets the tests and the benchmark judge all eight languages before their content lands.
    """
    requested = requested_language(text)
    if requested in languages:
        return requested
    if current is None:
        current = hint if hint in languages else languages[0]
        if hint in languages and not long_enough_to_judge(text):
            return current
    if not long_enough_to_judge(text):
        return current
    detected = detect(text)
    if (
        detected is None
        or detected[0] == current
        or detected[0] not in languages
        or detected[1] < MIN_PROBABILITY_TO_SWITCH
        or unsupported_language(text) is not None
    ):
        return current
    return detected[0]
