"""Triage: the stage of a tenant's procedure and the priority of their case.

The rules are the project's fixed vocabulary (shared brief, "Triage: stages and
priorities"):

* ``crisis`` -> S; ``locked_out``, ``eviction_scheduled``, ``judgment`` -> P1;
  ``court`` -> P2; ``formal_notice`` -> P3; ``arrears`` of 2 months or more -> P3, less
  or unknown -> P4; ``payment_worry`` -> P4; ``none`` -> none.
* Any hearing or eviction date 0..14 days from today -> P1 (so ``court`` becomes P1
  when its hearing is that close).
* Several signals: the most urgent stage and the highest priority win. Flags (children,
  health, income loss) are shown to the caseworker and never change a priority.
* A known eviction date implies at least ``eviction_scheduled``, a known hearing date at
  least ``court``, a judgment-served date at least ``judgment``, a known arrears amount
  at least ``arrears``.

Dates in the past. A hearing or eviction date before today neither implies a stage nor
makes a case urgent: such a date is most often a completed year-less date, a typo or an
event that has passed (the hearing took place, the eviction was postponed), and
escalating on it would flood the P1 queue with cases nobody can act on faster. It is
reported as a reason (``hearing_date_in_past``, ``eviction_date_in_past``) so the
conversation asks what happened since; explicit signals (``judgment``, ``locked_out``)
still decide the priority. The exception is the judgment-served date, which is in the
past by nature: it proves a judgment exists (stage ``judgment``, P1 by the brief's
rules) and gives the earliest lawful eviction date, one month after service
(Ger.W. art. 1344quater), unless the judge decided otherwise.

Why a keyword lexicon sits beside the NLU model
-----------------------------------------------
The NLU model is small, trained on few examples per intent in three languages, and it
classifies one intent per message. A tenant in crisis often writes about rent first and
mentions the danger in a subordinate clause, misspelled, in dialect: the model will miss
some of those, and a missed crisis is the one error the service cannot afford (the
brief: "the crisis route beats everything"). So crisis recall is made close to 100% by
curated patterns (``lexicon/crisis.yml``) that are checked on every message whatever
the model says, accepting that a figure of speech now and then sends a conversation to
a human. The stage lexicon (``lexicon/stages.yml``) does the same for the procedural
words ("dagvaarding", "huissier", "locks changed") that must raise a priority even when
the model picked another intent. ``detect_signals`` returns stages; ``triage`` combines
them with the model's intents, the dates and the arrears. Everything here is pure: no
Rasa imports, no I/O at import time (the lexicons load on first use).
"""

from __future__ import annotations

import calendar
import datetime
import math
import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from actions.languages import ALL_LANGUAGES

__all__ = [
    "ARREARS_P3_MONTHS",
    "LEXICON_DIR",
    "URGENT_WINDOW_DAYS",
    "LexiconError",
    "Priority",
    "Stage",
    "TriageInput",
    "TriageResult",
    "add_months",
    "crisis_categories",
    "detect_crisis",
    "detect_signals",
    "detect_stages",
    "highest_priority",
    "load_lexicon",
    "most_urgent_stage",
    "normalise",
    "triage",
]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
URGENT_WINDOW_DAYS = 14  # a hearing or eviction 0..14 days away is P1
ARREARS_P3_MONTHS = 2.0  # arrears of this many months' rent or more are P3
EVICTION_TERM_MONTHS = 1  # Ger.W. art. 1344quater: not earlier than a month after service
MAX_TEXT_CHARS = 50_000  # bounds the regex work on a pasted letter; chat messages are short
FLAG_NAMES = ("children", "health", "income_loss")


class Stage(str, Enum):
    """Where the tenant is in the procedure; members are listed most urgent first."""

    crisis = "crisis"
    locked_out = "locked_out"
    eviction_scheduled = "eviction_scheduled"
    judgment = "judgment"
    court = "court"
    formal_notice = "formal_notice"
    arrears = "arrears"
    payment_worry = "payment_worry"
    none = "none"

    @property
    def urgency(self) -> int:
        """Higher is more urgent: ``crisis`` is 8, ``none`` is 0."""
        members = list(Stage)
        return len(members) - 1 - members.index(self)


class Priority(str, Enum):
    """Case priority; members are listed most urgent first."""

    S = "S"
    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"
    none = "none"

    @property
    def rank(self) -> int:
        """Higher is more urgent: ``S`` is 5, ``none`` is 0."""
        members = list(Priority)
        return len(members) - 1 - members.index(self)


