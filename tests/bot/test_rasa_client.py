"""Parsing the REST channel's replies; choosing among several Rasa servers."""

from __future__ import annotations

import uuid

import httpx
import pytest

from bot.rasa_client import RasaClient, RasaUnavailable, parse_replies, server_order


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


# Several Rasa servers: a home server per conversation, another while it is unreachable -----------

SERVERS = ["http://127.0.0.1:5005", "http://127.0.0.1:5006"]


def test_a_conversation_always_has_the_same_home_server() -> None:
    ids = [uuid.uuid4().hex for _ in range(2000)]
    homes = [server_order(conversation, SERVERS)[0] for conversation in ids]
    assert homes == [server_order(conversation, list(reversed(SERVERS)))[0] for conversation in ids]
    # Not Python's salted hash(): the same in every gateway process and after restarts.
    assert server_order("conversation-1", SERVERS) == server_order("conversation-1", SERVERS)
    share = homes.count(SERVERS[0]) / len(homes)
    assert 0.45 < share < 0.55  # spread evenly


def test_a_new_server_takes_only_its_own_share() -> None:
    ids = [uuid.uuid4().hex for _ in range(3000)]
    three = [*SERVERS, "http://127.0.0.1:5007"]
    moved = [c for c in ids if server_order(c, SERVERS)[0] != server_order(c, three)[0]]
    assert all(server_order(c, three)[0] == three[2] for c in moved)  # only to the new server
    assert 0.28 < len(moved) / len(ids) < 0.39  # about a third


class _Servers:
    """Fake Rasa servers behind httpx's MockTransport: ``down`` refuse connections."""

    def __init__(self, down: set[str]) -> None:
        self.down = down
        self.calls: list[str] = []

    def transport(self, url: str) -> httpx.MockTransport:
        def handle(request: httpx.Request) -> httpx.Response:
            self.calls.append(url)
            if url in self.down:
                raise httpx.ConnectError("connection refused", request=request)
            if request.url.path == "/status":
                return httpx.Response(200, json={"model_file": "m.tar.gz"})
            if request.url.path.endswith("/trigger_intent"):
                return httpx.Response(200, json={"messages": [{"text": f"back via {url}"}]})
            return httpx.Response(200, json=[{"text": f"from {url}"}])

        return httpx.MockTransport(handle)


def _client(servers: _Servers) -> RasaClient:
    client = RasaClient(SERVERS, "token", 5.0)
    for url in SERVERS:
        client._http[url] = httpx.AsyncClient(base_url=url, transport=servers.transport(url))
    return client


async def test_turns_go_to_the_home_server() -> None:
    servers = _Servers(down=set())
    client = _client(servers)
    for conversation in ("a", "b", "c", "d", "e", "f"):
        turn = await client.send(conversation, "hallo", {})
        assert turn.replies[0].text == f"from {server_order(conversation, SERVERS)[0]}"
    await client.aclose()


async def test_another_server_takes_the_turn_while_the_home_server_is_unreachable() -> None:
    conversation = "conversation-x"
    home, other = server_order(conversation, SERVERS)
    servers = _Servers(down={home})
    client = _client(servers)
    assert (await client.send(conversation, "hallo", {})).replies[0].text == f"from {other}"
    assert servers.calls == [home, other]
    # For a few seconds the unreachable server is tried last, so turns do not wait for it.
    assert client.servers_for(conversation) == [other, home]
    back = await client.trigger_intent(conversation, "handed_back")
    assert [reply.text for reply in back.replies] == [f"back via {other}"]
    assert await client.healthy()  # one server answers: the conversations have a place to go
    assert await client.servers_healthy() == {home: False, other: True}
    servers.down = set(SERVERS)
    with pytest.raises(RasaUnavailable):
        await client.send(conversation, "hallo", {})
    assert not await client.healthy()
    await client.aclose()


async def test_a_slow_answer_is_not_sent_again_elsewhere() -> None:
    seen: list[str] = []

    def slow(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        raise httpx.ReadTimeout("too slow", request=request)

    client = RasaClient(SERVERS, "token", 5.0)
    for url in SERVERS:
        client._http[url] = httpx.AsyncClient(base_url=url, transport=httpx.MockTransport(slow))
    with pytest.raises(RasaUnavailable):
        await client.send("conversation-y", "hallo", {})
    assert len(seen) == 1  # the first server may still be working on it
    await client.aclose()
