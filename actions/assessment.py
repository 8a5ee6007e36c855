"""Where is this tenant in the procedure, and how urgent is it? One pure function.

``assess`` combines what the model understood (the intent), what the curated lexicon
finds in the words, the dates in the text, and what the conversation already knows.
The live bot (``action_triage`` and the intake form) and ``huurhulp triage`` both call
it, so the numbers researchers measure are the numbers tenants get.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from actions.answers import euros_in_text, months_in_text, named_rent_months, rent_in_text
from actions.dates import DateKind, ParsedDate, parse_dates
from actions.reading import ReadSentence, read_sentences
from actions.triage import TriageInput, TriageResult, triage
from vocabulary.lexicons import detect_crisis, detect_stages
from vocabulary.stages import Stage

#: NLU intents that tell us the stage.
INTENT_STAGES: Mapping[str, Stage] = {
    "crisis": Stage.crisis,
    "report_locked_out": Stage.locked_out,
    "report_eviction_date": Stage.eviction_scheduled,
    "report_judgment": Stage.judgment,
    "report_court": Stage.court,
    "report_formal_notice": Stage.formal_notice,
    "report_arrears": Stage.arrears,
    "report_payment_worry": Stage.payment_worry,
}

#: Below this confidence the intent alone does not set a stage (the lexicon still can).
MIN_INTENT_CONFIDENCE = 0.5
#: From this confidence on, the model's stage is trusted over the stage lexicon: the
#: lexicon is the safety net for what the model is unsure about, and it over-reads
#: mentions ("... or he goes to court" is a demand letter, not a court case). The
#: crisis lexicon always counts.
TRUSTED_INTENT_CONFIDENCE = 0.9

#: Stages whose priority is S or P1. The model alone never sets one of these: it needs a
#: cue (the lexicon, a date, a confirmed answer). Without a cue the bot asks one short
#: confirming question instead (``Assessment.unconfirmed``). On real messages the model
#: said "crisis" for mould and "locked_out" for a sick child, with confidence 1.0.
EVIDENCE_STAGES = frozenset({Stage.crisis, Stage.locked_out, Stage.eviction_scheduled, Stage.judgment})

#: Date slots that are themselves a cue for a stage.
_DATE_EVIDENCE: Mapping[str, Stage] = {
    "eviction_date": Stage.eviction_scheduled,
    "judgment_served_date": Stage.judgment,
}

#: A date only counts as a hearing/eviction/service date when the stage it belongs to
#: is signalled: the words around a date are a weaker clue than the stage itself
#: ("pay before 18 December or he goes to court" is a deadline, not a hearing).
_DATE_NEEDS_STAGE: Mapping[str, frozenset[Stage]] = {
    "hearing_date": frozenset({Stage.court}),
    "eviction_date": frozenset({Stage.eviction_scheduled, Stage.judgment, Stage.locked_out}),
    "judgment_served_date": frozenset({Stage.judgment, Stage.eviction_scheduled}),
}

#: Stages whose messages may state the debt ("3 maanden achterstand").
_DEBT_STAGES = frozenset({Stage.arrears, Stage.formal_notice, Stage.court, Stage.judgment})

#: Date slots and the kind of date that fills each.
DATE_SLOTS: Mapping[DateKind, str] = {
    DateKind.hearing: "hearing_date",
    DateKind.eviction: "eviction_date",
    DateKind.judgment_served: "judgment_served_date",
}

#: A date without a telling word nearby belongs to the stage's own date.
_STAGE_DATE_SLOT: Mapping[Stage, str] = {
    Stage.court: "hearing_date",
    Stage.eviction_scheduled: "eviction_date",
    Stage.judgment: "judgment_served_date",
}


@dataclass(frozen=True)
class Assessment:
    """The triage result plus what was read from the message."""

    result: TriageResult
    crisis: bool
    signals: frozenset[Stage]
    dates: list[ParsedDate] = field(default_factory=list)
    #: Date slots this message fills (ISO strings), e.g. {"hearing_date": "2026-12-01"}.
    date_slots: dict[str, str] = field(default_factory=dict)
    arrears_months: float | None = None
    arrears_euros: float | None = None
    #: The model's S/P1 stage that no cue supports: the bot asks before it escalates.
    unconfirmed: Stage | None = None
    #: Stages found only in sentences about the past (reported, never triaged).
    past: frozenset[Stage] = frozenset()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form (``huurhulp triage`` output, handoff summaries)."""
        return {
            **self.result.to_dict(),
            "crisis": self.crisis,
            "signals": sorted(s.value for s in self.signals),
            "dates": [d.to_dict() for d in self.dates],
            "date_slots": dict(self.date_slots),
            "unconfirmed": self.unconfirmed.value if self.unconfirmed else None,
            "past": sorted(s.value for s in self.past),
        }