# The brief's table. Arrears and court depend on amounts and dates, see triage().
STAGE_PRIORITY: dict[Stage, Priority] = {
    Stage.crisis: Priority.S,
    Stage.locked_out: Priority.P1,
    Stage.eviction_scheduled: Priority.P1,
    Stage.judgment: Priority.P1,
    Stage.court: Priority.P2,
    Stage.formal_notice: Priority.P3,
    Stage.arrears: Priority.P4,
    Stage.payment_worry: Priority.P4,
    Stage.none: Priority.none,
}


def most_urgent_stage(stages: Iterable[Stage]) -> Stage:
    """The most urgent of ``stages``; ``Stage.none`` when there are none."""
    return max(stages, key=lambda s: s.urgency, default=Stage.none)


def highest_priority(priorities: Iterable[Priority]) -> Priority:
    """The highest of ``priorities``; ``Priority.none`` when there are none."""
    return max(priorities, key=lambda p: p.rank, default=Priority.none)


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus ``months`` calendar months, clamped to the month's last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _finite(value: float | None) -> float | None:
    """``value`` if it is a usable non-negative number, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


@dataclass(kw_only=True)
class TriageInput:
    """Everything triage looks at; all keyword arguments, only ``today`` is required.

    ``signals`` are stages from the NLU intents and/or ``detect_signals`` (``Stage``
    members or their string values). Flags are ``True``/``False``/``None`` (unknown).
    """

    today: datetime.date
    signals: Collection[Stage | str] = frozenset()
    hearing_date: datetime.date | None = None
    eviction_date: datetime.date | None = None
    judgment_served_date: datetime.date | None = None
    arrears_months: float | None = None
    arrears_euros: float | None = None
    monthly_rent: float | None = None
    children: bool | None = None
    health: bool | None = None
    income_loss: bool | None = None

    def __post_init__(self) -> None:
        # Fail fast on an unknown stage name: it is a mapping bug upstream, and
        # silently dropping it could drop a crisis.
        self.signals = frozenset(Stage(s) for s in self.signals)

    @property
    def stages(self) -> frozenset[Stage]:
        """The signalled stages as ``Stage`` members."""
        return frozenset(Stage(s) for s in self.signals)

    def arrears_in_months(self) -> tuple[float | None, bool]:
        """Arrears in months' rent, and whether it was computed from euros.

        When both a month count and euros/rent are known and disagree, the higher
        reading is used: they describe the same debt, and the higher one is the safe side.
        """
        months = _finite(self.arrears_months)
        euros, rent = _finite(self.arrears_euros), _finite(self.monthly_rent)
        computed = round(euros / rent, 2) if euros is not None and rent else None
        if computed is not None and (months is None or computed > months):
            return computed, True
        return months, False


@dataclass(frozen=True)
class TriageResult:
    """The outcome of ``triage``; ``reasons`` are short machine-readable codes."""

    stage: Stage
    priority: Priority
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    days_to_hearing: int | None = None
    days_to_eviction: int | None = None
    arrears_months: float | None = None
    earliest_eviction_date: datetime.date | None = None

    @property
    def needs_human(self) -> bool:
        """S and P1 go to a caseworker at once."""
        return self.priority in (Priority.S, Priority.P1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enum values and ISO dates as strings)."""
        return {
            "stage": self.stage.value,
            "priority": self.priority.value,
            "reasons": list(self.reasons),
            "flags": list(self.flags),
            "days_to_hearing": self.days_to_hearing,
            "days_to_eviction": self.days_to_eviction,
            "arrears_months": self.arrears_months,
            "earliest_eviction_date": (
                self.earliest_eviction_date.isoformat() if self.earliest_eviction_date else None
            ),
            "needs_human": self.needs_human,
        }


