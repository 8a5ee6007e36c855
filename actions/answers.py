"""Reading intake answers typed as free text: yes/no, amounts, who already helps.

Buttons cover most answers, but tenants also type ("ja hoor", "2 maand", "900 euro",
"het cpas", "nu știu", "متأخر شهرين"). These readers are small, pure and language-aware;
anything they cannot read returns ``None`` so the form asks again instead of guessing.

nl/fr/en words are written below; tr, ar, pl, ro and uk words (yes, no, don't know,
number words, month units, euro words) come from ``vocabulary/lexicon/<code>/words.yml``,
loaded on first use. The readers take no language: every language's words apply, and a
few words that are also Flemish chat ("da" = dat, "nu" = now) only count when no
nl/fr/en yes/no word is in the same answer.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from actions.dates import load_words

#: The languages whose answer words come from the lexicon files.
LEXICON_LANGUAGES: tuple[str, ...] = ("tr", "ar", "pl", "ro", "uk")

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
#: "I don't know" in nl/fr/en. A don't-know answer is neither yes nor no, even though it
#: contains a "no" word ("ik weet het niet", "je ne sais pas", "I don't know").
DONT_KNOW_PHRASES: tuple[str, ...] = (
    "weet niet",
    "weet het niet",
    "weet ik niet",
    "weet nie",
    "geen idee",
    "geen flauw idee",
    "sais pas",
    "ne sais pas",
    "sais pas trop",
    "aucune idee",
    "je ne sais",
    "don't know",
    "dont know",
    "do not know",
    "no idea",
    "not sure",
    "idk",
)

# Letters without a decomposition that tenants type either way (Turkish dotless i,
# Polish l with stroke), apostrophes, and Arabic-Indic digits (٣ -> 3).
_TRANSLATE = str.maketrans(
    {
        "\u0131": "i",
        "\u0142": "l",
        "\u2019": "'",
        "\u2018": "'",
        "\u02bc": "'",
        "`": "'",
        **{chr(0x0660 + n): str(n) for n in range(10)},
        **{chr(0x06F0 + n): str(n) for n in range(10)},
    }
)


def fold(text: str) -> str:
    """Lowercase without accents, single spaces, ASCII digits and apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_TRANSLATE))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.split())


def _phrases(words: Any) -> tuple[str, ...]:
    return tuple(fold(w) for w in words if isinstance(w, str) and fold(w)) if isinstance(words, list) else ()


