"""What the words around a date say about it: its kind (hearing, letter, ...) and its tense.

The kind is the nearest kind keyword in the date's sentence. The tense decides how a
year-less date is completed: ``tense_of`` reads the date's clause for past and
present/future cues (nl/fr/en words) and falls back on the kind.
"""

from __future__ import annotations

import re

from actions.dates.model import DateKind, Kinds, Prefer

# Past-tense cues. Receipt verbs say when a paper arrived, which is past for the paper
# but says nothing about the hearing or eviction it announces ("ik kreeg een brief voor
# de zitting op 14/01"), so they only count for dates that are not hearing/eviction dates.
_RECEIPT_CUES = re.compile(
    r"(?<!\w)(?:kreeg|kregen|gekregen|ontving|ontvingen|ontvangen|gestuurd|verstuurd|opgestuurd|"
    r"gebracht|bezorgd|recu|recue|recus|recues|envoye|envoyee|apporte|received|got|sent|delivered)(?!\w)"
)
_EVENT_PAST_CUES = re.compile(
    r"(?<!\w)(?:kwam|kwamen|gekomen|was|waren|werd|werden|had|hadden|betekend|gebeurd|geweest|sinds|"
    r"etait|etaient|avait|eu|signifie|signifiee|venu|venue|passe|depuis|were|served|came|since|"
    r"arrived|happened|did)(?!\w)"
)
# Present/future cues: a nearer one of these cancels a past cue.
_FUTURE_CUES = re.compile(
    r"(?<!\w)(?:is|wordt|zal|zullen|komt|komen|moet|moeten|gaat|ga|gaan|staat|gepland|verplaatst|"
    r"uitgesteld|est|sera|seront|aura|vient|viendra|va|vais|doit|dois|prevu|prevue|fixe|fixee|"
    r"reporte|reportee|will|are|comes|coming|going|must|scheduled|set|planned|due|postponed|moved)(?!\w)"
)
# A preposition right before the date that points forward: "tegen 2 december",
# "fixée au 14 janvier", "set for January 14".
_FUTURE_PREPOSITION_BEFORE = re.compile(
    r"(?<!\w)(?:naar|tot|tegen|voor|uiterlijk|ten laatste|au|jusqu'au|jusqu au|avant|pour|"
    r"for|until|till|by|before|to)\s+(?:op\s+|le\s+|on\s+|the\s+|de\s+)?$"
)
# Clause boundaries: punctuation and conjunctions that start a new clause.
_CLAUSE_BREAK = re.compile(
    r"[,;:!?\n()\u060c\u061b\u061f]|\.(?:\s|$)|(?<!\w)(?:en|maar|dat|want|omdat|als|et|mais|que|qu'|qu|car|parce|quand|"
    r"and|but|that|because|when)(?!\w)"
)
_SENTENCE_BREAK = re.compile(r"[;!?\n\u061b\u061f]|\.(?:\s|$)")

# Kind keywords (folded). The nearest keyword in the sentence decides.
KIND_PATTERNS: Kinds = (
    (
        DateKind.hearing,
        re.compile(
            # "zitting" but not "bezitting" (possession)
            r"\b(?:hoor|inleidende\s+)?zitting\w*|rechtbank\w*|\w*gerecht\b|\w*rechter\b|dagvaarding\w*|"
            r"gedagvaard|verzoekschrift\w*|\baudience\w*|\btribunal\w*|\bjuge\b|justice de paix|"
            r"\bconvocation\w*|\bconvoque\w*|\bcitation\w*|\bhearings?\b|\bcourts?\b|\bjudge\b|\bsummons\w*|"
            r"\bsummoned\b"
        ),
    ),
    (
        DateKind.eviction,
        re.compile(
            r"uithuiszetting\w*|\buitzetting\w*|ontruiming\w*|deurwaarder\w*|buitengezet|buiten\s+zetten|"
            r"\bexpulsion\w*|\bexpulse\w*|\bhuissier\w*|\bevict\w*|\bbailiff\w*"
        ),
    ),
    (
        DateKind.letter,
        re.compile(
            r"\bbrief\w*|aangetekend\w*|\blettre\w*|\brecommande\w*|\bcourrier\w*|\bletters?\b|\bregistered\b"
        ),
    ),
    (
        DateKind.judgment,
        re.compile(
            r"\bvonnis\w*|\buitspraak\b|\bbeslist\b|\bjugement\w*|\bjudge?ments?\b|\ba decide\b|\bruled\b"
        ),
    ),
    (
        DateKind.judgment_served,
        re.compile(r"\bbetekend\b|\bbetekening\w*|\bsignifie\w*|\bsignification\w*|\bserved\b"),
    ),
)


