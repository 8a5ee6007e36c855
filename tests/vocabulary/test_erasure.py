"""The tenant's privacy requests in eight languages (vocabulary/lexicon/erasure.yml)."""

from __future__ import annotations

import re

import pytest

from bot import texts
from vocabulary.erasure import PrivacyRequest, confirmation_answer, phrases, privacy_request
from vocabulary.languages import SUPPORTED_LANGUAGES

REQUESTS = {
    "nl": ["Verwijder mijn gesprek", "verwijder m'n gesprek aub", "kwil gesprek verwijderen", "wis alles"],
    "fr": ["Supprimez ma conversation, s'il vous plaît", "je veux effacer mes données", "tout supprimer"],
    "en": ["Delete my conversation", "please delete my data", "I'd like to erase my chat", "forget me"],
    "tr": ["Konuşmamı sil", "lütfen verilerimi silin", "konusmami silmek istiyorum"],
    "ar": ["احذف محادثتي", "أريد حذف محادثتي", "امسح بياناتي من فضلك"],
    "pl": ["Usuń moją rozmowę", "usun moja rozmowe prosze", "chcę usunąć moje dane"],
    "ro": ["Șterge conversația mea", "vreau să șterg conversația", "stergeti datele mele va rog"],
    "uk": ["Видаліть мою розмову", "видали мою розмову, будь ласка", "хочу видалити мої дані"],
}
WITHDRAWALS = {
    "nl": "Ik trek mijn toestemming in",
    "fr": "Je retire mon consentement",
    "en": "I withdraw my consent",
    "tr": "Onayımı geri alıyorum",
    "ar": "أسحب موافقتي",
    "pl": "Wycofuję zgodę",
    "ro": "Îmi retrag consimțământul",
    "uk": "Відкликаю згоду",
}
NOT_REQUESTS = [
    "mijn huisbaas zegt: verwijder mijn gesprek met hem",
    "kan ik een brief van de deurwaarder laten verwijderen?",
    "verwijder",
    "delete",
    "ik wil mijn huur betalen",
    "hallo",
    "",
    "verwijder mijn gesprek " + "en nog veel meer " * 10,
]


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_requests_in_every_language(language: str) -> None:
    for text in REQUESTS[language]:
        assert privacy_request(text) == PrivacyRequest("erase", language), text
    assert privacy_request(WITHDRAWALS[language]) == PrivacyRequest("withdraw", language)


def test_a_story_that_mentions_deleting_is_no_request() -> None:
    for text in NOT_REQUESTS:
        assert privacy_request(text) is None, text


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_buttons_and_plain_yes_and_no_answer_the_question(language: str) -> None:
    assert confirmation_answer(texts.text("erase_yes", language)) is True
    assert confirmation_answer(texts.text("erase_no", language)) is False
    assert confirmation_answer(texts.text("erase_confirm", language)) is None
    assert all(confirmation_answer(word) is True for word in phrases("confirm")[language])
    assert all(confirmation_answer(word) is False for word in phrases("decline")[language])


def test_doubt_never_erases() -> None:
    assert confirmation_answer("misschien") is None
    assert confirmation_answer("ja nee") is None
    assert confirmation_answer("nee dank je") is False


@pytest.mark.parametrize("language", SUPPORTED_LANGUAGES)
def test_the_consent_reply_names_a_request_that_works(language: str) -> None:
    found = re.findall(r"«\s*([^»]+?)\s*»|„([^”]+)”|'([^']+)'", texts.text("consent_withdrawn", language))
    quoted = "".join(found[-1]) if found else ""
    assert privacy_request(quoted) == PrivacyRequest("erase", language), quoted


def test_english_yes_and_no_are_words_not_yaml_booleans() -> None:
    assert confirmation_answer("yes") is True and confirmation_answer("No") is False
    assert "true" not in phrases("confirm")["en"] and "false" not in phrases("decline")["en"]
