"""The compiled date patterns for a set of languages.

``build_patterns`` gathers the word lists of the requested languages (the nl/fr/en
tables in ``grammar``, the lexicon languages' ``words.yml``) and compiles the narrow
patterns that locate dates. Patterns run on folded text (see ``folding``); one set is
built per language choice and cached.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from actions.dates.calendar_words import CalendarWords, calendar_words
from actions.dates.context import KIND_PATTERNS
from actions.dates.folding import NEVER, alternation
from actions.dates.grammar import (
    CODED_LANGUAGES,
    COUNT_WORDS,
    FRENCH_ONLY_RELATIVE,
    FUTURE_PREFIXES,
    NOT_AN_AMOUNT,
    NUMBER_WORDS,
    PAST_PREFIXES,
    PAST_SUFFIXES,
    RELATIVE_WORDS,
    UNITS,
    WEEKDAY_POST_FUTURE,
    WEEKDAY_POST_PAST,
    WEEKDAY_PRE_FUTURE,
    WEEKDAY_PRE_PAST,
)
from actions.dates.lexicon import Words, lexicon_words
from actions.dates.model import DateKind, Kinds


@dataclass(frozen=True)
class FullDatePatterns:
    """Dates with a day and a month (and maybe a year)."""

    numeric: re.Pattern[str]  # "14/01", "14-1-2027"
    dotted: re.Pattern[str]  # "14.01.2027"
    iso: re.Pattern[str]  # "2027-01-14"
    day_month: re.Pattern[str]  # "14 januari", "3 Mart'ta"
    month_day: re.Pattern[str]  # "Jan 14"


@dataclass(frozen=True)
class DurationPatterns:
    """A count of days, weeks or months from today, forward or back."""

    future: re.Pattern[str]  # "over 3 dagen"
    past_suffix: re.Pattern[str]  # "3 dagen geleden"
    past_prefix: re.Pattern[str]  # "il y a 3 jours"
    # Lexicon languages (tr, ar, pl, ro, uk); patterns that match nothing without them.
    future_suffix: re.Pattern[str]  # "3 gun sonra"
    bare_future: re.Pattern[str]  # "za tydzien", "بعد يومين"
    bare_past_suffix: re.Pattern[str]  # "tydzien temu"
    bare_past_prefix: re.Pattern[str]  # "منذ أسبوع"
    counted_past_prefix: re.Pattern[str]  # "من يومين"


@dataclass(frozen=True)
class Patterns:
    """Everything needed to locate and resolve dates in one language choice."""

    full: FullDatePatterns
    durations: DurationPatterns
    relative: re.Pattern[str]  # "morgen", "la semaine prochaine"
    weekday_next_week: re.Pattern[str]  # "dinsdag volgende week"
    weekday: re.Pattern[str]  # "dinsdag", "mardi prochain", "last tuesday"
    vocabulary: CalendarWords
    relative_words: dict[str, int]
    number_words: dict[str, int]
    units: dict[str, str]
    unit_language: dict[str, set[str]]  # unit word -> its languages (for the idioms)
    weekdays_with_modifier: frozenset[str]
    counted_units: dict[str, tuple[str, int]]
    count_before: re.Pattern[str]  # a count right before: "2 luni" is months, not Monday
    weekday_past: frozenset[str]
    kinds: Kinds
    tense_cues: bool  # the nl/fr/en tense words apply (see context.tense_of)
    # A debt word just before: "jestem winna za 2 miesiace" is owed rent, not a date.
    debt_before: re.Pattern[str]


@lru_cache(maxsize=16)
def build_patterns(languages: tuple[str, ...], french_hier: bool) -> Patterns:
    """The patterns for ``languages``; ``french_hier`` lets "hier" mean yesterday."""
    vocab = calendar_words(languages)
    words = _gather_words(languages, french_hier)
    not_an_amount, debt_before = _debt_guards(words.debt_after)
    return Patterns(
        full=_full_date_patterns(vocab, words.apostrophe_endings),
        durations=_duration_patterns(words, not_an_amount),
        relative=re.compile(rf"(?<!\w)(?P<word>{alternation(words.relative_words)})(?!\w)"),
        weekday_next_week=_weekday_next_week_pattern(vocab, words),
        weekday=_weekday_pattern(vocab, words),
        vocabulary=vocab,
        relative_words=words.relative_words,
        number_words=words.numbers,
        units=words.units,
        unit_language=words.unit_language,
        weekdays_with_modifier=frozenset(words.weekdays_with_modifier),
        counted_units=words.counted,
        count_before=re.compile(
            rf"(?<!\w)(?:[0-9]{{1,3}}|{alternation([*words.numbers, *words.quantity_words])})\s+$"
        ),
        weekday_past=frozenset(words.pre_past + words.post_past),
        kinds=tuple(words.kinds),
        tense_cues=words.tense_cues,
        debt_before=re.compile(debt_before),
    )


# ------------------------------------------------------------- gathering the words


@dataclass
class _WordSets:
    """Every word list the patterns are built from, gathered over the languages in order.

    Order matters where a later language overwrites an earlier one's word in a dict,
    and for the "weekday of next week" words, which become alternatives in list order.
    """

    kinds: list[tuple[DateKind, re.Pattern[str]]]
    tense_cues: bool = False
    numbers: dict[str, int] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)
    unit_language: dict[str, set[str]] = field(default_factory=dict)
    relative_words: dict[str, int] = field(default_factory=dict)
    future_prefixes: list[str] = field(default_factory=list)
    future_suffixes: list[str] = field(default_factory=list)
    past_prefixes: list[str] = field(default_factory=list)
    past_suffixes: list[str] = field(default_factory=list)
    pre_future: list[str] = field(default_factory=list)
    pre_past: list[str] = field(default_factory=list)
    post_future: list[str] = field(default_factory=list)
    post_past: list[str] = field(default_factory=list)
    bare_units: dict[str, str] = field(default_factory=dict)
    bare_future_prefixes: list[str] = field(default_factory=list)
    bare_past_prefixes: list[str] = field(default_factory=list)
    bare_past_suffixes: list[str] = field(default_factory=list)
    counted: dict[str, tuple[str, int]] = field(default_factory=dict)
    next_week_before: list[str] = field(default_factory=list)
    next_week_after: list[str] = field(default_factory=list)
    debt_after: list[str] = field(default_factory=list)
    quantity_words: list[str] = field(default_factory=list)
    weekdays_with_modifier: set[str] = field(default_factory=set)
    counted_only_prefixes: list[str] = field(default_factory=list)
    apostrophe_endings: bool = False


def _gather_words(languages: tuple[str, ...], french_hier: bool) -> _WordSets:
    """The word lists of ``languages``: nl/fr/en first, then the lexicon languages."""
    words = _WordSets(kinds=list(KIND_PATTERNS))
    coded = [code for code in languages if code in CODED_LANGUAGES]
    for code in coded:
        _add_coded_language(words, code)
    if french_hier:
        words.relative_words.update(FRENCH_ONLY_RELATIVE)
    if coded:
        # The nl/fr/en weekday modifiers and tense words apply whenever one of those
        # languages does.
        words.pre_future += WEEKDAY_PRE_FUTURE
        words.pre_past += WEEKDAY_PRE_PAST
        words.post_future += WEEKDAY_POST_FUTURE
        words.post_past += WEEKDAY_POST_PAST
        words.tense_cues = True
    for code in languages:
        lexicon = lexicon_words(code)
        if lexicon is not None:
            _add_lexicon_language(words, code, lexicon, several_languages=len(languages) > 1)
    return words


def _add_coded_language(words: _WordSets, code: str) -> None:
    """Add one nl/fr/en language's tables."""
    words.numbers.update(NUMBER_WORDS[code])
    words.units.update(UNITS[code])
    for unit in UNITS[code]:
        words.unit_language.setdefault(unit, set()).add(code)
    words.relative_words.update(RELATIVE_WORDS[code])
    words.future_prefixes += FUTURE_PREFIXES[code]
    words.past_suffixes += PAST_SUFFIXES[code]
    words.past_prefixes += PAST_PREFIXES[code]


