"""Triage: the stage of a tenant's procedure and the priority of their case.

The rules are the project's fixed vocabulary (shared brief, "Triage: stages and
priorities"):

* ``crisis`` -> S; ``locked_out``, ``eviction_scheduled``, ``judgment`` -> P1;
  ``court`` -> P2; ``formal_notice`` -> P3; ``arrears`` of 2 months or more -> P3, less
  or unknown -> P4; ``payment_worry`` -> P4; ``none`` -> none.
* Any hearing or eviction date 0..14 days from today -> P1 (so ``court`` becomes P1
  when its hearing is that close).
* Several signals: the most urgent stage and the highest priority win. Flags (children,
  health, income loss) are shown to the caseworker and never change a priority.
* A known eviction date implies at least ``eviction_scheduled``, a known hearing date at
  least ``court``, a judgment-served date at least ``judgment``, a known arrears amount
  at least ``arrears``.

Dates in the past. A hearing or eviction date before today neither implies a stage nor
makes a case urgent: such a date is most often a completed year-less date, a typo or an
event that has passed (the hearing took place, the eviction was postponed), and
escalating on it would flood the P1 queue with cases nobody can act on faster. It is
reported as a reason (``hearing_date_in_past``, ``eviction_date_in_past``) so the
conversation asks what happened since; explicit signals (``judgment``, ``locked_out``)
still decide the priority. The exception is the judgment-served date, which is in the
past by nature: it proves a judgment exists (stage ``judgment``, P1 by the brief's
rules) and gives the earliest lawful eviction date: the day after the one-month term of
Ger.W. art. 1344quater, counted with art. 52-54 (``actions.legal_terms``), unless the
judge decided otherwise.

Why a keyword lexicon sits beside the NLU model
-----------------------------------------------
The NLU model is small, trained on few examples per intent in three languages, and it
classifies one intent per message. A tenant in crisis often writes about rent first and
mentions the danger in a subordinate clause, misspelled, in dialect: the model will miss
some of those, and a missed crisis is the one error the service cannot afford (the
brief: "the crisis route beats everything"). So crisis recall is made close to 100% by
curated patterns (``lexicon/crisis.yml``) that are checked on every message whatever
the model says, accepting that a figure of speech now and then sends a conversation to
a human. The stage lexicon (``lexicon/stages.yml``) does the same for the procedural
words ("dagvaarding", "huissier", "locks changed") that must raise a priority even when
the model picked another intent. ``detect_signals`` returns stages; ``triage`` combines
them with the model's intents, the dates and the arrears. Everything here is pure: no
Rasa imports, no I/O at import time (the lexicons load on first use).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

from actions.legal_terms import EVICTION_TERM_MONTHS, add_months, earliest_eviction_date
from vocabulary.lexicons import detect_crisis, detect_signals, detect_stages
from vocabulary.stages import Priority, Stage, highest_priority, most_urgent_stage

__all__ = [
    "ARREARS_P3_MONTHS",
    "EVICTION_TERM_MONTHS",
    "URGENT_WINDOW_DAYS",
    "Priority",
    "Stage",
    "TriageInput",
    "TriageResult",
    "add_months",
    "detect_crisis",
    "detect_signals",
    "detect_stages",
    "highest_priority",
    "most_urgent_stage",
    "triage",
]

URGENT_WINDOW_DAYS = 14  # a hearing or eviction 0..14 days away is P1
ARREARS_P3_MONTHS = 2.0  # arrears of this many months' rent or more are P3
FLAG_NAMES = ("children", "health", "income_loss")


# The brief's table. Arrears and court depend on amounts and dates, see triage().
STAGE_PRIORITY: dict[Stage, Priority] = {
    Stage.crisis: Priority.S,
    Stage.locked_out: Priority.P1,
    Stage.eviction_scheduled: Priority.P1,
    Stage.judgment: Priority.P1,
    Stage.court: Priority.P2,
    Stage.formal_notice: Priority.P3,
    Stage.arrears: Priority.P4,
    Stage.payment_worry: Priority.P4,
    Stage.none: Priority.none,
}


def _finite(value: float | None) -> float | None:
    """``value`` if it is a usable non-negative number, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) and number >= 0 else None


