"""``huurhulp triage``: the live bot's classifier and triage, on messages from a file.

It loads the same trained model the Rasa server serves, prepares each text exactly as
the gateway does (language choice, `/` neutralisation, the crisis lexicon), and runs the
same ``actions.assessment.assess`` the actions run. No separate classifier.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, TextIO

from actions.assessment import assess
from actions.triage import detect_crisis
from bot.language import choose_language
from bot.router import CRISIS_INTENT, UNREADABLE_INTENT, clean_text, text_for_rasa

log = logging.getLogger(__name__)


class Classifier:
    """The trained Rasa model, loaded once, answering the way the live bot does."""

    def __init__(self, model: Path) -> None:
        # Rasa and TensorFlow take seconds to import: only when this command runs.
        import structlog
        from rasa.core.agent import Agent

        # Unconfigured, Rasa's structlog prints debug events, message text included, to
        # stdout: that would leak tenants' words into logs and corrupt the JSON lines.
        structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

        self._agent = Agent.load(str(model))
        self._loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict[str, Any]:
        """Rasa's NLU result for ``text``."""
        result: dict[str, Any] = self._loop.run_until_complete(self._agent.parse_message(text))
        return result

    def classify(self, text: str, today: dt.date, language_hint: str | None = None) -> dict[str, Any]:
        """One JSON-ready line of ``huurhulp triage`` output."""
        cleaned = clean_text(text)
        language = choose_language(None, cleaned, language_hint)
        crisis_lexicon = detect_crisis(cleaned)
        rasa_text = text_for_rasa(cleaned, None, [], crisis_lexicon)
        intent: str | None
        if rasa_text in (CRISIS_INTENT, UNREADABLE_INTENT):
            intent, confidence = rasa_text.removeprefix("/"), 1.0
        else:
            parsed = self.parse(rasa_text)
            intent = (parsed.get("intent") or {}).get("name")
            confidence = float((parsed.get("intent") or {}).get("confidence") or 0.0)
        assessment = assess(cleaned, today, intent, confidence, language)
        result = assessment.result
        return {
            "language": language,
            "intent": intent,
            "confidence": round(confidence, 4),
            "stage": result.stage.value,
            "priority": result.priority.value,
            "crisis": assessment.crisis,
            "dates": [d.date.isoformat() for d in assessment.dates],
            "date_details": [d.to_dict() for d in assessment.dates],
            "reasons": list(result.reasons),
            "needs_human": result.needs_human,
        }

    def close(self) -> None:
        """Release the event loop."""
        self._loop.close()


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