def _add_lexicon_language(words: _WordSets, code: str, lexicon: Words, several_languages: bool) -> None:
    """Add one lexicon language's words."""
    # A word that is everyday chat in another language ("dun") only counts when the
    # tenant's language is known.
    drop = lexicon.explicit_only if several_languages else frozenset()
    words.numbers.update({k: v for k, v in lexicon.numbers.items() if k not in drop})
    words.units.update(lexicon.units)
    for unit in lexicon.units:
        words.unit_language.setdefault(unit, set()).add(code)
    words.relative_words.update({k: v for k, v in lexicon.relative.items() if k not in drop})
    words.future_prefixes += lexicon.future_prefixes
    words.future_suffixes += lexicon.future_suffixes
    words.past_suffixes += lexicon.past_suffixes
    words.past_prefixes += lexicon.past_prefixes
    words.pre_future += lexicon.weekday_pre_future
    words.pre_past += lexicon.weekday_pre_past
    words.post_future += lexicon.weekday_post_future
    words.post_past += lexicon.weekday_post_past
    words.next_week_before += lexicon.next_week_before
    words.next_week_after += lexicon.next_week_after
    words.debt_after += lexicon.debt_after
    words.quantity_words += lexicon.quantity_words
    words.weekdays_with_modifier |= lexicon.weekdays_with_modifier
    words.past_prefixes += lexicon.counted_only_past_prefixes
    words.counted_only_prefixes += lexicon.counted_only_past_prefixes
    words.kinds += lexicon.kinds_shared if drop else lexicon.kinds
    words.apostrophe_endings = words.apostrophe_endings or lexicon.apostrophe_endings
    words.counted.update(lexicon.counted_units)
    if lexicon.bare_units:
        words.bare_units.update(lexicon.units)
        words.bare_units.update({word: unit for word, (unit, _) in lexicon.counted_units.items()})
        words.bare_future_prefixes += lexicon.future_prefixes
        words.bare_past_prefixes += lexicon.past_prefixes
        words.bare_past_suffixes += lexicon.past_suffixes