def triage(inp: TriageInput) -> TriageResult:
    """Apply the brief's triage rules to ``inp`` (see the module docstring)."""
    today = inp.today
    signalled = sorted(inp.stages - {Stage.none}, key=lambda s: -s.urgency)
    stages: set[Stage] = set(signalled)
    reasons = [f"signal_{s.value}" for s in signalled]
    priorities: list[Priority] = []

    days_to_hearing = (inp.hearing_date - today).days if inp.hearing_date else None
    days_to_eviction = (inp.eviction_date - today).days if inp.eviction_date else None
    for what, days, implied in (
        ("hearing", days_to_hearing, Stage.court),
        ("eviction", days_to_eviction, Stage.eviction_scheduled),
    ):
        if days is None:
            continue
        if days < 0:
            reasons.append(f"{what}_date_in_past")
            continue
        if implied not in stages:
            stages.add(implied)
            reasons.append(f"{what}_date_implies_{implied.value}")
        if days <= URGENT_WINDOW_DAYS:
            priorities.append(Priority.P1)
            reasons.append(f"{what}_within_{URGENT_WINDOW_DAYS}_days")

    earliest_eviction = None
    if inp.judgment_served_date:
        earliest_eviction = add_months(inp.judgment_served_date, EVICTION_TERM_MONTHS)
        if Stage.judgment not in stages:
            stages.add(Stage.judgment)
            reasons.append("judgment_served_implies_judgment")

    months, from_euros = inp.arrears_in_months()
    if from_euros:
        reasons.append("arrears_months_from_euros")
    if months and Stage.arrears not in stages:
        stages.add(Stage.arrears)
        reasons.append("arrears_amount_implies_arrears")

    for stage in stages:
        if stage is Stage.arrears:
            if months is None:
                reasons.append("arrears_unknown")
                priorities.append(Priority.P4)
            elif months >= ARREARS_P3_MONTHS:
                reasons.append(f"arrears_{ARREARS_P3_MONTHS:g}_months_or_more")
                priorities.append(Priority.P3)
            else:
                reasons.append(f"arrears_under_{ARREARS_P3_MONTHS:g}_months")
                priorities.append(Priority.P4)
        else:
            priorities.append(STAGE_PRIORITY[stage])

    flags = [name for name in FLAG_NAMES if getattr(inp, name) is True]
    return TriageResult(
        stage=most_urgent_stage(stages),
        priority=highest_priority(priorities),
        reasons=reasons,
        flags=flags,
        days_to_hearing=days_to_hearing,
        days_to_eviction=days_to_eviction,
        arrears_months=months,
        earliest_eviction_date=earliest_eviction,
    )


# ------------------------------------------------------------------ normalisation

_CONTRACTIONS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), replacement)
    for pattern, replacement in (
        (r"\bcan'?t\b", "cannot"),
        (r"\bwon't\b", "will not"),
        (r"n't\b", " not"),
        (r"\bi'm\b", "i am"),
        (r"'re\b", " are"),
        (r"'ll\b", " will"),
        (r"'ve\b", " have"),
        (r"\b(he|she|it|that|there|what|who)'s\b", r"\1 is"),
        (r"\bm'n\b", "mijn"),
        (r"\bz'n\b", "zijn"),
        (r"\bd'r\b", "er"),
    )
)
# Chat spellings, one token each. Flemish: "kga" = "ik ga", "da" = "dat", "ni(e)" =
# "niet", "wa" = "wat", "'t" = "het", "der" = "er". French: "jveux" = "je veux",
# "chui" = "je suis". English: dropped apostrophes ("dont", "im"). A token is mapped
# whatever the message's language ("ni" is also French): patterns only ever look for
# the expanded form in their own language, so the stray expansion is harmless.
_CHAT_TOKENS: dict[str, str] = {
    "k": "ik",
    "kga": "ik ga",
    "kgaan": "ik ga",
    "kzal": "ik zal",
    "kwil": "ik wil",
    "kwou": "ik wou",
    "kben": "ik ben",
    "kheb": "ik heb",
    "kzie": "ik zie",
    "kmoet": "ik moet",
    "kweet": "ik weet",
    "kdenk": "ik denk",
    "kvoel": "ik voel",
    "kword": "ik word",
    "kkan": "ik kan",
    "kzit": "ik zit",
    "kkrijg": "ik krijg",
    "kpleeg": "ik pleeg",
    "kslaap": "ik slaap",
    "kleef": "ik leef",
    "kdoe": "ik doe",
    "kzou": "ik zou",
    "kwilt": "ik wil",
    "da": "dat",
    "ni": "niet",
    "nie": "niet",
    "nimeer": "niet meer",
    "niemeer": "niet meer",
    "wa": "wat",
    "t": "het",
    "tis": "het is",
    "mn": "mijn",
    "zn": "zijn",
    "der": "er",
    "dr": "er",
    "mezelve": "mezelf",
    "jveux": "je veux",
    "jvais": "je vais",
    "jsuis": "je suis",
    "chui": "je suis",
    "chuis": "je suis",
    "jpeux": "je peux",
    "jai": "j ai",
    "jen": "j en",
    "jpense": "je pense",
    "dont": "do not",
    "cant": "cannot",
    "wont": "will not",
    "im": "i am",
    "ive": "i have",
    "didnt": "did not",
    "doesnt": "does not",
    "isnt": "is not",
    "wanna": "want to",
    "gonna": "going to",
    "hes": "he is",
    "shes": "she is",
    "u": "you",
}
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
# Anything but a letter or digit of any script (Arabic, Cyrillic and Turkish included).
_NON_WORD = re.compile(r"[\W_]+")
# Letters that Unicode does not decompose into a base letter and a mark; Arabic
# alef maqsura and taa marbuta are written interchangeably with yaa and haa in chat.
_UNDECOMPOSED = str.maketrans(
    {"ı": "i", "ł": "l", "ø": "o", "đ": "d", "ß": "ss", "ى": "ي", "ة": "ه", "ـ": ""}
)
#: Languages whose patterns were written with the English contractions and the Flemish
#: and French chat spellings expanded. Other languages match the plain form, because
#: "nie" (Polish "not") or "da" (Romanian "yes") must stay what they are.
EXPANDED_LANGUAGES = frozenset({"nl", "fr", "en", "all"})


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNDECOMPOSED))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return re.sub(r"[\u2018\u2019\u02bc`\u00b4]", "'", stripped).translate(_UNDECOMPOSED)


