"""Text preparation: the words that can tell languages apart, and the script they are in.

Numbers, amounts, links and the Belgian institutions and legal words that tenants write in
Dutch whatever their language are noise; chat spellings the detectors never saw are
evidence; courtesy replies ("ok", "merci", "так") carry no signal at all.
"""

from __future__ import annotations

import re
import unicodedata

#: A message must have this many words and letters (noise removed) before it may switch.
MIN_WORDS_TO_SWITCH = 3
MIN_LETTERS_TO_SWITCH = 12

WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_NOISE = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|[@#]\w+|\d+(?:[.,]\d+)*(?:ste|de|e|th|st|nd|rd|inde|go)?\b",
    re.UNICODE | re.IGNORECASE,
)

#: Dutch words for Belgian institutions and procedures, and currency, written the same in
#: every language a tenant here types. They say nothing about the language of the message.
_SHARED_WORDS: frozenset[str] = frozenset(
    {
        "deurwaarder",
        "deurwaarders",
        "gerechtsdeurwaarder",
        "vrederechter",
        "vredegerecht",
        "ocmw",
        "cpas",
        "caw",
        "oCMW".lower(),
        "huurwaarborg",
        "woonbureau",
        "sociaal",
        "verhuurkantoor",
        "huisvestingsmaatschappij",
        "pro",
        "deo",
        "euro",
        "euros",
        "eur",
        "interim",
        "ok",
        "oke",
        "okay",
        "merci",
        "sms",
        "whatsapp",
        "telegram",
        # The words on the letters themselves, copied into messages in any language.
        "huurdersbond",
        "huurdersbonden",
        "aangetekende",
        "aangetekend",
        "brief",
        "ingebrekestelling",
        "dagvaarding",
        "verzoekschrift",
        "vonnis",
        "griffie",
        "justitiehuis",
        "woonmaatschappij",
        "huurcontract",
        "huissier",
        "huissiers",
    }
)

#: Chat spellings and function words the detectors' training text (Wikipedia) hardly has.
#: Deliberately short and distinctive: a word shared by two candidates is left out ("nu"
#: is Dutch and Romanian, "nie" Flemish and Polish, "va" French and Romanian, "mersi"
#: Romanian and Turkish, "u" Dutch and English chat, "ya" French and Turkish).
CHAT_WORDS: dict[str, frozenset[str]] = {
    "nl": frozenset(
        {
            "kga",
            "kheb",
            "kben",
            "kzal",
            "kweet",
            "kvind",
            "kmoet",
            "kzit",
            "ni",
            "wa",
            "ge",
            "gij",
            "zijt",
            "zijde",
            "kunde",
            "hebde",
            "allee",
            "awel",
            "amai",
            "tis",
            "ier",
            "nen",
            "mijne",
            "dienen",
            "aub",
            "da's",
            "ik",
            "mijn",
            "niet",
            "heb",
        }
    ),
    "fr": frozenset({"jai", "cest", "chui", "jsuis", "svp", "stp", "slt", "bcp", "pk", "jsp"}),
    "en": frozenset({"im", "cant", "dont", "doesnt", "pls", "plz", "tmrw", "thx", "ur"}),
    "tr": frozenset({"abi", "abla", "bi", "cok", "yardim", "lutfen", "degil", "nasil", "simdi"}),
    "pl": frozenset({"sie", "prosze", "czy", "jest", "mnie", "siema"}),
    "ro": frozenset({"sa", "si", "imi", "rog", "vreau", "sunt"}),
}

#: For vetoing an "unsupported" verdict it does not matter which of ours a word belongs to,
#: so the words that two of our languages share count here too.
OUR_CHAT_WORDS: frozenset[str] = frozenset().union(*CHAT_WORDS.values()) | {
    "nu",
    "nie",
    "va",
    "mersi",
    "ya",
    "u",
}

_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_LATIN = re.compile(r"[a-zA-Z\u00c0-\u024f\u1e00-\u1eff]")

#: Replies that carry no signal about the language: they never count toward a switch.
_COURTESY_WORDS: frozenset[str] = frozenset(
    {
        "ok",
        "oke",
        "okay",
        "merci",
        "thanks",
        "thx",
        "yes",
        "no",
        "ja",
        "nee",
        "oui",
        "non",
        "da",
        "nu",
        "tak",
        "nie",
        "evet",
        "hayir",
        "hayır",
        "tamam",
        "так",
        "ні",
        "дякую",
        "نعم",
        "لا",
        "شكرا",
    }
)


def _words(text: str) -> list[str]:
    """Lower-case words of ``text`` without numbers, links, amounts or emoji."""
    return WORD.findall(_NOISE.sub(" ", unicodedata.normalize("NFC", text).lower()))


def content_words(text: str) -> list[str]:
    """Words that can tell languages apart: shared Belgian legal words removed."""
    return [word for word in _words(text) if word not in _SHARED_WORDS]


def script_of(words: list[str]) -> str | None:
    """``"arabic"``, ``"cyrillic"`` or ``"latin"``: the script with most letters."""
    joined = "".join(words)
    counts = {
        "arabic": len(_ARABIC.findall(joined)),
        "cyrillic": len(_CYRILLIC.findall(joined)),
        "latin": len(_LATIN.findall(joined)),
    }
    script, count = max(counts.items(), key=lambda item: item[1])
    if count == 0 or count * 2 < len(joined):
        return None  # another script (Greek, Ethiopic, CJK, ...) or nothing to judge
    return script


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word) if not unicodedata.combining(c))


def long_enough_to_judge(text: str) -> bool:
    """Whether ``text`` has enough words and letters (noise removed) for a language switch."""
    words = [word for word in content_words(text) if word not in _COURTESY_WORDS]
    return len(words) >= MIN_WORDS_TO_SWITCH and sum(len(word) for word in words) >= MIN_LETTERS_TO_SWITCH
