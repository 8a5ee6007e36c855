"""Reading intake answers typed as free text: yes/no, amounts, who already helps.

Buttons cover most answers, but tenants also type ("ja hoor", "2 maand", "900 euro",
"het cpas"). These readers are small, pure and language-aware; anything they cannot read
returns ``None`` so the form asks again instead of guessing.
"""

from __future__ import annotations

import re
import unicodedata

_NUMBER_WORDS = {
    # nl
    "een": 1, "één": 1, "eén": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7,
    "acht": 8, "negen": 9, "tien": 10, "half": 0.5, "halve": 0.5, "anderhalve": 1.5,
    # fr
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "demi": 0.5,
    # en
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10,
}  # fmt: skip
_MONTH_WORD = r"(?:maanden|maand|mnd|mois|months?|mths?)"
_EURO_WORD = r"(?:euros?|eur|€)"
_NUMBER = (
    r"(?:\d+(?:[.,]\d+)?|" + "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True)) + ")"
)

_MONTHS = re.compile(rf"(?<![\w.,])(?P<n>{_NUMBER})\s*(?:\+\s*)?{_MONTH_WORD}(?!\w)")
_EUROS = re.compile(
    rf"(?:(?<![\w.,])(?P<n1>\d(?:[\d .,]*\d)?)\s*{_EURO_WORD}(?!\w))|(?:€\s*(?P<n2>\d(?:[\d .,]*\d)?))"
)
_BARE_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*$")
# Months that are a delay, not a debt: "binnen 2 maanden", "il y a 3 mois", "in 2 months".
_NOT_DEBT_BEFORE = re.compile(r"(?:binnen|over|na|sinds|in|within|after|dans|d'ici|depuis|il y a)\s*$")
_NOT_DEBT_AFTER = re.compile(r"^\s*(?:geleden|ago|later|plus tard)")

YES_WORDS = frozenset(
    [
        "ja",
        "jawel",
        "jaja",
        "jep",
        "yep",
        "yes",
        "yeah",
        "yup",
        "ok",
        "oké",
        "okay",
        "oui",
        "ouais",
        "si",
        "wel",
        "zeker",
        "klopt",
        "inderdaad",
        "correct",
        "natuurlijk",
        "absoluut",
        "evident",
        "d'accord",
        "bien",
        "sûr",
        "sure",
    ]
)
NO_WORDS = frozenset(
    ["nee", "neen", "nein", "nope", "no", "non", "nah", "niet", "geen", "nooit", "never", "jamais", "pas"]
)


def fold(text: str) -> str:
    """Lowercase without accents, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def _number(token: str) -> float | None:
    token = token.strip().replace(" ", "")
    if token in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[token])
    folded = fold(token)
    if folded in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[folded])
    # "1.250,50" (Belgian), "1,250.50" (English) and "1250.50": a separator followed by
    # exactly three digits groups thousands; the last one followed by 1-2 digits is decimal.
    match = re.fullmatch(r"(\d{1,3}(?:[.,\s]\d{3})+|\d+)(?:[.,](\d{1,2}))?", token)
    if not match:
        return None
    whole = re.sub(r"[.,\s]", "", match.group(1))
    return float(f"{whole}.{match.group(2)}" if match.group(2) else whole)


def read_yes_no(text: str) -> bool | None:
    """``True``/``False`` for a typed yes or no in nl/fr/en, else ``None``."""
    words = set(re.findall(r"[\w'’]+", fold(text)))
    yes, no = bool(words & YES_WORDS), bool(words & NO_WORDS)
    if yes == no:
        return None  # neither, or both ("ja, nee, ik weet het niet")
    return yes


def read_arrears(text: str) -> tuple[float | None, float | None]:
    """Arrears read from an answer: ``(months, euros)``; either may be ``None``.

    A bare number ("2") counts as months, because the question asks for months first.
    """
    folded = fold(text)
    bare = _BARE_NUMBER.match(folded)
    if bare:
        value = _number(bare.group(1))
        if value is not None and value <= 60:
            return value, None
        return None, value
    return months_in_text(folded), euros_in_text(folded)


def months_in_text(text: str) -> float | None:
    """The largest number of months of debt in ``text`` ("3 maanden huur", "deux mois").

    Delays ("binnen 2 maanden", "il y a 3 mois", "in 2 months") are not debts.
    """
    folded = fold(text)
    best: float | None = None
    for match in _MONTHS.finditer(folded):
        if _NOT_DEBT_BEFORE.search(folded[: match.start()]) or _NOT_DEBT_AFTER.match(folded[match.end() :]):
            continue
        value = _number(match.group("n"))
        if value is not None and value <= 60 and (best is None or value > best):
            best = value
    return best


_MONTH_NAMES = (  # noqa: SIM905 (three readable rows, one per language)
    "januari februari maart april mei juni juli augustus september oktober november december "
    "janvier fevrier mars avril mai juin juillet aout septembre octobre novembre decembre "
    "january february march april may june july august september october november december"
).split()
_NAMED_MONTH = re.compile(
    r"(?<![\w])(?<!\d )(" + "|".join(sorted(set(_MONTH_NAMES), key=len, reverse=True)) + r")(?!\w)"
)


def named_rent_months(text: str) -> int | None:
    """How many rent months a message names ("de huur van oktober en november" -> 2).

    Only two or more distinct month names count, and never one with a day number before
    it ("3 november" is a date, not a month of rent).
    """
    folded = fold(text)
    names = {_MONTH_NAMES.index(m.group(1)) % 12 for m in _NAMED_MONTH.finditer(folded)}
    return len(names) if len(names) >= 2 else None


_RENT = re.compile(
    r"(?:huur(?:prijs)?|loyer|rent)\b[^.\d]{0,25}?(?P<n>\d[\d.]*(?:,\d+)?)\s*(?:euros?|eur|€)?"
    r"(?:\s*(?:per|par|a|an|/)\s*(?:maand|mois|month))?"
)


def rent_in_text(text: str) -> float | None:
    """The monthly rent a message states ("mijn huur is 750", "loyer de 650 €", "rent is 900")."""
    match = _RENT.search(fold(text))
    if not match:
        return None
    value = _number(match.group("n"))
    if value is None or not 100 <= value <= 5000:
        return None  # a monthly rent in Flanders lies well within this range
    if 1900 <= value <= 2100 and not re.search(r"(?:euros?|eur|€)", match.group(0)):
        return None  # "de huur stijgt in 2027": a year, not an amount
    return value


def euros_in_text(text: str) -> float | None:
    """The largest euro amount in ``text`` ("1.500 euro", "€ 900")."""
    best: float | None = None
    for match in _EUROS.finditer(fold(text)):
        value = _number((match.group("n1") or match.group("n2") or "").strip())
        if value is not None and (best is None or value > best):
            best = value
    return best


def read_help_involved(text: str) -> str | None:
    """Who already helps: ``ocmw``, ``caw``, ``ocmw_and_caw``, ``none``, ``other``; ``None`` if empty."""
    folded = fold(text)
    if not folded:
        return None
    ocmw = bool(re.search(r"\b(?:ocmw|cpas|sociale dienst|service social|social service)\b", folded))
    caw = bool(re.search(r"\bcaw\b", folded))
    if (ocmw and caw) or re.search(r"\b(?:allebei|beide|les deux|both)\b", folded):
        return "ocmw_and_caw"
    if ocmw:
        return "ocmw"
    if caw:
        return "caw"
    if read_yes_no(folded) is False or re.search(
        r"\b(?:niemand|personne|nobody|no one|geen van beide|neither|aucun)\b", folded
    ):
        return "none"
    return "other"
