"""Parsing the REST channel's replies."""

from __future__ import annotations

from bot.rasa_client import parse_replies


def test_text_buttons_and_custom_payloads_are_separated() -> None:
    turn = parse_replies(
        [
            {"recipient_id": "x", "text": "Dag!", "buttons": [{"title": "Help", "payload": "/capabilities"}]},
            {"recipient_id": "x", "custom": {"handoff": {"priority": "P1", "stage": "court"}}},
            {"recipient_id": "x", "text": "  "},
            "not a dict",
            {"recipient_id": "x", "text": "Nog iets", "buttons": [{"title": "", "payload": "/x"}, "bad"]},
        ]
    )
    assert [reply.text for reply in turn.replies] == ["Dag!", "Nog iets"]
    assert [b.payload for b in turn.replies[0].buttons] == ["/capabilities"]
    assert turn.replies[1].buttons == ()
    assert turn.handoff == {"priority": "P1", "stage": "court"}


def test_no_handoff_without_a_handoff_payload() -> None:
    turn = parse_replies([{"custom": {"something": "else"}}, {"custom": {"handoff": "not a dict"}}])
    assert turn.handoff is None
    assert turn.replies == []
