"""Folding text to a same-length lowercase, accent-free copy, and regex helpers for word lists."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

_APOSTROPHES = {"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u02bc": "'"}
# Letters without a Unicode decomposition that tenants type either way (Turkish dotless
# i, Polish l with stroke), and Arabic-Indic / Eastern Arabic-Indic digits (٣ -> 3).
_FOLD_MAP: dict[str, str] = {
    "\u0131": "i",
    "\u0141": "l",
    "\u0142": "l",
    **{chr(0x0660 + n): str(n) for n in range(10)},
    **{chr(0x06F0 + n): str(n) for n in range(10)},
}

NEVER = "(?!)"  # an alternation that matches nothing, for empty word lists


def _fold_char(char: str) -> str:
    """Lowercase ``char`` without accents, always returning exactly one character."""
    if char in _APOSTROPHES:
        return _APOSTROPHES[char]
    if char in _FOLD_MAP:
        return _FOLD_MAP[char]
    if not char.isprintable():
        return " "
    base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
    if len(base) != 1:
        base = char
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


def fold(text: str) -> str:
    """Lowercase, accent-free copy of ``text`` with the SAME length.

    Same length matters: patterns run on the folded text and the spans are cut from the
    original text at the same offsets. ("İ".lower() has two characters, so per-character
    folding keeps the original character in such cases.)
    """
    return "".join(_fold_char(c) for c in text)


def plain_words(words: Iterable[str]) -> list[str]:
    """Folded, dot-free words that are plain letters (safe to put in a regex)."""
    out = []
    for word in words:
        folded = fold(word).strip().rstrip(".")
        if re.fullmatch(r"[a-z]+", folded):
            out.append(folded)
    return out


def alternation(words: Iterable[str]) -> str:
    """A regex alternation, longest first so that "januari" wins over "jan"."""
    escaped = {re.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+") for w in words}
    if not escaped:
        return NEVER
    parts = sorted(escaped, key=len, reverse=True)
    return "(?:" + "|".join(parts) + ")"


def squeeze(words: str) -> str:
    """``words`` with every run of whitespace as one space, as the word tables spell them."""
    return re.sub(r"\s+", " ", words)
