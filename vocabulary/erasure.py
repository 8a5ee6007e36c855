"""The tenant's privacy requests in their own words: "verwijder mijn gesprek" and the like.

The phrases are curated in ``vocabulary/lexicon/erasure.yml`` (eight languages). A message
is a request only when the whole of it is one phrase, with at most some polite words around
it; the gateway checks this itself, before anything reaches Rasa. Loaded on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from vocabulary.languages import SUPPORTED_LANGUAGES
from vocabulary.lexicons import LEXICON_DIR, LexiconError, normalise

__all__ = ["ERASURE_FILE", "KINDS", "PrivacyRequest", "confirmation_answer", "phrases", "privacy_request"]

ERASURE_FILE = LEXICON_DIR / "erasure.yml"
#: Requests a message can make.
KINDS = ("erase", "withdraw")
#: Groups of the file besides the requests.
_ANSWERS = ("confirm", "decline")  # yes and no ("yes:" would be a YAML boolean)
#: Longer messages are stories, not requests (checked on the raw text, before normalising).
MAX_REQUEST_CHARS = 120


@dataclass(frozen=True)
class PrivacyRequest:
    """What a message asks for, and in which language it asked."""

    kind: str  # erase | withdraw
    language: str


@dataclass(frozen=True)
class _Compiled:
    requests: dict[tuple[str, str], re.Pattern[str]]  # (kind, language) -> whole-message pattern
    answers: dict[str, re.Pattern[str]]  # confirm / decline -> whole-message pattern
    phrases: dict[str, dict[str, list[str]]]  # group -> language -> normalised phrases


def _alternation(phrases: list[str]) -> str:
    # Longest first, so "verwijder mijn gesprek" is tried before "verwijder".
    return "|".join(re.escape(p) for p in sorted(set(phrases), key=len, reverse=True))


def _whole(core: list[str], polite: list[str]) -> re.Pattern[str]:
    around = _alternation(polite)
    return re.compile(rf"(?:(?:{around}) )*(?:{_alternation(core)})(?: (?:{around}))*")


def _load(path: Path) -> _Compiled:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise LexiconError(f"{path.name}: expected a mapping")
    phrases: dict[str, dict[str, list[str]]] = {}
    for group in ("polite", *KINDS, *_ANSWERS):
        by_language = data.get(group)
        if not isinstance(by_language, dict):
            raise LexiconError(f"{path.name}: missing group {group!r}")
        unknown = set(by_language) - set(SUPPORTED_LANGUAGES)
        missing = set(SUPPORTED_LANGUAGES) - set(by_language)
        if unknown or missing:
            raise LexiconError(f"{path.name}: {group}: unknown {sorted(unknown)}, missing {sorted(missing)}")
        phrases[group] = {}
        for language, items in by_language.items():
            if not isinstance(items, list) or not items:
                raise LexiconError(f"{path.name}: {group}: {language}: expected a list of phrases")
            if not all(isinstance(item, str) for item in items):
                # Unquoted yes, no, on, off are YAML booleans: write "yes".
                raise LexiconError(f"{path.name}: {group}: {language}: quote every phrase that is not text")
            normalised = [normalise(item) for item in items]
            if "" in normalised:
                raise LexiconError(f"{path.name}: {group}: {language}: an empty phrase")
            phrases[group][str(language)] = normalised
    polite = [p for items in phrases["polite"].values() for p in items]
    requests = {
        (kind, language): _whole(items, polite) for kind in KINDS for language, items in phrases[kind].items()
    }
    answers = {
        answer: _whole([p for items in phrases[answer].values() for p in items], polite)
        for answer in _ANSWERS
    }
    return _Compiled(requests, answers, phrases)


@lru_cache(maxsize=1)
def _lexicon() -> _Compiled:
    return _load(ERASURE_FILE)


def phrases(group: str) -> dict[str, list[str]]:
    """The normalised phrases of a group (polite, erase, withdraw, confirm, decline) per language."""
    return {language: list(items) for language, items in _lexicon().phrases[group].items()}


def privacy_request(text: str) -> PrivacyRequest | None:
    """The request this whole message makes ("verwijder mijn gesprek aub"), or None."""
    if not text or len(text) > MAX_REQUEST_CHARS:
        return None
    folded = normalise(text)
    if not folded:
        return None
    for (kind, language), pattern in _lexicon().requests.items():
        if pattern.fullmatch(folded):
            return PrivacyRequest(kind, language)
    return None


def confirmation_answer(text: str) -> bool | None:
    """True for a yes ("ja", "oui", "так"), False for a no, None for anything else."""
    if not text or len(text) > MAX_REQUEST_CHARS:
        return None
    folded = normalise(text)
    compiled = _lexicon()
    if compiled.answers["decline"].fullmatch(folded):
        return False  # "nee" wins: never erase on a doubtful answer
    if compiled.answers["confirm"].fullmatch(folded):
        return True
    return None
