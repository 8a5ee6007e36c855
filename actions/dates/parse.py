"""``parse_dates``: locate, choose, resolve and classify the dates in one message."""

from __future__ import annotations

import datetime
import logging

from actions.dates.context import kind_of
from actions.dates.folding import fold
from actions.dates.grammar import looks_french
from actions.dates.locate import Candidate, candidates, select
from actions.dates.model import MAX_RESULTS, MAX_TEXT_CHARS, SUPPORTED_LANGUAGES, ParsedDate
from actions.dates.patterns import Patterns, build_patterns

# The package's one logger keeps the name the single module had.
logger = logging.getLogger("actions.dates")


def parse_dates(text: str, today: datetime.date, language: str | None = None) -> list[ParsedDate]:
    """Find the dates in ``text``, relative to ``today``, in text order.

    ``language`` (one of ``SUPPORTED_LANGUAGES``; a locale such as "nl-BE" also works)
    narrows the vocabulary; ``None`` or an unknown code uses all eight languages. Numeric dates are
    day-first (Belgian). Never raises: on any unexpected input it returns ``[]``.
    """
    try:
        if not isinstance(text, str) or not text.strip():
            return []
        if isinstance(today, datetime.datetime):  # a datetime is a date; use its day
            today = today.date()
        if not isinstance(today, datetime.date):
            return []
        text = text[:MAX_TEXT_CHARS]
        folded = fold(text)
        languages = _languages(language)
        french_hier = languages == ("fr",) or ("fr" in languages and looks_french(folded))
        patterns = build_patterns(languages, french_hier)
        return _resolve_chosen(text, folded, select(candidates(folded, today, patterns)), patterns)
    except Exception:  # the contract is "never raise": a chat must not break on a date
        logger.warning("parse_dates failed", exc_info=True)
        return []


def _languages(language: str | None) -> tuple[str, ...]:
    """The one language ``language`` names, or all of them."""
    if language:
        code = language.strip().lower()[:2]
        if code in SUPPORTED_LANGUAGES:
            return (code,)
    return SUPPORTED_LANGUAGES


def _resolve_chosen(text: str, folded: str, chosen: list[Candidate], patterns: Patterns) -> list[ParsedDate]:
    """The chosen candidates that resolve to a date, at most ``MAX_RESULTS``, with their kinds."""
    results: list[ParsedDate] = []
    for cand in chosen:
        if len(results) >= MAX_RESULTS:
            break
        try:
            resolved = cand.resolve()
        except Exception:  # one odd candidate must not cost the others
            logger.debug("date candidate %r failed", text[cand.start : cand.end], exc_info=True)
            continue
        if resolved is None:
            continue
        value, how = resolved
        results.append(
            ParsedDate(
                date=value,
                text=text[cand.start : cand.end],
                start=cand.start,
                end=cand.end,
                kind=kind_of(folded, cand.start, cand.end, patterns.kinds),
                resolved_as=how,
            )
        )
    return results