def as_date(value: Any) -> dt.date | None:
    """A slot value (ISO string or date) as a date; ``None`` for anything else."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def _as_float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _as_flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _date_slots(
    dates: list[ParsedDate],
    stages: set[Stage],
    today: dt.date,
    sentence_stages: Mapping[int, set[Stage]] | None = None,
    own_sentence_only: bool = False,
) -> dict[str, str]:
    """Which date slots the ``dates`` fill; ``sentence_stages`` maps a date's start offset
    to the stages signalled in its own sentence (a date belongs to its own event first).

    With ``own_sentence_only`` a date without a word saying what it is takes its slot
    from its own sentence's stages only, never from ``stages`` of the whole message.
    """
    slots: dict[str, str] = {}
    for parsed in dates:
        slot = DATE_SLOTS.get(parsed.kind) if parsed.kind else None
        if slot is None and parsed.kind is None:
            # No word says what the date is: it is the date of the most urgent stage in
            # its own sentence, else in the message (a summons mentions the hearing, a
            # bailiff the eviction).
            own = (sentence_stages or {}).get(parsed.start) or set()
            candidates = sorted(own, key=lambda s: -s.urgency)
            if not own_sentence_only:
                candidates += sorted(stages, key=lambda s: -s.urgency)
            for stage in candidates:
                if stage in _STAGE_DATE_SLOT:
                    slot = _STAGE_DATE_SLOT[stage]
                    break
        if slot and not (_DATE_NEEDS_STAGE[slot] & stages):
            continue
        if slot and slot not in slots:
            if slot != "judgment_served_date" and parsed.date < today and parsed.resolved_as != "explicit":
                continue  # a weekday read as last week's is not the coming hearing
            slots[slot] = parsed.date.isoformat()
    return slots


def assess(
    text: str,
    today: dt.date,
    intent: str | None = None,
    confidence: float = 1.0,
    language: str | None = None,
    known: Mapping[str, Any] | None = None,
) -> Assessment:
    """Assess one message in the light of what the conversation already ``known``.

    ``known`` holds slot values: ``stage``, the date slots (ISO strings), ``arrears_months``,
    ``arrears_euros``, ``monthly_rent``, ``children``, ``income_loss``, ``health_problems``.
    """
    known = known or {}
    previous = known.get("stage")
    known_stage = (
        Stage(previous) if isinstance(previous, str) and previous in Stage._value2member_map_ else None
    )
    confirmed = (
        known.get("stage_confirmed") is True and known.get("confirm_stage") in Stage._value2member_map_
    )

    # The crisis lexicon reads the whole message: a crisis is never discounted as past.
    crisis_cue = detect_crisis(text)
    model_stage = INTENT_STAGES.get(intent or "")
    if model_stage is not None and confidence < MIN_INTENT_CONFIDENCE and not crisis_cue:
        model_stage = None

    # The stage lexicon reads sentence by sentence; a sentence about the distant past
    # ("mijn zus werd vorig jaar uitgezet") gives no stage.
    by_sentence = read_sentences(text, today, language)
    lexicon = {stage for each in by_sentence if not each.past for stage in each.stages}
    past = {stage for each in by_sentence if each.past for stage in each.stages} - lexicon
    if len(by_sentence) > 1:
        # A pattern may also match across a sentence break ("een brief van de deurwaarder.
        # ik moet eruit op 12 december"): the whole text counts, minus the past.
        lexicon |= detect_stages(text, language) - past

    signals: set[Stage] = set()
    if model_stage is None or confidence < TRUSTED_INTENT_CONFIDENCE:
        signals |= lexicon
    if model_stage is not None and model_stage is not Stage.crisis:
        signals.add(model_stage)
    if crisis_cue:
        signals.add(Stage.crisis)
    if known_stage is not None:
        signals.add(known_stage)
    if confirmed:
        signals.add(Stage(known["confirm_stage"]))

    # The detected language helps with ambiguous words, but detection errs on mixed
    # messages ("got a dagvaarding, court date in two weeks"): then try every language.
    dates = parse_dates(text, today, language) or parse_dates(text, today, None)
    dates = [d for d in dates if not _in_past_sentence(d, by_sentence)]
    sentence_stages = {d.start: _stages_at(d, by_sentence) for d in dates}
    found = _date_slots(dates, signals, today, sentence_stages)

    # Escalation needs evidence: the model's S/P1 stage stands only with a cue.
    unconfirmed: Stage | None = None
    if model_stage in EVIDENCE_STAGES:
        # A date is a cue only when its own words or its own sentence say what it is: a
        # date slotted because the model said "eviction" would confirm the model by itself
        # ("I started my new job Thursday Aug 14" is no eviction date).
        date_cues = _date_slots(dates, signals, today, sentence_stages, own_sentence_only=True)
        cued = (
            model_stage in lexicon
            or model_stage is known_stage
            or (confirmed and known.get("confirm_stage") == model_stage.value)
            or (model_stage is Stage.crisis and crisis_cue)
            or any(_DATE_EVIDENCE.get(slot) is model_stage for slot in date_cues)
        )
        if not cued:
            signals.discard(model_stage)
            signals |= lexicon  # the model is not trusted here, so the lexicon counts again
            unconfirmed = model_stage
            found = _date_slots(dates, signals, today, sentence_stages)
    crisis = Stage.crisis in signals
    merged = {
        slot: found.get(slot) or known.get(slot)
        for slot in ("hearing_date", "eviction_date", "judgment_served_date")
    }
    arrears_months = _as_float(known.get("arrears_months"))
    monthly_rent = _as_float(known.get("monthly_rent"))
    arrears_euros = _as_float(known.get("arrears_euros"))
    if signals & _DEBT_STAGES:
        # "2 maanden achterstand" in the first message is as good as the intake answer.
        if arrears_months is None:
            arrears_months = months_in_text(text) or named_rent_months(text)
        arrears_euros = arrears_euros if arrears_euros is not None else euros_in_text(text)
        if monthly_rent is None:
            monthly_rent = rent_in_text(text)

    result = triage(
        TriageInput(
            today=today,
            signals=signals,
            hearing_date=as_date(merged["hearing_date"]),
            eviction_date=as_date(merged["eviction_date"]),
            judgment_served_date=as_date(merged["judgment_served_date"]),
            arrears_months=arrears_months,
            arrears_euros=arrears_euros,
            monthly_rent=monthly_rent,
            children=_as_flag(known.get("children")),
            health=_as_flag(known.get("health_problems")),
            income_loss=_as_flag(known.get("income_loss")),
        )
    )
    return Assessment(
        result=result,
        crisis=crisis,
        signals=frozenset(signals),
        dates=dates,
        date_slots=found,
        arrears_months=arrears_months,
        arrears_euros=arrears_euros,
        unconfirmed=unconfirmed
        if unconfirmed is not None and unconfirmed.urgency > result.stage.urgency
        else None,
        past=frozenset(past - signals),
    )


def _in_past_sentence(parsed: ParsedDate, by_sentence: list[ReadSentence]) -> bool:
    return any(each.past and each.holds(parsed.start) for each in by_sentence)


def _stages_at(parsed: ParsedDate, by_sentence: list[ReadSentence]) -> set[Stage]:
    return next((set(each.stages) for each in by_sentence if each.holds(parsed.start)), set())