def _phrase_pattern(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """Whole-word match of any phrase (``*`` ends a stem); never matches when empty."""
    if not phrases:
        return re.compile("(?!)")
    parts = sorted({re.escape(p).replace(r"\*", r"\w*").replace(r"\ ", r"\s+") for p in phrases}, key=len)
    return re.compile(r"(?<![\w'])(?:" + "|".join(reversed(parts)) + r")(?![\w'])")


@dataclass(frozen=True)
class _LexiconWords:
    yes: re.Pattern[str]
    no: re.Pattern[str]
    weak_yes: re.Pattern[str]
    weak_no: re.Pattern[str]
    dont_know: re.Pattern[str]
    numbers: dict[str, float]
    months: re.Pattern[str]  # "<count> [half] <month unit>"
    counted_months: re.Pattern[str]  # the Arabic dual "شهرين"
    counted_values: dict[str, float]
    not_debt_before: re.Pattern[str]
    not_debt_after: re.Pattern[str]
    debt_before: re.Pattern[str]
    euros: re.Pattern[str]


def _alternation(words: Any) -> str:
    escaped = {re.escape(w).replace(r"\ ", r"\s+") for w in words}
    return "(?:" + "|".join(sorted(escaped, key=len, reverse=True)) + ")" if escaped else "(?!)"


@lru_cache(maxsize=1)
def _lexicon() -> _LexiconWords:
    """The answer words of the lexicon languages, folded (loaded on first use)."""
    yes: list[str] = []
    no: list[str] = []
    weak: list[str] = []
    dont_know: list[str] = list(DONT_KNOW_PHRASES)
    numbers: dict[str, float] = {}
    halves: list[str] = []
    month_units: list[str] = []
    counted: dict[str, float] = {}
    before: list[str] = []
    after: list[str] = []
    debt: list[str] = []
    euro_words: list[str] = []
    for code in LEXICON_LANGUAGES:
        data = load_words(code)
        yes += _phrases(data.get("yes"))
        no += _phrases(data.get("no"))
        weak += _phrases(data.get("weak"))
        dont_know += _phrases(data.get("dont_know"))
        raw_numbers = data.get("numbers")
        for word, value in raw_numbers.items() if isinstance(raw_numbers, dict) else []:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                numbers[fold(str(word))] = float(value)
        halves += _phrases(data.get("half"))
        month_units += _phrases(data.get("month_unit"))
        raw_counted = data.get("counted_units")
        for word, value in raw_counted.items() if isinstance(raw_counted, dict) else []:
            if isinstance(value, list) and len(value) == 2 and value[0] == "month":
                counted[fold(str(word))] = float(value[1])
        for key, target in (("prefixes", before), ("suffixes", after)):
            for section in ("in_future", "ago"):
                part = data.get(section)
                target += _phrases(part.get(key) if isinstance(part, dict) else None)
        debt += _phrases(data.get("debt_after"))
        euro_words += _phrases(data.get("euro"))
    weak_set = set(weak)
    number = rf"(?:\d+(?:[.,]\d+)?\s*|{_alternation(numbers)}\s+)"
    half = rf"(?:(?P<half>{_alternation(halves)})\s+)?"
    return _LexiconWords(
        yes=_phrase_pattern(tuple(w for w in yes if w not in weak_set)),
        no=_phrase_pattern(tuple(w for w in no if w not in weak_set)),
        weak_yes=_phrase_pattern(tuple(w for w in yes if w in weak_set)),
        weak_no=_phrase_pattern(tuple(w for w in no if w in weak_set)),
        dont_know=_phrase_pattern(tuple(dont_know)),
        numbers=numbers,
        months=re.compile(rf"(?<![\w.,])(?P<n>{number}){half}{_alternation(month_units)}(?!\w)"),
        # Arabic glues "ب" (by), "ل" or "و" to the word: "متأخر بشهرين".
        counted_months=re.compile(rf"(?<!\w)[\u0628\u0644\u0648]?(?P<w>{_alternation(counted)})(?!\w)"),
        counted_values=counted,
        not_debt_before=re.compile(rf"(?<!\w){_alternation(before)}\s*$"),
        not_debt_after=re.compile(rf"^\s*{_alternation(after)}(?!\w)"),
        debt_before=_phrase_pattern(tuple(debt)),
        euros=re.compile(
            rf"(?<![\w.,])(?P<n>\d(?:[\d .,]*\d)?)\s*(?:de\s+)?{_alternation(euro_words)}(?!\w)"
        ),
    )


def read_dont_know(text: str) -> bool:
    """Whether a typed answer says "I don't know" ("weet niet", "nie wiem", "لا أعرف")."""
    return bool(_lexicon().dont_know.search(fold(text)))


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
    """``True``/``False`` for a typed yes or no in any of the eight languages, else ``None``.

    "I don't know" ("ik weet het niet", "nu știu", "не знаю") is ``None``. A word inside a
    longer phrase of another kind does not count: "nu se poate" is no (not the "se poate"
    in it), "nie jestem pewny" is don't know (not the "nie").
    """
    folded = fold(text)
    lexicon = _lexicon()
    tokens = list(re.finditer(r"[\w'’]+", folded))
    found: dict[str, list[tuple[int, int]]] = {
        "yes": [m.span() for m in tokens if m.group() in YES_WORDS]
        + [m.span() for m in lexicon.yes.finditer(folded)],
        "no": [m.span() for m in tokens if m.group() in NO_WORDS]
        + [m.span() for m in lexicon.no.finditer(folded)],
        "dont_know": [m.span() for m in lexicon.dont_know.finditer(folded)],
    }

    def inside_longer(span: tuple[int, int], kind: str) -> bool:
        return any(
            other != kind and s <= span[0] and span[1] <= e and e - s > span[1] - span[0]
            for other, spans in found.items()
            for s, e in spans
        )

    kept = {kind: [span for span in spans if not inside_longer(span, kind)] for kind, spans in found.items()}
    if kept["dont_know"]:
        return None
    yes, no = bool(kept["yes"]), bool(kept["no"])
    if not yes and not no:  # "da" / "nu" only when nothing else answers
        yes, no = bool(lexicon.weak_yes.search(folded)), bool(lexicon.weak_no.search(folded))
    if yes == no:
        return None  # neither, or both ("ja nee")
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
    for value in _lexicon_months(folded):
        if value <= 60 and (best is None or value > best):
            best = value
    return best


def _lexicon_months(folded: str) -> list[float]:
    """Months of debt in the lexicon languages: "2 luni", "dwa i pol miesiaca", "شهرين"."""
    lexicon = _lexicon()
    found: list[tuple[int, int, float]] = []
    for match in lexicon.months.finditer(folded):
        raw = match.group("n").strip()
        value = lexicon.numbers.get(raw) if raw in lexicon.numbers else _number(raw)
        if value is not None:
            found.append((match.start(), match.end(), value + (0.5 if match.group("half") else 0.0)))
    for match in lexicon.counted_months.finditer(folded):
        found.append((match.start(), match.end(), lexicon.counted_values[match.group("w")]))
    values = []
    for start, end, value in found:
        before = folded[:start]
        if lexicon.not_debt_after.match(folded[end:]):
            continue  # "2 ay sonra", "2 miesiace temu"
        # "za 2 miesiace" is a delay, but "czynsz za 2 miesiace" a debt
        if lexicon.not_debt_before.search(before) and not lexicon.debt_before.search(before[-30:]):
            continue
        values.append(value)
    return values


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
    folded = fold(text)
    for match in _EUROS.finditer(folded):
        value = _number((match.group("n1") or match.group("n2") or "").strip())
        if value is not None and (best is None or value > best):
            best = value
    for match in _lexicon().euros.finditer(folded):  # "1400 de euro", "900 avro", "500 يورو"
        value = _number(match.group("n").strip())
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
