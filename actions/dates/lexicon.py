"""The lexicon languages (tr, ar, pl, ro, uk): date words from ``vocabulary/lexicon/<code>/words.yml``.

Each file lists number words, units, months and weekdays with their inflected forms,
relative words, "in"/"ago" words before or after the count, weekday modifiers and kind
cues as stems. ``lexicon_words`` folds one file into the shape the patterns need; the
files are read on first use only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from actions.dates.folding import fold
from actions.dates.model import SUPPORTED_LANGUAGES, DateKind, Kinds
from vocabulary.lexicons import LEXICON_DIR

# Arabic glues conjunctions, prepositions and the article to the next word
# ("والمحكمة", "بالرسالة"): cue words may carry them.
_CLITICS = {"ar": "(?:[\u0648\u0641\u0628\u0644\u0643]{0,2}(?:\u0627\u0644)?)?"}

_RELATIVE_KEYS = {
    "today": 0,
    "tomorrow": 1,
    "day_after_tomorrow": 2,
    "yesterday": -1,
    "day_before_yesterday": -2,
    "next_week": 7,
    "last_week": -7,
}
_UNIT_KEYS = {"day_unit": "day", "week_unit": "week", "month_unit": "month"}


@lru_cache(maxsize=16)
def load_words(language: str) -> dict[str, Any]:
    """The raw word lists of ``language`` from ``vocabulary/lexicon/<code>/words.yml``.

    Shared with ``actions.answers``. ``{}`` for a language without such a file (nl, fr,
    en are written in code). Loaded lazily: importing this module does no I/O.
    """
    path = LEXICON_DIR / language / "words.yml"
    if language not in SUPPORTED_LANGUAGES or not path.is_file():
        return {}
    import yaml  # lazy, like dateparser

    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@dataclass(frozen=True)
class Words:
    """One lexicon language's date words, folded."""

    numbers: dict[str, int]
    units: dict[str, str]  # unit word -> day / week / month
    counted_units: dict[str, tuple[str, int]]  # "يومين" -> (day, 2)
    bare_units: bool  # "za tydzien": a unit without a count is one
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    future_prefixes: tuple[str, ...]
    future_suffixes: tuple[str, ...]
    past_prefixes: tuple[str, ...]
    past_suffixes: tuple[str, ...]
    weekday_pre_future: tuple[str, ...]
    weekday_post_future: tuple[str, ...]
    weekday_pre_past: tuple[str, ...]
    weekday_post_past: tuple[str, ...]
    next_week_before: tuple[str, ...]  # "haftaya sali" = the Tuesday of next week
    next_week_after: tuple[str, ...]
    debt_after: tuple[str, ...]  # cue-style entries
    explicit_only: frozenset[str]
    quantity_words: tuple[str, ...]  # "cate luni" (how many months): not Monday
    weekdays_with_modifier: frozenset[str]  # "الاثنين" is also "the two": only "الاثنين القادم"
    counted_only_past_prefixes: tuple[str, ...]  # "من يومين" (2 days ago), not "من يوم" (since the day)
    kinds: Kinds
    kinds_shared: Kinds  # without explicit_only words
    apostrophe_endings: bool  # Turkish "3 Mart'ta"


@lru_cache(maxsize=16)
def lexicon_words(language: str) -> Words | None:
    """The date words of a lexicon language, or ``None`` (nl/fr/en, unknown codes)."""
    data = load_words(language)
    if not data:
        return None
    explicit_only = frozenset(_folded(data, "explicit_only"))
    kinds, kinds_shared = _kind_cues(_section(data, "cues"), explicit_only, _CLITICS.get(language, ""))
    return Words(
        numbers=_numbers(data),
        units={word: unit for key, unit in _UNIT_KEYS.items() for word in _folded(data, key)},
        counted_units=_counted_units(data),
        bare_units=data.get("bare_units") is True,
        months=_numbered(data, "months", 1),
        weekdays=_numbered(data, "weekdays", 0),
        relative=_relative(data),
        future_prefixes=_folded(data, "in_future", "prefixes"),
        future_suffixes=_folded(data, "in_future", "suffixes"),
        past_prefixes=_folded(data, "ago", "prefixes"),
        past_suffixes=_folded(data, "ago", "suffixes"),
        weekday_pre_future=_folded(data, "weekday_next", "before"),
        weekday_post_future=_folded(data, "weekday_next", "after"),
        weekday_pre_past=_folded(data, "weekday_last", "before"),
        weekday_post_past=_folded(data, "weekday_last", "after"),
        next_week_before=_folded(data, "weekday_of_next_week", "before"),
        next_week_after=_folded(data, "weekday_of_next_week", "after"),
        debt_after=_folded(data, "debt_after"),
        explicit_only=explicit_only,
        quantity_words=_folded(data, "quantity_words"),
        weekdays_with_modifier=frozenset(_folded(data, "weekdays_with_modifier")),
        counted_only_past_prefixes=_folded(data, "ago", "counted_only_prefixes"),
        kinds=kinds,
        kinds_shared=kinds_shared,
        apostrophe_endings=language == "tr",
    )


