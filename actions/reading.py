"""Reading a tenant's story sentence by sentence.

Real tenants write long messages: what happened years ago next to what happens now,
a sister's eviction next to their own summons. Triage looks at the *current* situation,
so each sentence is read on its own:

* a sentence that places its event clearly in the past ("vorig jaar", "il y a trois
  ans", "back in 2019") gives no stage: "mijn zus werd vorig jaar uitgezet" is a memory,
  not an eviction today;
* a date belongs to the sentence it stands in, so "de zitting is op 12 december" and
  "in 2021 kreeg ik al een ingebrekestelling" do not lend each other their dates.

Only markers of a *distant* past count (a year or more, an earlier calendar year):
"twee weken geleden kreeg ik een dagvaarding" is the current case. Pure and free of
Rasa imports, like the rest of triage.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from actions.dates import parse_dates
from vocabulary.lexicons import detect_stages, normalise
from vocabulary.stages import Stage

__all__ = ["ReadSentence", "Sentence", "is_past_event", "read_sentences", "split_sentences"]

# Sentence ends: . ! ? (and their Arabic forms), line breaks, semicolons. A full stop
# between digits ("12.12.2026", "1.250 euro") is no sentence end.
_SENTENCE_END = re.compile(r"(?<!\d)[.!?]+(?!\d)|[\n\r]+|[;؛؟।]+|(?<=\d)\.(?=\s+\D)")
#: Shorter pieces are glued to the sentence before them ("Ja." "Dus." are no story).
MIN_SENTENCE_CHARS = 3


@dataclass(frozen=True)
class Sentence:
    """One sentence of a message with its offsets in the original text."""

    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    """``text`` cut into sentences, with offsets; never empty for a non-empty text."""
    if not text.strip():
        return []
    sentences: list[Sentence] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        end = match.end()
        piece = text[start:end]
        if piece.strip():
            if sentences and len(piece.strip()) < MIN_SENTENCE_CHARS:
                last = sentences.pop()
                sentences.append(Sentence(text[last.start : end], last.start, end))
            else:
                sentences.append(Sentence(piece, start, end))
        start = end
    if text[start:].strip():
        sentences.append(Sentence(text[start:], start, len(text)))
    return sentences


# Markers of an event a year or more ago, on normalised text (lowercase, no accents,
# punctuation as spaces; see vocabulary.lexicons.normalise). One list for every language:
# each marker is specific enough not to occur by accident in another language.
_PAST_MARKERS = re.compile(
    r"(?<!\w)(?:"
    # Dutch
    r"vorig jaar|vorige jaar|verleden jaar|(?:\w+ )?jaar geleden|(?:\w+ )?jaren geleden"
    r"|jaren terug|(?:\w+ )?jaar terug|destijds|vroeger|lang geleden"
    r"|in mijn vorige (?:woning|appartement|huis)"
    # French
    r"|l an dernier|l annee derniere|l annee passee|il y a (?:\w+ )?ans?|il y a (?:\w+ )?annees?"
    r"|autrefois|jadis|dans mon ancien (?:logement|appartement)|dans mon ancienne maison"
    # English
    r"|last year|(?:\w+ )?years? ago|back in \d{4}|a few years back"
    r"|in my previous (?:flat|apartment|house|home)"
    r"|in my old (?:flat|apartment|house|place)"
    # Turkish
    r"|gecen yil|gecen sene|(?:\w+ )?yil once|(?:\w+ )?sene once|yillar once"
    # Polish
    r"|w zeszlym roku|w ubieglym roku|(?:\w+ )?lat temu|rok temu"
    # Romanian
    r"|anul trecut|(?:\w+ )?ani in urma|acum (?:\w+ )?ani|acum un an"
    # Ukrainian
    r"|минулого року|торік|(?:\w+ )?рок(?:и|ів) тому|рік тому"
    # Arabic (vowel marks and hamza forms are folded by normalise)
    r"|العام الماضي|السنه الماضيه|منذ سنوات|منذ سنه|قبل سنوات|قبل سنه"
    r")(?!\w)"
)
DAYS_IN_A_YEAR = 365
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
# A year after these words is a date in the future or now, not a past event
# ("tegen 2027", "until 2027", "jusqu'en 2027").
_NOT_PAST_BEFORE_YEAR = re.compile(r"(?:tegen|tot|until|till|by|jusqu en|avant|before|voor)\s+$")


# Words that put a sentence (also) in the present. Dutch "nu" is Romanian "not", so it
# only counts when the message is not known to be in another language.
_NOW = re.compile(
    r"(?<!\w)(?:vandaag|momenteel|op dit moment|maintenant|aujourd hui|actuellement|now|today"
    r"|currently|teraz|obecnie|astazi|в даний час|зараз|сьогодні|الان|اليوم|simdi|bugun)(?!\w)"
)
_NOW_NL = re.compile(r"(?<!\w)(?:nu|nou)(?!\w)")


def is_past_event(sentence: str, today: dt.date, language: str | None = None) -> bool:
    """Whether ``sentence`` tells of something a year or more ago (or in an earlier year).

    A sentence that also says "now" ("nu", "maintenant", "now", "vandaag") is about the
    present as well and does not count as past. An earlier year that belongs to a full
    date less than a year before ``today`` is recent, not past: in January "het vonnis
    werd betekend op 30 december 2026" is the current case.
    """
    folded = normalise(sentence, language)
    if _NOW.search(folded) or (language in (None, "nl") and _NOW_NL.search(folded)):
        return False
    if _PAST_MARKERS.search(folded):
        return True
    recent_years: set[int] | None = None
    for match in _YEAR.finditer(folded):
        year = int(match.group(1))
        if year >= today.year or _NOT_PAST_BEFORE_YEAR.search(folded[: match.start()]):
            continue
        if recent_years is None:  # parsed only when an earlier year is seen (rare)
            recent_years = _years_of_recent_full_dates(sentence, today, language)
        if year not in recent_years:
            return True
    return False


def _years_of_recent_full_dates(sentence: str, today: dt.date, language: str | None) -> set[int]:
    """The years written out in full dates of ``sentence`` less than a year before ``today``."""
    return {
        found.date.year
        for found in parse_dates(sentence, today, language)
        if str(found.date.year) in found.text and (today - found.date).days < DAYS_IN_A_YEAR
    }


@dataclass(frozen=True)
class ReadSentence:
    """A sentence with the stages the stage lexicon finds in it and whether it is past."""

    sentence: Sentence
    stages: frozenset[Stage]
    past: bool

    def holds(self, offset: int) -> bool:
        """Whether ``offset`` in the message falls in this sentence."""
        return self.sentence.start <= offset < self.sentence.end


def read_sentences(text: str, today: dt.date, language: str | None = None) -> list[ReadSentence]:
    """Every sentence of ``text`` with its lexicon stages and its place in time."""
    return [
        ReadSentence(
            sentence,
            frozenset(detect_stages(sentence.text, language)),
            is_past_event(sentence.text, today, language),
        )
        for sentence in split_sentences(text)
    ]
