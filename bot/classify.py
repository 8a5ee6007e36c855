"""``huurhulp triage``: the live bot's classifier and triage, on messages from a file.

It loads the same trained model the Rasa server serves, prepares each text exactly as
the gateway does (language choice, `/` commands, the crisis lexicon), applies the same
intent gate as the NLU pipeline (``actions.gate``) and then what the dialogue does with
the intent: a stage intent is triaged with ``actions.assessment.assess`` (the same call
``action_triage`` makes), any other intent sets no stage. No separate classifier, so the
numbers researchers measure are the numbers tenants get.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator, MutableMapping
from pathlib import Path
from typing import Any, TextIO

from actions.assessment import INTENT_STAGES, assess
from actions.gate import gate_intent
from bot.language import choose_language
from bot.router import CRISIS_INTENT, clean_text, text_for_rasa
from vocabulary.lexicons import detect_crisis

log = logging.getLogger(__name__)

#: Intents whose answer points elsewhere: the message is out of scope, not an error.
OUT_OF_SCOPE_INTENTS = frozenset({"out_of_scope", "housing_other"})


def model_intent(parsed: dict[str, Any]) -> tuple[str | None, float, list[tuple[str, float]]]:
    """The model's own intent in a parse result, before ``TriageGate`` replaced it, and the
    model's ranking (best three, without the fallback and the gate's entries)."""
    ranking = parsed.get("intent_ranking") or []
    own = [
        (str(e.get("name")), float(e.get("confidence") or 0.0))
        for e in ranking
        if not e.get("replaced") and e.get("name") != "nlu_fallback"
    ][:3]
    if ranking and ranking[0].get("replaced"):
        return ranking[0]["replaced"], float(ranking[0].get("replaced_confidence") or 0.0), own
    intent = parsed.get("intent") or {}
    return intent.get("name"), float(intent.get("confidence") or 0.0), own


class Classifier:
    """The trained Rasa model, loaded once, answering the way the live bot does.

    ``cache`` (text -> [intent, confidence, ranking]) keeps the model's answers between runs of
    ``make triage-report``; it must belong to this model (the caller keys it by file).
    """

    def __init__(self, model: Path, cache: MutableMapping[str, list[Any]] | None = None) -> None:
        # Rasa and TensorFlow take seconds to import: only when this command runs.
        import structlog
        from rasa.core.agent import Agent

        # Unconfigured, Rasa's structlog prints debug events, message text included, to
        # stdout: that would leak tenants' words into logs and corrupt the JSON lines.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

        self._agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()
        self._cache = cache

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's NLU result for ``text``."""
        result: dict[str, Any] = self._loop.run_until_complete(self._agent.parse_message(text))
        return result

    def _model_intent(self, text: str) -> tuple[str | None, float, list[tuple[str, float]]]:
        if self._cache is not None and text in self._cache:
            name, confidence, ranking = self._cache[text]
            return name, float(confidence), [(str(n), float(c)) for n, c in ranking]
        name, confidence, ranking = model_intent(self.parse(text))
        if self._cache is not None:
            self._cache[text] = [name, confidence, ranking]
        return name, confidence, ranking

    def classify(self, text: str, today: dt.date, language_hint: str | None = None) -> dict[str, Any]:
        """One JSON-ready line of ``huurhulp triage`` output."""
        cleaned = clean_text(text)
        language = choose_language(None, cleaned, language_hint)
        crisis_lexicon = detect_crisis(cleaned)
        rasa_text = text_for_rasa(cleaned, None, [], crisis_lexicon)
        intent: str | None
        if rasa_text.startswith("/"):
            # A trusted intent from the gateway: the crisis lexicon, a typed command, no text.
            intent, confidence = rasa_text.removeprefix("/"), 1.0
        else:
            intent, confidence, ranking = self._model_intent(rasa_text)
            gated = None
            if intent:
                gated = gate_intent(rasa_text, intent, confidence, today, language, ranking=ranking)
            if gated is not None:
                intent, confidence = gated
        return describe(cleaned, today, intent, confidence, language, rasa_text == CRISIS_INTENT)

    def close(self) -> None:
        """Release the event loop."""
        self._loop.close()


def describe(
    text: str, today: dt.date, intent: str | None, confidence: float, language: str, trusted_crisis: bool
) -> dict[str, Any]:
    """What the dialogue makes of ``intent``: triage for a stage, nothing for the rest."""
    asks: str | None = None
    assessment = None
    if intent == "crisis" and not trusted_crisis:
        # The model alone said crisis: the bot shows the numbers and asks (action_crisis).
        assessment = assess(text, today, None, 0.0, language)
        asks = "crisis"
    elif intent in INTENT_STAGES:
        assessment = assess(text, today, intent, confidence, language)
        asks = assessment.unconfirmed.value if assessment.unconfirmed else None
    result = assessment.result if assessment else None
    return {
        "language": language,
        "intent": intent,
        "confidence": round(confidence, 4),
        "stage": result.stage.value if result else "none",
        "priority": result.priority.value if result else "none",
        "crisis": bool(assessment and assessment.crisis),
        "asks": asks,
        "out_of_scope": intent in OUT_OF_SCOPE_INTENTS,
        "dates": [d.date.isoformat() for d in assessment.dates] if assessment else [],
        "date_details": [d.to_dict() for d in assessment.dates] if assessment else [],
        "date_slots": dict(assessment.date_slots) if assessment else {},
        "past": sorted(s.value for s in assessment.past) if assessment else [],
        "reasons": list(result.reasons) if result else [],
        "needs_human": bool(result and result.needs_human),
        # Issue 11: the date itself whenever the judgment's service date is known.
        "earliest_eviction_date": (
            result.earliest_eviction_date.isoformat() if result and result.earliest_eviction_date else None
        ),
    }


def read_requests(
    lines: Iterable[str], default_today: dt.date
) -> Iterator[tuple[dict[str, Any], str | None]]:
    """Parse input lines; yields ``(request, error)`` so one bad line never stops a run."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            request = json.loads(line)
            if not isinstance(request, dict) or not isinstance(request.get("text"), str):
                raise ValueError("expected an object with a string 'text'")
            today = request.get("today")
            request["today"] = dt.date.fromisoformat(today) if today else default_today
        except (ValueError, TypeError) as error:
            yield {"line": number}, f"line {number}: {error}"
            continue
        yield request, None


def run_triage(model: Path, source: TextIO, sink: TextIO, default_today: dt.date) -> int:
    """Classify every JSON line of ``source`` into ``sink``; returns the number of bad lines."""
    classifier = Classifier(model)
    errors = 0
    try:
        for request, error in read_requests(source, default_today):
            if error:
                errors += 1
                sink.write(json.dumps({"error": error}) + "\n")
                continue
            output = classifier.classify(request["text"], request["today"], request.get("language"))
            if "id" in request:
                output = {"id": request["id"], **output}
            sink.write(json.dumps(output, ensure_ascii=False) + "\n")
            sink.flush()
    finally:
        classifier.close()
    return errors