# ------------------------------------------------------------ compiling the patterns

_DAY = r"(?P<day>3[01]|[12][0-9]|0?[1-9])"
_ORDINAL = r"(?:ste|de|e|er|re|eme|ieme|st|nd|rd|th)?"
_START = r"(?<![\w/.\-])"
_END_NUMERIC = r"(?![\w/\-]|\.[0-9])"


def _debt_guards(debt_after: list[str]) -> tuple[str, str]:
    """The lookahead that skips owed amounts after a duration, and the debt-word-before pattern."""
    not_an_amount = NOT_AN_AMOUNT
    debt_before = NEVER
    if debt_after:
        debt = "|".join(re.escape(w).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for w in debt_after)
        not_an_amount += rf"(?!\s+(?:{debt})(?!\w))"
        debt_before = rf"(?<!\w)(?:{debt})(?!\w)"
    return not_an_amount, debt_before


def _full_date_patterns(vocab: CalendarWords, apostrophe_endings: bool) -> FullDatePatterns:
    """Numeric, dotted, ISO and month-name dates."""
    month = alternation(vocab.months)
    wd_any = alternation(vocab.weekdays_any)
    # An optional weekday before a full date is part of the span: "dinsdag 1 december",
    # "di 1/12", "Tuesday, January 14".
    wd_prefix = rf"(?:{wd_any}\.?,?\s+(?:de\s+|le\s+|the\s+)?)?"
    # Turkish endings after an apostrophe: "3 Mart'ta", "14 Aralik'ta".
    month_ending = r"(?:'[^\W\d_]{1,5})?" if apostrophe_endings else ""
    return FullDatePatterns(
        numeric=re.compile(
            rf"{_START}{wd_prefix}{_DAY}(?P<sep>[/\-])(?P<month>1[0-2]|0?[1-9])"
            rf"(?:(?P=sep)(?P<year>[0-9]{{4}}|[0-9]{{2}}))?{_END_NUMERIC}"
        ),
        # Dots need a year: "3.5 maanden" or "12.50 euro" are not dates.
        dotted=re.compile(
            rf"{_START}{wd_prefix}{_DAY}\.(?P<month>1[0-2]|0?[1-9])\.(?P<year>[0-9]{{4}}|[0-9]{{2}}){_END_NUMERIC}"
        ),
        iso=re.compile(
            rf"{_START}(?P<year>(?:19|20)[0-9]{{2}})-(?P<month>1[0-2]|0[1-9])-(?P<day>3[01]|[12][0-9]|0[1-9]){_END_NUMERIC}"
        ),
        day_month=re.compile(
            rf"{_START}{wd_prefix}{_DAY}{_ORDINAL}\.?\s*(?:of\s+|van\s+)?(?P<mname>{month}){month_ending}\.?"
            rf"(?:,?\s*(?P<year>(?:19|20)[0-9]{{2}}))?(?!\w)"
        ),
        month_day=re.compile(
            rf"{_START}{wd_prefix}(?P<mname>{alternation(vocab.month_first)})\.?\s+(?:the\s+)?{_DAY}{_ORDINAL}"
            rf"(?:,?\s*(?P<year>(?:19|20)[0-9]{{2}}))?{_END_NUMERIC}(?!\s*(?:{COUNT_WORDS})(?!\w))"
        ),
    )


