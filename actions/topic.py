"""Is a message about rent, a home, money or the procedure at all? (``lexicon/topic.yml``)

The model alone may not give a stage to a message without one of these words: "ik ben
bang van spinnen" is out of scope, whatever the model's confidence.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from vocabulary.lexicons import LEXICON_DIR, LexiconError, normalise

__all__ = ["TOPIC_FILE", "VOICE_FILE", "about_rent", "speaks_as_tenant", "topic_pattern", "voice_pattern"]

TOPIC_FILE = LEXICON_DIR / "topic.yml"
#: Words that say who is writing: the tenant or the landlord (``lexicon/voice.yml``).
VOICE_FILE = LEXICON_DIR / "voice.yml"


def _entry_pattern(entry: str) -> str:
    prefix = entry.endswith("*")
    words = normalise(entry.rstrip("*")).split()
    if not words:
        raise LexiconError(f"topic.yml: empty entry {entry!r}")
    body = r"\s+".join(re.escape(word) for word in words)
    return body + (r"\w*" if prefix else "")


def _words_pattern(path: Path, key: str) -> re.Pattern[str]:
    """One pattern for the per-language word lists under ``key`` in ``path``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get(key), dict):
        raise LexiconError(f"{path.name}: missing mapping {key!r}")
    parts: list[str] = []
    for language, entries in data[key].items():
        if not isinstance(entries, list) or not all(isinstance(e, str) for e in entries):
            raise LexiconError(f"{path.name}: {key}.{language}: expected a list of words")
        parts += [_entry_pattern(entry) for entry in entries]
    # Arabic writers glue the article to a loanword ("الhuissier"): allow that prefix.
    words = "|".join(sorted(set(parts), key=len, reverse=True))
    return re.compile(r"(?<!\w)(?:ال)?(?:" + words + r")(?!\w)")


@lru_cache(maxsize=4)
def topic_pattern(path: Path = TOPIC_FILE) -> re.Pattern[str]:
    """One compiled pattern for every language's topic words."""
    return _words_pattern(path, "words")


@lru_cache(maxsize=8)
def voice_pattern(voice: str, path: Path = VOICE_FILE) -> re.Pattern[str]:
    """The words, in every language, of one voice in ``voice.yml`` ("tenant" or "landlord")."""
    return _words_pattern(path, voice)


def about_rent(text: str) -> bool:
    """Whether ``text`` has a word about rent, a home, money or the procedure (any language)."""
    if not isinstance(text, str) or not text.strip():
        return False
    # Both the plain and the chat-expanded form ("kga" -> "ik ga", "da" stays "da").
    return any(topic_pattern().search(normalise(text, language)) for language in ("nl", "tr"))


def speaks_as_tenant(text: str) -> bool:
    """Whether ``text`` speaks as the tenant ("ik huur", "my landlord") and never as a landlord."""
    if not isinstance(text, str) or not text.strip():
        return False
    folded = normalise(text)
    return bool(voice_pattern("tenant").search(folded)) and not voice_pattern("landlord").search(folded)
