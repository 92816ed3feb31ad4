"""The ticket API: the action server's token, claiming and taking over, replies to the buyer, hand-back."""

from __future__ import annotations

import aiohttp
import pytest

from bot.shop.conversation import load_conversation
from bot.web import keys
from tests.bot.web.conftest import buyer_says, history_of, identity_of, open_ticket, open_widget, sign_in

WORDING = load_conversation().handoff


@pytest.mark.parametrize("authorization", [None, "Bearer anything", "Basic x", "Bearer "])
async def test_nobody_outside_the_service_can_open_a_ticket(client, authorization):
    # Tickets are opened from the assistant's reply, by this service alone: there is no door for it.
    headers = {"Authorization": authorization} if authorization else {}
    response = await client.post("/api/tickets", json={"conversation_id": "b-1"}, headers=headers)
    assert response.status in (401, 405)
    agent = await sign_in(client, "alice")
    assert (await (await client.get("/api/tickets", headers=agent)).json())["tickets"] == []


async def test_a_ticket_the_assistant_sends_malformed_is_not_opened_and_the_buyer_is_answered(client, fake_rasa,
                                                                                            monkeypatch):
    monkeypatch.setattr(fake_rasa, "ticket", staticmethod(lambda sender, reasons: {"id": "t-1", "priority": "asap"}))
    buyer = identity_of(await buyer_says(client, "在吗"))
    answer = await buyer_says(client, "转人工", buyer)
    assert answer["replies"][0]["text"] == "收到：转人工" and answer["handed_off"] is False
    assert client.app[keys.store_key].open_for_conversation(buyer["buyer_id"]) is None


async def test_a_new_ticket_is_in_the_queue(client):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer)
    headers = await sign_in(client, "alice")
    queue = await (await client.get("/api/tickets", headers=headers)).json()
    assert [t["id"] for t in queue["tickets"]] == [ticket["id"]]
    assert (await client.get("/api/tickets/nope", headers=headers)).status == 404


async def test_only_the_claimer_resolves_and_taking_over_is_explicit(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket_id = (await open_ticket(client, buyer))["id"]
    alice, bob = await sign_in(client, "alice"), await sign_in(client, "bob")
    path = f"/api/tickets/{ticket_id}"

    assert (await client.post(f"{path}/resolve", json={"outcome": "x"}, headers=alice)).status == 409  # not claimed
    assert (await client.post(f"{path}/claim", headers=alice)).status == 200
    taken = await client.post(f"{path}/claim", headers=bob)
    assert taken.status == 409 and (await taken.json())["claimed_by"] == "alice"
    refused = await client.post(f"{path}/resolve", json={"outcome": "已退款"}, headers=bob)
    assert refused.status == 409 and (await refused.json())["claimed_by"] == "alice"
    assert (await client.post(f"{path}/reply", json={"text": "我来"}, headers=bob)).status == 409

    over = await client.post(f"{path}/claim", json={"take_over": True}, headers=bob)
    assert over.status == 200 and (await over.json())["claimed_by"] == "bob"
    assert (await client.post(f"{path}/resolve", json={"outcome": "已退款"}, headers=alice)).status == 409
    assert (await client.post(f"{path}/resolve", json={"outcome": ""}, headers=bob)).status == 400
    done = await client.post(f"{path}/resolve", json={"outcome": "已退款"}, headers=bob)
    assert done.status == 200
    assert (await done.json())["ticket"]["status"] == "resolved"

    # Handed back: Rasa's tracker got the outcome and the next message goes to Rasa again.
    assert {"event": "slot", "name": "handoff_outcome", "value": "已退款"}.items() <= \
        fake_rasa.events[buyer["buyer_id"]][-1].items()
    again = await buyer_says(client, "谢谢", buyer)
    assert again["handed_off"] is False and again["replies"][0]["text"] == "收到：谢谢"


async def test_an_agents_reply_reaches_the_buyers_widget_live(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "衣服破了"))
    ticket_id = (await open_ticket(client, buyer, ["complain_quality"]))["id"]
    alice = await sign_in(client, "alice")
    widget = await open_widget(client, buyer)

    await client.post(f"/api/tickets/{ticket_id}/claim", headers=alice)
    joined = await widget.receive_json(timeout=2)
    assert (joined["type"], joined["text"]) == ("system", WORDING.agent_joined.format(agent="小美"))
    answer = await client.post(f"/api/tickets/{ticket_id}/reply", json={"text": "<b>抱歉</b>，马上补发"},
                               headers=alice)
    assert answer.status == 200
    assert (await answer.json())["delivered"] is True
    pushed = await widget.receive_json(timeout=2)
    assert (pushed["type"], pushed["agent"], pushed["text"]) == ("reply", "小美", "<b>抱歉</b>，马上补发")

    # Kept in the ticket's transcript and in Rasa's tracker (as a bot event naming the agent).
    stored = await (await client.get(f"/api/tickets/{ticket_id}", headers=alice)).json()
    assert (stored["transcript"][-1]["sender"], stored["transcript"][-1]["agent"]) == ("agent", "alice")
    event = fake_rasa.events[buyer["buyer_id"]][-1]
    assert (event["event"], event["text"], event["metadata"]["agent"]) == ("bot", "<b>抱歉</b>，马上补发", "alice")
    history = await history_of(client, buyer)
    assert [(m["sender"], m["agent"]) for m in history["messages"]].count(("agent", "小美")) == 1

    assert (await client.post(f"/api/tickets/{ticket_id}/note", json={"text": "已补发"}, headers=alice)).status == 200
    await client.post(f"/api/tickets/{ticket_id}/resolve", json={"outcome": "补发"}, headers=alice)
    resolved = await widget.receive_json(timeout=2)
    assert (resolved["type"], resolved["text"]) == ("resolved", WORDING.resolved)
    # ...with the request to rate the service (tests/bot/web/test_ratings.py).
    assert resolved["rating"]["ticket_id"] == ticket_id and "小美" in resolved["rating"]["ask"]
    # Every line the buyer was shown is in their history: the agent joining, the reply, the hand-back.
    lines = [(m["sender"], m["text"]) for m in (await history_of(client, buyer))["messages"]]
    assert lines[-3:] == [("system", WORDING.agent_joined.format(agent="小美")), ("agent", "<b>抱歉</b>，马上补发"),
                          ("system", WORDING.resolved)]
    await widget.close()


async def test_buyer_socket_checks_origin_and_is_closed_on_shutdown(make_client, fake_rasa):
    client = await make_client(fake_rasa.url)
    buyer = identity_of(await buyer_says(client, "在吗"))
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/buyer", headers={"Origin": "http://evil.example"})
    assert refused.value.status == 403
    widget = await open_widget(client, buyer, headers={"Origin": f"http://{client.host}:{client.port}"})
    await client.server.app.shutdown()
    message = await widget.receive(timeout=2)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)