# ------------------------------------------------------ reading one words.yml file


def _folded_list(value: Any) -> tuple[str, ...]:
    """Folded, single-spaced strings of a YAML list (anything else is ignored)."""
    if not isinstance(value, list):
        return ()
    out = []
    for item in value:
        if isinstance(item, str) and item.strip():
            out.append(" ".join(fold(item).split()))
    return tuple(out)


def _section(data: dict[str, Any], key: str) -> dict[str, Any]:
    """The mapping under ``key``, or ``{}`` when the file has none there."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def _folded(data: dict[str, Any], key: str, sub: str | None = None) -> tuple[str, ...]:
    """The folded word list at ``key`` (or at ``key.sub``)."""
    return _folded_list(_section(data, key).get(sub) if sub else data.get(key))


def _numbered(data: dict[str, Any], key: str, first: int) -> dict[str, int]:
    """Word -> number for a list of word lists numbered from ``first`` (months, weekdays)."""
    out: dict[str, int] = {}
    value = data.get(key)
    for number, forms in enumerate(value if isinstance(value, list) else [], start=first):
        for word in _folded_list(forms):
            out.setdefault(word, number)
    return out


def _numbers(data: dict[str, Any]) -> dict[str, int]:
    """Number words; a YAML boolean is not a number (``yes: true``)."""
    return {
        " ".join(fold(str(word)).split()): int(value)
        for word, value in _section(data, "numbers").items()
        if isinstance(value, int) and not isinstance(value, bool)
    }


def _counted_units(data: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Unit words that carry their own count, such as the Arabic dual "يومين" (two days)."""
    counted: dict[str, tuple[str, int]] = {}
    for word, value in _section(data, "counted_units").items():
        if isinstance(value, list) and len(value) == 2 and value[0] in ("day", "week", "month"):
            counted[" ".join(fold(str(word)).split())] = (str(value[0]), int(value[1]))
    return counted


def _relative(data: dict[str, Any]) -> dict[str, int]:
    """Relative words ("yarin", "jutro") -> their offset in days from today."""
    return {
        word: offset
        for key, offset in _RELATIVE_KEYS.items()
        for word in _folded_list(_section(data, "relative").get(key))
    }


def _kind_cues(cues: dict[str, Any], explicit_only: frozenset[str], clitics: str) -> tuple[Kinds, Kinds]:
    """Kind cue patterns: all of them, and those without the ``explicit_only`` words.

    The second set is for messages whose language is not known, where a cue that folds
    to an everyday word of another language would misfire.
    """
    kinds = []
    kinds_shared = []
    for kind in DateKind:
        entries = _folded_list(cues.get(kind.value))
        pattern = _cue_pattern(entries, clitics)
        if pattern is not None:
            kinds.append((kind, pattern))
        shared = _cue_pattern([e for e in entries if e not in explicit_only], clitics)
        if shared is not None:
            kinds_shared.append((kind, shared))
    return tuple(kinds), tuple(kinds_shared)


def _cue_pattern(entries: Iterable[str], clitics: str) -> re.Pattern[str] | None:
    """One pattern for cue entries; ``*`` is any word ending, spaces any whitespace."""
    parts = []
    for entry in entries:
        pieces = [re.escape(piece) for piece in entry.split("*")]
        body = r"\w*".join(pieces).replace(r"\ ", r"\s+").replace(" ", r"\s+")
        parts.append(body if entry.endswith("*") else body + r"(?!\w)")
    if not parts:
        return None
    return re.compile(rf"(?<!\w){clitics}(?:{'|'.join(sorted(parts, key=len, reverse=True))})")
