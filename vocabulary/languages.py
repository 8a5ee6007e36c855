"""The languages Huurhulp speaks: one list for the gateway, the actions and the tests.

``bot`` imports this module (``actions`` never imports ``bot``). A language belongs here
only when it has NLU data, every domain response, the gateway texts, the information
topics and the canned replies; tests check that.
"""

from __future__ import annotations

#: Every language with full content. The first is the fallback.
ALL_LANGUAGES: tuple[str, ...] = ("nl", "fr", "en", "tr", "ar", "pl", "ro", "uk")
#: Languages switched on (all of them: every one has its content).
SUPPORTED_LANGUAGES: tuple[str, ...] = ALL_LANGUAGES
DEFAULT_LANGUAGE: str = SUPPORTED_LANGUAGES[0]
#: Written right to left (the widget and the console lay these out mirrored).
RTL_LANGUAGES: frozenset[str] = frozenset({"ar"})
#: Each language's name in that language, for the language buttons.
ENDONYMS: dict[str, str] = {
    "nl": "Nederlands",
    "fr": "Français",
    "en": "English",
    "tr": "Türkçe",
    "ar": "العربية",
    "pl": "Polski",
    "ro": "Română",
    "uk": "Українська",
}
