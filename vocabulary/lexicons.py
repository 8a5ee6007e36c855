"""Curated word lists (lexicons) and the text normalisation their patterns are written for.

The crisis lexicon is checked by the gateway on every message and by the actions; the
stage, topic and date-word lexicons serve the dialogue side. The YAML files live in
``vocabulary/lexicon/`` (Dutch, French and English in one file per list; every later
language in its own folder). Nothing is read at import time: each lexicon loads and
compiles on first use and is cached.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from vocabulary.languages import ALL_LANGUAGES
from vocabulary.stages import Stage

__all__ = [
    "EXPANDED_LANGUAGES",
    "LEXICON_DIR",
    "MAX_TEXT_CHARS",
    "LexiconError",
    "crisis_categories",
    "detect_crisis",
    "detect_signals",
    "detect_stages",
    "lexicon_files",
    "load_lexicon",
    "load_lexicons",
    "merge_lexicons",
    "normalise",
]

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
MAX_TEXT_CHARS = 50_000  # bounds the regex work on a pasted letter; chat messages are short


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