def _variants(text: str, expand: bool = True) -> tuple[str, ...]:
    """The normalised forms a pattern may match: letter runs cut to two, and to one.

    ``expand`` applies the English contractions and the chat spellings (nl, fr, en).
    """
    if not isinstance(text, str):
        return ()
    base = _fold(text[:MAX_TEXT_CHARS])
    if expand:
        for pattern, replacement in _CONTRACTIONS:
            base = pattern.sub(replacement, base)
    base = _NON_WORD.sub(" ", base)
    variants = []
    for keep in (r"\1\1", r"\1"):
        collapsed = _REPEATS.sub(keep, base)
        tokens = collapsed.split()
        if expand:
            tokens = [_CHAT_TOKENS.get(token, token) for token in tokens]
        variant = " ".join(tokens)
        if variant not in variants:
            variants.append(variant)
    return tuple(variants)


def normalise(text: str, language: str | None = None) -> str:
    """The form lexicon patterns are written for (see the header of crisis.yml).

    Lowercase, no accents or Arabic vowel marks, punctuation as single spaces, runs of
    three or more equal letters cut to two ("dooood" -> "dood"). For Dutch, French and
    English (``language`` None, nl, fr or en) also English contractions and Flemish chat
    spellings expanded ("kga" -> "ik ga", "ni" -> "niet"); other languages keep their words.
    """
    variants = _variants(text, expand=language is None or language in EXPANDED_LANGUAGES)
    return variants[0] if variants else ""


# ------------------------------------------------------------------------ lexicons


class LexiconError(ValueError):
    """A lexicon file is malformed (raised on first use, caught by the tests)."""


_MACRO = re.compile(r"\{\{(\w+)\}\}")


def _expand(pattern: str, macros: dict[str, str], source: str) -> re.Pattern[str]:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in macros:
            raise LexiconError(f"{source}: unknown macro {{{{{name}}}}} in {pattern!r}")
        return macros[name]

    expanded = _MACRO.sub(replace, pattern)
    try:
        return re.compile(rf"(?<!\w)(?:{expanded})(?!\w)")
    except re.error as error:
        raise LexiconError(f"{source}: bad pattern {pattern!r}: {error}") from error


def _pattern_list(value: Any, macros: dict[str, str], source: str) -> list[re.Pattern[str]]:
    if not isinstance(value, list) or not all(isinstance(p, str) for p in value):
        raise LexiconError(f"{source}: expected a list of patterns")
    return [_expand(p, macros, source) for p in value]


@dataclass(frozen=True)
class _Lexicon:
    """Compiled patterns: group (crisis category or stage) -> language -> patterns."""

    groups: dict[str, dict[str, list[re.Pattern[str]]]]
    exclude: dict[str, list[re.Pattern[str]]]  # group or "*" (all groups) -> patterns


