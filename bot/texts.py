"""The gateway's own texts to tenants (the bot's texts live in the Rasa domain).

One catalog per language, ``bot/locales/<lang>.yml``: key -> text, the same keys in every
language (a unit test checks that), placeholders in ``{braces}``. Keep them short,
plain (B1) and honest. ``scripts/i18n.py`` writes a new language's catalog.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from pathlib import Path

import yaml
from babel.dates import format_date

from vocabulary.languages import DEFAULT_LANGUAGE, SUPPORTED_LANGUAGES

LOCALES_DIR = Path(__file__).resolve().parent / "locales"


@cache
def catalog(language: str) -> dict[str, str]:
    """All gateway texts of ``language`` (which must have a catalog)."""
    data = yaml.safe_load((LOCALES_DIR / f"{language}.yml").read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"bot/locales/{language}.yml: expected key: text pairs")
    return {str(key): str(value) for key, value in data.items()}


def _language(language: str | None) -> str:
    return language if language in SUPPORTED_LANGUAGES else DEFAULT_LANGUAGE


def text(key: str, language: str | None, **values: object) -> str:
    """The text ``key`` in ``language`` (falling back to Dutch), with ``values`` filled in."""
    template = catalog(_language(language)).get(key) or catalog(DEFAULT_LANGUAGE)[key]
    return template.format(**values) if values else template


def format_opening(moment: dt.datetime, language: str | None) -> str:
    """ "woensdag om 09:00" / "mercredi à 09:00" / "on Wednesday at 09:00" / "środa, godz. 09:00".

    Weekday names come from Babel (CLDR), so every language has them.
    """
    lang = _language(language)
    day = str(format_date(moment, "EEEE", locale=lang))
    return text("opening_at", lang, day=day, time=moment.strftime("%H:%M"))
