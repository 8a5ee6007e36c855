"""The intent gate's rules (applied in the Rasa server by ``actions.nlu_components.TriageGate``).

Pure: no Rasa imports, so ``huurhulp triage``, the tests and the NLU pipeline share it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from actions.reading import read_sentences
from actions.topic import about_rent, speaks_as_tenant
from vocabulary.stages import Stage, most_urgent_stage

__all__ = ["OUT_OF_SCOPE_INTENT", "STAGE_INTENTS", "current_lexicon_stage", "gate_intent"]

OUT_OF_SCOPE_INTENT = "out_of_scope"

#: The report_* intent of each stage (crisis is the gateway's: its lexicon runs there).
STAGE_INTENTS: Mapping[Stage, str] = {
    Stage.locked_out: "report_locked_out",
    Stage.eviction_scheduled: "report_eviction_date",
    Stage.judgment: "report_judgment",
    Stage.court: "report_court",
    Stage.formal_notice: "report_formal_notice",
    Stage.arrears: "report_arrears",
    Stage.payment_worry: "report_payment_worry",
}
_STAGE_INTENT_NAMES = frozenset(STAGE_INTENTS.values())

#: Intents the lexicon may replace with a stage: the model heard no situation in them.
#: Form answers (affirm, deny, dont_know, skip, inform_place), a request for a person
#: and the stage intents themselves are never replaced; a landlord's question only when
#: the message speaks as the tenant (LANDLORD_INTENTS).
REPLACEABLE_INTENTS = frozenset(
    {
        "greet",
        "goodbye",
        "thanks",
        "capabilities",
        "out_of_scope",
        "housing_other",
        "nlu_fallback",
        "ask_conciliation",
        "ask_hearing",
        "ask_eviction_rules",
        "ask_ocmw",
        "ask_caw",
        "ask_huurdersbond",
        "ask_legal_aid",
        "ask_fonds",
        "ask_deposit",
        "ask_social_housing",
        "ask_find_help",
        "ask_rent_allowance",
        "ask_lease_end",
        "ask_appeal",
        "ask_judge_decision",
        "ask_interpreter",
        "ask_after_eviction",
        "ask_debt_help",
        "ask_talk_line",
    }
)
#: A landlord's intent that the lexicon may replace when the message speaks as the tenant
#: ("ik huur al zes jaar ... ik moet naar de vrederechter" is no landlord's question).
LANDLORD_INTENTS = frozenset({"landlord_tenant_not_paying"})
#: Confidence given to an intent the gate sets (below the model's "trusted" 0.9, so
#: assessment keeps checking the lexicon, and above the fallback threshold).
GATE_CONFIDENCE = 0.8
#: The least confidence of the model's best stage for a fallback story to be triaged.
MIN_STAGE_CONFIDENCE = 0.3


def current_lexicon_stage(text: str, today: dt.date, language: str | None = None) -> Stage:
    """The most urgent stage the stage lexicon finds in a sentence about the present."""
    read = read_sentences(text, today, language)
    return most_urgent_stage(stage for each in read if not each.past for stage in each.stages)


def gate_intent(
    text: str,
    intent: str,
    confidence: float,
    today: dt.date,
    language: str | None = None,
    lexicon_stages: bool = True,
    ranking: Sequence[tuple[str, float]] = (),
) -> tuple[str, float] | None:
    """The intent to use instead of ``intent``, or ``None`` to keep the model's.

    ``ranking`` is the model's own (intent, confidence) ranking, best first, without
    ``nlu_fallback``. The model's ``crisis`` is never gated away: without a lexicon cue the bot shows the
    emergency numbers and asks whether the person is in danger (``action_crisis``).
    """
    if intent in _STAGE_INTENT_NAMES:
        if not about_rent(text):
            return OUT_OF_SCOPE_INTENT, max(confidence, GATE_CONFIDENCE)
        return None
    replaceable = intent in REPLACEABLE_INTENTS or (intent in LANDLORD_INTENTS and speaks_as_tenant(text))
    if lexicon_stages and replaceable:
        stage = current_lexicon_stage(text, today, language)
        if stage in STAGE_INTENTS:
            return STAGE_INTENTS[stage], GATE_CONFIDENCE
    if intent == OUT_OF_SCOPE_INTENT and about_rent(text):
        # "Not about housing at all" is contradicted by words about rent or the
        # procedure: take the model's best stage if it ranked one.
        stages = [name for name, _ in ranking if name in _STAGE_INTENT_NAMES]
        if stages:
            return stages[0], GATE_CONFIDENCE
    if intent == "nlu_fallback" and ranking:
        # Long stories split the model's vote between two stages, and the fallback's
        # ambiguity check then calls the story "not understood". A story about rent
        # whose best guess is a stage is triaged on that guess (the evidence rule still
        # keeps an unsupported S/P1 stage from counting).
        best, best_confidence = ranking[0]
        if best in _STAGE_INTENT_NAMES and best_confidence >= MIN_STAGE_CONFIDENCE and about_rent(text):
            # The gate's own confidence: above the threshold at which assessment accepts
            # a (non-urgent) stage, below the one at which it stops checking the lexicon.
            return best, GATE_CONFIDENCE
    return None
