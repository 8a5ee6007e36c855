"""Language detection: deterministic, sticky, explicit requests, languages we do not speak."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.language import (
    choose_language,
    choose_language_among,
    detect,
    requested_language,
    unsupported_language,
)
from vocabulary.languages import ALL_LANGUAGES, SUPPORTED_LANGUAGES

DEV_SET = Path(__file__).resolve().parents[1] / "data" / "lang_dev.jsonl"

SHORT_REPLIES = {
    "nl": ["ok", "ja", "nee", "merci", "dank u", "awel", "👍"],
    "fr": ["oui", "non", "merci", "d'accord", "ok merci", "merci beaucoup"],
    "en": ["ok", "yes", "thanks", "yes please", "1", "thank you"],
    "tr": ["evet", "hayır", "tamam", "teşekkürler", "sağol"],
    "ar": ["نعم", "لا", "شكرا", "تمام", "👍"],
    "pl": ["tak", "nie", "dzięki", "dobra", "dziękuję bardzo"],
    "ro": ["da", "nu", "mulțumesc", "mersi", "bine"],
    "uk": ["так", "ні", "дякую", "добре", "дуже дякую"],
}

CLEAR_MESSAGES = {
    "nl": "kga ni weten wa da ik moet doen, de deurwaarder was hier vandaag",
    "fr": "Bonjour, j'ai reçu une lettre recommandée de mon propriétaire",
    "en": "Hello, I received a letter from my landlord about the rent",
    "tr": "ev sahibi kirayi odemedigim icin beni evden atmak istiyor",
    "ar": "صاحب البيت يريد أن يطردني لأنني لم أدفع الإيجار",
    "pl": "wlasciciel mieszkania chce mnie wyrzucic bo nie zaplacilem czynszu",
    "ro": "proprietarul vrea sa ma dea afara pentru ca nu am platit chiria",
    "uk": "власник квартири хоче мене виселити бо я не заплатив оренду",
}


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_short_replies_never_switch_in_any_language(language: str) -> None:
    for short in [*SHORT_REPLIES[language], "1", "👍", "ok"]:
        for current in ALL_LANGUAGES:
            assert choose_language_among(current, short, ALL_LANGUAGES) == current


@pytest.mark.parametrize("short", ["ok", "ja", "merci", "1", "oui", "evet", "tak", "da", "так", "نعم", "👍"])
def test_short_replies_from_the_issue_never_switch(short: str) -> None:
    for current in SUPPORTED_LANGUAGES:
        assert choose_language(current, short) == current


@pytest.mark.parametrize("language", ALL_LANGUAGES)
def test_a_clear_longer_message_switches(language: str) -> None:
    for current in ALL_LANGUAGES:
        assert choose_language_among(current, CLEAR_MESSAGES[language], ALL_LANGUAGES) == language


def test_choose_language_only_switches_to_switched_on_languages() -> None:
    assert choose_language("nl", "Bonjour, j'ai reçu une lettre recommandée de mon propriétaire") == "fr"
    assert choose_language("fr", "Hello, I received a letter from my landlord about the rent") == "en"
    for language in ALL_LANGUAGES:
        expected = language if language in SUPPORTED_LANGUAGES else "nl"
        assert choose_language("nl", CLEAR_MESSAGES[language]) == expected


def test_new_conversation_uses_hint_then_detection() -> None:
    assert choose_language(None, "hallo") == "nl"
    assert choose_language(None, "hi", hint="en") == "en"
    assert choose_language(None, "ik heb een brief gekregen van de deurwaarder over mijn huur") == "nl"
    assert choose_language_among(None, CLEAR_MESSAGES["uk"], ALL_LANGUAGES, hint="nl") == "uk"
    assert choose_language_among(None, "так", ALL_LANGUAGES, hint="uk") == "uk"


def test_detection_is_deterministic() -> None:
    for text in [*CLEAR_MESSAGES.values(), "depozitomu geri vermiyor", "aidez moi svp"]:
        results = {detect(text) for _ in range(5)}
        assert len(results) == 1
    assert detect("🙂🙂") is None
    assert detect("1300 euro, 12/12") is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # Dutch legal words inside other languages do not make them Dutch.
        ("le deurwaarder est passé ce matin", "fr"),
        ("the deurwaarder left a paper at my door", "en"),
        ("a venit deurwaarder azi dimineata", "ro"),
        ("deurwaarder geldi, cok korkuyorum", "tr"),
        # Flemish chat spelling, never Afrikaans.
        ("kga ni weten wa da ik moet doen", "nl"),
        ("is da normaal da ze 3 maand waarborg vragen", "nl"),
        ("ik woon hier al 9 jaar en nu moet ik weg", "nl"),
        ("hoe lang heb ik nog voor ik eruit moet", "nl"),
        # Romanian, Polish and Turkish typed without diacritics.
        ("nu imi da garantia inapoi", "ro"),
        ("am primit o somatie prin posta recomandata", "ro"),
        ("dostalem list z sadu co mam robic", "pl"),
        ("nie rozumiem listu od vrederechter", "pl"),
        ("icra memuru bugun geldi kapiya kagit birakti", "tr"),
        ("elektrigi kesmeye hakki var mi", "tr"),
        # Ukrainian, never Russian, Bulgarian or Macedonian; Arabic by its script.
        ("коли вони можуть мене виселити", "uk"),
        ("де знайти екстрене житло", "uk"),
        ("شنو ندير دابا", "ar"),
    ],
)
def test_hard_short_messages(text: str, language: str) -> None:
    detected = detect(text)
    assert detected is not None and detected[0] == language
    assert unsupported_language(text) is None


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("in het Frans aub", "fr"),
        ("english please", "en"),
        ("kan het in het Turks?", "tr"),
        ("parlez-vous arabe", "ar"),
        ("türkçe lütfen", "tr"),
        ("po polsku proszę", "pl"),
        ("în română vă rog", "ro"),
        ("українською будь ласка", "uk"),
        ("بالعربي من فضلك", "ar"),
        ("can you speak ukrainian", "uk"),
        ("Spreekt u Engels?", "en"),
        ("en français svp", "fr"),
        ("Nederlands", "nl"),
        ("can we continue in dutch please", "nl"),
        ("po rumunsku prosze", "ro"),
        ("vorbiti romana?", "ro"),
        ("ممكن بالانجليزي", "en"),
        ("türkçe konuşabilir misiniz", "tr"),
    ],
)
def test_explicit_requests(text: str, language: str) -> None:
    assert requested_language(text) == language
    assert choose_language_among("nl" if language != "nl" else "fr", text, ALL_LANGUAGES) == language


@pytest.mark.parametrize(
    "text",
    [
        "ik heb een Franse verhuurder",
        "my landlord is Polish",
        "ik spreek geen Frans",
        "i don't speak dutch",
        "mijn buurman is Turks en hij helpt mij",
        "english or french?",
        "ok",
        "",
        "my landlord speaks only english and i do not understand the letter he sent",
    ],
)
def test_not_requests(text: str) -> None:
    assert requested_language(text) is None


def test_a_request_for_a_language_not_switched_on_keeps_the_conversation() -> None:
    for language in ALL_LANGUAGES:
        if language not in SUPPORTED_LANGUAGES:
            assert choose_language("nl", "in het Turks aub".replace("Turks", _dutch_name(language))) == "nl"


def _dutch_name(language: str) -> str:
    return {
        "nl": "Nederlands",
        "fr": "Frans",
        "en": "Engels",
        "tr": "Turks",
        "ar": "Arabisch",
        "pl": "Pools",
        "ro": "Roemeens",
        "uk": "Oekraïens",
    }[language]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("ich kann die miete diesen monat nicht bezahlen und habe angst", "de"),
        ("no puedo pagar el alquiler este mes y tengo miedo", "es"),
        ("ho ricevuto una lettera dal tribunale cosa devo fare", "it"),
        ("recebi uma carta do tribunal o que devo fazer agora", "pt"),
        ("хозяин квартиры хочет меня выселить", "ru"),
        ("я получила письмо из суда что мне делать", "ru"),
        ("получих писмо от съда какво да правя", "bg"),
        ("от съда какво да правя", "bg"),
        ("kam frikë se do të mbetem në rrugë me fëmijët", "sq"),
        ("از دادگاه نامه گرفتم چه کار باید بکنم", "fa"),
        ("Λάβαμε ένα γράμμα από το δικαστήριο σήμερα", "el"),
    ],
)
def test_unsupported_languages_are_named(text: str, code: str) -> None:
    assert unsupported_language(text) == code
    # ...and never switch the conversation to a language we happen to write the same way.
    assert choose_language_among("nl", text, ALL_LANGUAGES) == "nl"


def test_russian_and_ukrainian_are_told_apart() -> None:
    assert unsupported_language("я не можу заплатити оренду цього місяця") is None
    assert unsupported_language("я не могу заплатить за квартиру в этом месяце") == "ru"
    assert unsupported_language("мне нужна помощь с квартирой") == "ru"
    # Without a telling letter or word, never guess Russian for what may be Ukrainian.
    assert unsupported_language("коли вони можуть мене виселити") is None


def test_flemish_is_never_afrikaans_or_unsupported() -> None:
    for text in [
        "kga ni weten wa da ik moet doen",
        "amai, dienen eigenaar is echt ne zot",
        "ik woon hier al 9 jaar en nu moet ik weg",
        "mag de huisbaas de elektriciteit afsluiten",
        "allee, wat een toestand, ik weet het ni meer",
    ]:
        assert unsupported_language(text) is None
        detected = detect(text)
        assert detected is not None and detected[0] == "nl"


@pytest.mark.parametrize("short", ["ok", "hola", "danke schön", "спасибо", "grazie mille", "obrigado"])
def test_short_messages_are_never_called_unsupported(short: str) -> None:
    assert unsupported_language(short) is None


def _dev_rows() -> list[dict[str, object]]:
    with DEV_SET.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def test_dev_set_accuracy_floor() -> None:
    """The issue's bar: right at least 99 in 100 on messages of three words or more.

    Measured on the dev set (the tuning set, so an optimistic figure; the held-out set is in
    ``make lang-report``): 100% of the eight languages' messages of >=3 words, and no
    message in one of them is called unsupported.
    """
    rows = [row for row in _dev_rows() if not row.get("short") and row["language"] in ALL_LANGUAGES]
    long_rows = [row for row in rows if len(str(row["text"]).split()) >= 3]
    assert len(long_rows) >= 8 * 40
    wrong = [row for row in long_rows if (detect(str(row["text"])) or ("", 0.0))[0] != row["language"]]
    assert len(wrong) / len(long_rows) <= 0.01
    assert not [row for row in rows if unsupported_language(str(row["text"])) is not None]


def test_dev_set_short_replies_never_switch() -> None:
    shorts = [row for row in _dev_rows() if row.get("short")]
    assert len(shorts) >= 8 * 10
    for row in shorts:
        for current in ALL_LANGUAGES:
            assert choose_language_among(current, str(row["text"]), ALL_LANGUAGES) == current