def load_lexicon(path: Path, groups_key: str) -> _Lexicon:
    """Read and compile a lexicon YAML file; raises ``LexiconError`` when malformed."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get(groups_key), dict):
        raise LexiconError(f"{path.name}: missing mapping {groups_key!r}")
    macros = {str(k): str(v) for k, v in (data.get("macros") or {}).items()}
    groups: dict[str, dict[str, list[re.Pattern[str]]]] = {}
    for group, by_language in data[groups_key].items():
        if not isinstance(by_language, dict):
            raise LexiconError(f"{path.name}: {group}: expected languages")
        groups[str(group)] = {
            str(lang): _pattern_list(patterns, macros, f"{path.name}:{group}:{lang}")
            for lang, patterns in by_language.items()
        }
    raw_exclude = data.get("exclude") or []
    exclude: dict[str, list[re.Pattern[str]]] = {}
    if isinstance(raw_exclude, list):  # one list for every group
        exclude["*"] = _pattern_list(raw_exclude, macros, f"{path.name}:exclude")
    elif isinstance(raw_exclude, dict):
        for group, patterns in raw_exclude.items():
            exclude[str(group)] = _pattern_list(patterns, macros, f"{path.name}:exclude:{group}")
    else:
        raise LexiconError(f"{path.name}: exclude must be a list or a mapping")
    return _Lexicon(groups, exclude)


def merge_lexicons(lexicons: Iterable[_Lexicon]) -> _Lexicon:
    """One lexicon from several: patterns per group and language, exclusions, added up."""
    groups: dict[str, dict[str, list[re.Pattern[str]]]] = {}
    exclude: dict[str, list[re.Pattern[str]]] = {}
    for lexicon in lexicons:
        for group, by_language in lexicon.groups.items():
            for language, patterns in by_language.items():
                groups.setdefault(group, {}).setdefault(language, []).extend(patterns)
        for group, patterns in lexicon.exclude.items():
            exclude.setdefault(group, []).extend(patterns)
    return _Lexicon(groups, exclude)


def lexicon_files(name: str, directory: Path | None = None) -> list[Path]:
    """``name`` (crisis.yml, stages.yml) and each language's own file ``<lang>/name``.

    Dutch, French and English share one file (they grew together and share macros);
    every later language keeps its patterns and macros in its own folder.
    """
    base = directory or LEXICON_DIR
    return [base / name, *sorted(base.glob(f"*/{name}"))]


def load_lexicons(paths: Iterable[Path], groups_key: str) -> _Lexicon:
    """Read, compile and merge several lexicon files (see :func:`load_lexicon`)."""
    return merge_lexicons(load_lexicon(path, groups_key) for path in paths)


@lru_cache(maxsize=1)
def _crisis_lexicon() -> _Lexicon:
    return load_lexicons(lexicon_files("crisis.yml"), "categories")


@lru_cache(maxsize=1)
def _stage_lexicon() -> _Lexicon:
    lexicon = load_lexicons(lexicon_files("stages.yml"), "stages")
    unknown = set(lexicon.groups) - {s.value for s in Stage}
    if unknown or Stage.crisis.value in lexicon.groups:
        raise LexiconError(f"stages.yml: unknown or misplaced stages {sorted(unknown) or ['crisis']}")
    return lexicon


def _without(text: str, patterns: Iterable[re.Pattern[str]]) -> str:
    # A separator instead of the span, so that a gap like (?:\w+ ){0,3} cannot bridge it.
    for pattern in patterns:
        text = pattern.sub(" # ", text)
    return text


def _matching_groups(lexicon: _Lexicon, text: str, languages: Collection[str] | None) -> set[str]:
    found: set[str] = set()
    for expand in (True, False):
        for variant in _variants(text, expand):
            common = _without(variant, lexicon.exclude.get("*", ()))
            for group, by_language in lexicon.groups.items():
                if group in found:
                    continue
                candidate = _without(common, lexicon.exclude.get(group, ()))
                for language, patterns in by_language.items():
                    if (language in EXPANDED_LANGUAGES) != expand:
                        continue  # each language's patterns see the form they were written for
                    if languages is not None and language != "all" and language not in languages:
                        continue
                    if any(p.search(candidate) for p in patterns):
                        found.add(group)
                        break
    return found


def crisis_categories(text: str) -> set[str]:
    """Which crisis categories (``suicide``, ``violence``, ``danger``) ``text`` matches.

    Language-independent: every language's patterns are checked.
    """
    return _matching_groups(_crisis_lexicon(), text, None)


def detect_crisis(text: str) -> bool:
    """True when ``text`` signals danger to life or safety, in any language."""
    return bool(crisis_categories(text))


def _languages(language: str | None) -> Collection[str] | None:
    if language:
        code = language.strip().lower()[:2]
        if code in ALL_LANGUAGES:
            return (code,)
    return None


def detect_stages(text: str, language: str | None = None) -> set[Stage]:
    """Stages the stage lexicon finds in ``text`` (never ``crisis``); empty when none.

    ``language`` limits the patterns to that language; ``None`` or an unknown code checks all.
    """
    return {Stage(group) for group in _matching_groups(_stage_lexicon(), text, _languages(language))}


def detect_signals(text: str, language: str | None = None) -> set[Stage]:
    """Stages the lexicon finds in ``text``; an empty set when none.

    ``language`` ("nl", "fr", "en") limits the stage patterns to that language; ``None``
    or an unknown code checks all. Crisis is always checked in every language.
    """
    stages = detect_stages(text, language)
    if detect_crisis(text):
        stages.add(Stage.crisis)
    return stages