def _duration_patterns(words: _WordSets, not_an_amount: str) -> DurationPatterns:
    """Counted and bare durations, with "in"/"ago" words before or after them."""
    count = rf"(?P<num>[0-9]{{1,3}}|{alternation(words.numbers)})"
    unit = rf"(?P<unit>{alternation(words.units)})"
    bare_unit = rf"(?P<unit>{alternation(words.bare_units)})"
    future_prefix = alternation(words.future_prefixes)
    past_prefix = alternation(words.past_prefixes)
    past_suffix = alternation(words.past_suffixes)
    return DurationPatterns(
        future=re.compile(rf"(?<!\w)(?P<pre>{future_prefix})\s+{count}\s+{unit}(?!\w){not_an_amount}"),
        past_suffix=re.compile(rf"(?<!\w){count}\s+{unit}\s+(?P<post>{past_suffix})(?!\w)"),
        past_prefix=re.compile(rf"(?<!\w)(?P<pre>{past_prefix})\s+{count}\s+{unit}(?!\w)"),
        future_suffix=re.compile(
            rf"(?<!\w){count}\s+{unit}\s+(?P<post>{alternation(words.future_suffixes)})(?!\w)"
        ),
        bare_future=re.compile(
            rf"(?<!\w)(?P<pre>{alternation(words.bare_future_prefixes)})\s+{bare_unit}(?!\w){not_an_amount}"
        ),
        bare_past_suffix=re.compile(
            rf"(?<!\w){bare_unit}\s+(?P<post>{alternation(words.bare_past_suffixes)})(?!\w)"
        ),
        bare_past_prefix=re.compile(
            rf"(?<!\w)(?P<pre>{alternation(words.bare_past_prefixes)})\s+{bare_unit}(?!\w)"
        ),
        counted_past_prefix=re.compile(
            rf"(?<!\w)(?P<pre>{alternation(words.counted_only_prefixes)})"
            rf"\s+(?P<unit>{alternation(words.counted)})(?!\w)"
        ),
    )


def _weekday_next_week_pattern(vocab: CalendarWords, words: _WordSets) -> re.Pattern[str]:
    """A weekday of next week: "dinsdag volgende week", "next week on Tuesday"."""
    wd_full = alternation(vocab.weekdays_full)
    after = "".join("|" + alternation([w]) for w in words.next_week_after)
    before = "".join("|" + alternation([w]) for w in words.next_week_before)
    return re.compile(
        rf"(?<!\w)(?:(?P<wd>{wd_full})\s+(?:van\s+)?(?:volgende\s+week|next\s+week|de\s+la\s+semaine\s+prochaine"
        rf"{after})"
        rf"|(?:volgende\s+week|next\s+week{before})\s+(?:op\s+|on\s+)?(?P<wd2>{wd_full}))(?!\w)"
    )


def _weekday_pattern(vocab: CalendarWords, words: _WordSets) -> re.Pattern[str]:
    """A full weekday name with an optional modifier before or after it."""
    modifier_before = alternation(words.pre_future + words.pre_past)
    modifier_after = alternation(words.post_future + words.post_past)
    return re.compile(
        rf"(?<!\w)(?:(?P<pre>{modifier_before})\s+)?"
        rf"(?P<wd>{alternation(vocab.weekdays_full)})(?:\s+(?P<post>{modifier_after}))?(?!\w)"
    )