@dataclass(kw_only=True)
class TriageInput:
    """Everything triage looks at; all keyword arguments, only ``today`` is required.

    ``signals`` are stages from the NLU intents and/or ``detect_signals`` (``Stage``
    members or their string values). Flags are ``True``/``False``/``None`` (unknown).
    """

    today: datetime.date
    signals: Collection[Stage | str] = frozenset()
    hearing_date: datetime.date | None = None
    eviction_date: datetime.date | None = None
    judgment_served_date: datetime.date | None = None
    arrears_months: float | None = None
    arrears_euros: float | None = None
    monthly_rent: float | None = None
    children: bool | None = None
    health: bool | None = None
    income_loss: bool | None = None

    def __post_init__(self) -> None:
        # Fail fast on an unknown stage name: it is a mapping bug upstream, and
        # silently dropping it could drop a crisis.
        self.signals = frozenset(Stage(s) for s in self.signals)

    @property
    def stages(self) -> frozenset[Stage]:
        """The signalled stages as ``Stage`` members."""
        return frozenset(Stage(s) for s in self.signals)

    def arrears_in_months(self) -> tuple[float | None, bool]:
        """Arrears in months' rent, and whether it was computed from euros.

        When both a month count and euros/rent are known and disagree, the higher
        reading is used: they describe the same debt, and the higher one is the safe side.
        """
        months = _finite(self.arrears_months)
        euros, rent = _finite(self.arrears_euros), _finite(self.monthly_rent)
        computed = round(euros / rent, 2) if euros is not None and rent else None
        if computed is not None and (months is None or computed > months):
            return computed, True
        return months, False


@dataclass(frozen=True)
class TriageResult:
    """The outcome of ``triage``; ``reasons`` are short machine-readable codes."""

    stage: Stage
    priority: Priority
    reasons: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    days_to_hearing: int | None = None
    days_to_eviction: int | None = None
    arrears_months: float | None = None
    earliest_eviction_date: datetime.date | None = None

    @property
    def needs_human(self) -> bool:
        """S and P1 go to a caseworker at once."""
        return self.priority in (Priority.S, Priority.P1)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (enum values and ISO dates as strings)."""
        return {
            "stage": self.stage.value,
            "priority": self.priority.value,
            "reasons": list(self.reasons),
            "flags": list(self.flags),
            "days_to_hearing": self.days_to_hearing,
            "days_to_eviction": self.days_to_eviction,
            "arrears_months": self.arrears_months,
            "earliest_eviction_date": (
                self.earliest_eviction_date.isoformat() if self.earliest_eviction_date else None
            ),
            "needs_human": self.needs_human,
        }


def triage(inp: TriageInput) -> TriageResult:
    """Apply the brief's triage rules to ``inp`` (see the module docstring)."""
    today = inp.today
    signalled = sorted(inp.stages - {Stage.none}, key=lambda s: -s.urgency)
    stages: set[Stage] = set(signalled)
    reasons = [f"signal_{s.value}" for s in signalled]
    priorities: list[Priority] = []

    days_to_hearing = (inp.hearing_date - today).days if inp.hearing_date else None
    days_to_eviction = (inp.eviction_date - today).days if inp.eviction_date else None
    for what, days, implied in (
        ("hearing", days_to_hearing, Stage.court),
        ("eviction", days_to_eviction, Stage.eviction_scheduled),
    ):
        if days is None:
            continue
        if days < 0:
            reasons.append(f"{what}_date_in_past")
            continue
        if implied not in stages:
            stages.add(implied)
            reasons.append(f"{what}_date_implies_{implied.value}")
        if days <= URGENT_WINDOW_DAYS:
            priorities.append(Priority.P1)
            reasons.append(f"{what}_within_{URGENT_WINDOW_DAYS}_days")

    earliest_eviction = None
    if inp.judgment_served_date:
        earliest_eviction = earliest_eviction_date(inp.judgment_served_date)
        if Stage.judgment not in stages:
            stages.add(Stage.judgment)
            reasons.append("judgment_served_implies_judgment")

    months, from_euros = inp.arrears_in_months()
    if from_euros:
        reasons.append("arrears_months_from_euros")
    if months and Stage.arrears not in stages:
        stages.add(Stage.arrears)
        reasons.append("arrears_amount_implies_arrears")

    for stage in stages:
        if stage is Stage.arrears:
            if months is None:
                reasons.append("arrears_unknown")
                priorities.append(Priority.P4)
            elif months >= ARREARS_P3_MONTHS:
                reasons.append(f"arrears_{ARREARS_P3_MONTHS:g}_months_or_more")
                priorities.append(Priority.P3)
            else:
                reasons.append(f"arrears_under_{ARREARS_P3_MONTHS:g}_months")
                priorities.append(Priority.P4)
        else:
            priorities.append(STAGE_PRIORITY[stage])

    flags = [name for name in FLAG_NAMES if getattr(inp, name) is True]
    return TriageResult(
        stage=most_urgent_stage(stages),
        priority=highest_priority(priorities),
        reasons=reasons,
        flags=flags,
        days_to_hearing=days_to_hearing,
        days_to_eviction=days_to_eviction,
        arrears_months=months,
        earliest_eviction_date=earliest_eviction,
    )