def _segment(folded: str, start: int, end: int, breaks: re.Pattern[str]) -> tuple[int, int]:
    """The [left, right) bounds of the segment around [start, end) between ``breaks``."""
    left, right = 0, len(folded)
    for match in breaks.finditer(folded):
        if match.end() <= start:
            left = match.end()
        elif match.start() >= end:
            right = match.start()
            break
    return left, right


# Letters are received and judgments served before the tenant writes about them, so
# without any tense cue such dates are read as past ("de brief van 3 november").
_PAST_BY_NATURE = frozenset({DateKind.letter, DateKind.judgment, DateKind.judgment_served})
# Hearings and evictions lie ahead: only a cue about the event itself makes them past.
_FUTURE_BY_NATURE = frozenset({DateKind.hearing, DateKind.eviction})


def tense_of(
    folded: str, start: int, end: int, kinds: Kinds | None = None, tense_cues: bool = True
) -> Prefer:
    """Future unless the clause around [start, end) clearly speaks about the past.

    The nearest tense cue in the clause decides (a tie goes to the future); a
    forward-pointing preposition right before the date wins outright; receipt verbs do
    not count for hearing/eviction dates; with no cue at all, dates of a kind that lies
    in the past by nature (letter, judgment) are past. The tense words are nl/fr/en only
    (``tense_cues``): in the other languages only the kind decides.
    """
    if _FUTURE_PREPOSITION_BEFORE.search(folded[max(0, start - 20) : start]):
        return "future"
    left, right = _segment(folded, start, end, _CLAUSE_BREAK)
    kind = kind_of(folded, start, end, kinds)
    if not tense_cues:
        return "past" if kind in _PAST_BY_NATURE else "future"
    past_cues = [_EVENT_PAST_CUES] if kind in _FUTURE_BY_NATURE else [_EVENT_PAST_CUES, _RECEIPT_CUES]
    distances = [_nearest_distance(p, folded, left, right, start, end) for p in past_cues]
    past = min((d for d in distances if d is not None), default=None)
    future = _nearest_distance(_FUTURE_CUES, folded, left, right, start, end)
    if past is not None and (future is None or past < future):
        return "past"
    if past is None and future is None and kind in _PAST_BY_NATURE:
        return "past"
    return "future"


def _nearest_distance(
    pattern: re.Pattern[str], folded: str, left: int, right: int, start: int, end: int
) -> int | None:
    """Distance in characters from [start, end) to the nearest match in [left, right)."""
    best: int | None = None
    for match in pattern.finditer(folded, left, right):
        if start <= match.start() < end:
            continue  # inside the date itself ("mardi passe")
        distance = start - match.end() if match.end() <= start else match.start() - end
        if best is None or distance < best:
            best = distance
    return best


def kind_of(folded: str, start: int, end: int, kinds: Kinds | None = None) -> DateKind | None:
    """The kind of the date at [start, end): the nearest kind keyword in its sentence."""
    kinds = KIND_PATTERNS if kinds is None else kinds
    left, right = _segment(folded, start, end, _SENTENCE_BREAK)
    best: tuple[int, int, DateKind] | None = None
    for kind, pattern in kinds:
        for match in pattern.finditer(folded, left, right):
            if start <= match.start() < end:
                continue
            distance = start - match.end() if match.end() <= start else match.start() - end
            # At equal distance the longer keyword wins: "рішення суду" (the court's
            # judgment) is a judgment, not a hearing at "суду" (court).
            if best is None or (distance, -len(match.group())) < best[:2]:
                best = (distance, -len(match.group()), kind)
    if best is None:
        return None
    kind = best[2]
    if kind is DateKind.judgment:
        # "het vonnis werd betekend op ..." : a judgment with a serving word is the
        # serving date, which starts the one-month term before an eviction.
        served = [p for k, p in kinds if k is DateKind.judgment_served]
        if any(p.search(folded, left, right) for p in served):
            return DateKind.judgment_served
    return kind
