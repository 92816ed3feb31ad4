"""The shop page and the buyer's chat API: sessions, validation, identity, buttons, history, routing."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from bot.identity import verified_buyer
from bot.orders.store import OrderStore
from bot.shop.conversation import load_conversation
from bot.web import keys
from tests.bot.web.conftest import (IDENTITY_SECRET, TOKEN_HEADER, buyer_says, history_of, identity_of, new_buyer,
                                    open_ticket, open_widget, sign_in)

WORDING = load_conversation().handoff
HANDED_OFF_NOTICE = WORDING.routed_to_person


async def test_shop_page_shows_a_product_and_the_widget(client):
    response = await client.get("/")
    html = await response.text()
    assert response.status == 200
    assert "女款连帽白鸭绒羽绒服" in html and "459" in html and "米白色" in html
    assert 'src="/static/shop.js"' in html and "product-switcher" in html
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert (await client.get("/static/shop.js")).status == 200


async def test_unknown_product_is_404(client):
    assert (await client.get("/product/no-such-thing")).status == 404


async def test_a_message_reaches_rasa_with_the_buyers_signed_identity(client, fake_rasa):
    answer = await buyer_says(client, "这件有M码吗")
    assert answer["buyer_id"].startswith("b-") and answer["token"]
    assert answer["replies"] == [
        {"text": "收到：这件有M码吗", "buttons": [{"title": "看尺码表", "payload": "/ask_size_chart"}]}
    ]
    assert answer["handed_off"] is False and answer["queued"] is False
    sent = fake_rasa.received[-1]
    assert sent["sender"] == answer["buyer_id"]
    metadata = sent["metadata"]
    # Who the buyer is, signed for the action server; no bare buyer_id anyone could write.
    assert verified_buyer(IDENTITY_SECRET, metadata["identity"]) == answer["buyer_id"]
    assert metadata["product"] == "jk-down-01" and metadata["button"] is False and "buyer_id" not in metadata
    assert sent["message_id"] == answer["client_message_id"]


async def test_a_message_without_a_session_is_told_to_start_one(client, fake_rasa):
    response = await client.post("/api/buyer/messages", json={"text": "在吗"})
    assert response.status == 401
    assert (await response.json())["field"] == "buyer_id"
    assert fake_rasa.received == []


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "好" * 2001}, "text"),
        ({"text": 5}, "text"),
        ({"text": "在吗", "product": "no-such-product"}, "product"),
        ({"text": "在吗", "product": ["hd-fleece-01"]}, "product"),
        ({"text": "在吗", "client_message_id": "x"}, "client_message_id"),
        ({"text": "在吗", "payload": 7}, "payload"),
        ({"text": "\ud800在吗"}, "text"),
    ],
)
async def test_bad_messages_are_refused_naming_the_field(client, fake_rasa, body, field):
    buyer = await new_buyer(client)
    response = await client.post("/api/buyer/messages", json={"buyer_id": buyer["buyer_id"], **body},
                                 headers={TOKEN_HEADER: buyer["token"]})
    assert response.status == 400
    assert (await response.json())["field"] == field
    assert fake_rasa.received == []


@pytest.mark.parametrize("token", [None, "", "guess", "ñandú-токен", "a.b", "x" * 5000])
async def test_a_message_with_a_missing_or_wrong_token_is_refused(client, fake_rasa, token):
    buyer = await new_buyer(client)
    headers = {TOKEN_HEADER: token} if token is not None else {}
    response = await client.post("/api/buyer/messages", json={"buyer_id": buyer["buyer_id"], "text": "在吗"},
                                 headers=headers)
    assert response.status == 401
    assert (await response.json())["field"] == TOKEN_HEADER
    assert fake_rasa.received == []


async def test_a_token_in_the_body_or_the_url_is_not_accepted(client):
    buyer = await new_buyer(client)
    response = await client.post("/api/buyer/messages", json={**buyer, "text": "在吗"})
    assert response.status == 401
    response = await client.get("/api/buyer/history", params=buyer)
    assert response.status == 401


async def test_an_expired_token_is_refused(client):
    buyer = await new_buyer(client)
    expired = client.app[keys.signer_key].buyer_token(buyer["buyer_id"], max_age=-1)
    response = await client.post("/api/buyer/messages", json={"buyer_id": buyer["buyer_id"], "text": "在吗"},
                                 headers={TOKEN_HEADER: expired})
    assert response.status == 401


async def test_every_answer_renews_the_token(client):
    first = await buyer_says(client, "在吗")
    assert client.app[keys.signer_key].check_buyer_token(first["buyer_id"], first["token"])


async def test_a_buyer_cannot_read_another_buyers_history_or_socket(client):
    alice = identity_of(await buyer_says(client, "我的地址是幸福路1号"))
    mallory = identity_of(await buyer_says(client, "在吗"))

    own = await history_of(client, alice)
    assert [m["text"] for m in own["messages"]][:2] == ["我的地址是幸福路1号", "收到：我的地址是幸福路1号"]

    for token in (mallory["token"], None, ""):
        headers = {TOKEN_HEADER: token} if token is not None else {}
        other = await client.get("/api/buyer/history", params={"buyer_id": alice["buyer_id"]}, headers=headers)
        assert other.status == 401
    ws = await client.ws_connect("/ws/buyer")
    await ws.send_json({"type": "auth", "buyer_id": alice["buyer_id"], "token": mallory["token"]})
    closed = await ws.receive(timeout=2)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == aiohttp.WSCloseCode.POLICY_VIOLATION


async def test_a_socket_that_never_says_who_it_is_is_closed(client, monkeypatch):
    monkeypatch.setattr("bot.web.buyer.SOCKET_AUTH_S", 0.2)
    ws = await client.ws_connect("/ws/buyer")
    closed = await ws.receive(timeout=2)
    assert closed.type == aiohttp.WSMsgType.CLOSE


async def test_one_buyer_may_open_only_a_few_sockets(make_client, fake_rasa):
    client = await make_client(fake_rasa.url, max_sockets_per_buyer=2)
    buyer = await new_buyer(client)
    first, second = await open_widget(client, buyer), await open_widget(client, buyer)
    third = await client.ws_connect("/ws/buyer")
    await third.send_json({"type": "auth", **buyer})
    closed = await third.receive(timeout=2)
    assert closed.type == aiohttp.WSMsgType.CLOSE and closed.data == aiohttp.WSCloseCode.TRY_AGAIN_LATER
    await first.close()
    await second.close()


async def test_an_offered_button_is_a_command_and_history_shows_its_title(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "尺码"))
    await buyer_says(client, "看尺码表", buyer, payload="/ask_size_chart")
    sent = fake_rasa.received[-1]
    assert sent["message"] == "/ask_size_chart" and sent["metadata"]["button"] is True
    texts = [m["text"] for m in (await history_of(client, buyer))["messages"]]
    assert texts[2] == "看尺码表"


async def test_a_payload_the_buyer_was_never_offered_is_plain_text(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "在吗"))
    await buyer_says(client, "/restart", buyer, payload="/restart")
    sent = fake_rasa.received[-1]
    assert sent["metadata"]["button"] is False and sent["message"] == "/restart"
    await buyer_says(client, "/inform{\"height\": \"abc\"}", buyer)
    assert fake_rasa.received[-1]["metadata"]["button"] is False


async def test_the_same_message_sent_twice_counts_once(client, fake_rasa):
    buyer = await new_buyer(client)
    first = await buyer_says(client, "包邮吗", buyer, client_message_id="widget-key-0001")
    again = await buyer_says(client, "包邮吗", buyer, client_message_id="widget-key-0001")
    assert len(fake_rasa.received) == 1
    assert again["replies"] == first["replies"] and again["repeated"] is True
    texts = [m["text"] for m in (await history_of(client, buyer))["messages"]]
    assert texts == ["包邮吗", "收到：包邮吗"]


async def test_the_same_text_twice_is_two_messages_in_history(client, fake_rasa):
    buyer = await new_buyer(client)
    await buyer_says(client, "在吗", buyer)
    await buyer_says(client, "在吗", buyer)
    texts = [m["text"] for m in (await history_of(client, buyer))["messages"]]
    assert texts == ["在吗", "收到：在吗", "在吗", "收到：在吗"]


async def test_while_a_ticket_is_open_messages_go_to_the_agent_not_rasa(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer)
    agent = await sign_in(client, "alice")
    console = await client.ws_connect("/ws/console", headers=agent)
    sent_to_rasa = len(fake_rasa.received)

    first = await buyer_says(client, "衣服破了个洞", buyer)
    second = await buyer_says(client, "照片发你了", buyer)

    assert len(fake_rasa.received) == sent_to_rasa
    assert first["replies"] == [{"text": HANDED_OFF_NOTICE, "buttons": []}] and first["handed_off"] is True
    assert second["replies"] == [] and second["handed_off"] is True
    assert (await console.receive_json(timeout=2)) == {"type": "ticket", "id": ticket["id"], "change": "buyer_message"}
    stored = await (await client.get(f"/api/tickets/{ticket['id']}", headers=agent)).json()
    assert [(line["sender"], line["text"]) for line in stored["transcript"]][-2:] == [
        ("buyer", "衣服破了个洞"), ("buyer", "照片发你了")
    ]
    # The buyer's history has every line they saw, the service's notice included.
    history = await history_of(client, buyer)
    assert history["handed_off"] is True
    assert [(m["sender"], m["text"]) for m in history["messages"]][-3:] == [
        ("buyer", "衣服破了个洞"), ("system", HANDED_OFF_NOTICE), ("buyer", "照片发你了")
    ]
    await console.close()


async def test_demo_orders_are_made_once_per_buyer_session(make_client, fake_rasa):
    client = await make_client(fake_rasa.url)
    client.app[keys.settings_key] = dataclasses.replace(client.app[keys.settings_key], demo_orders=True)
    buyer = await new_buyer(client)
    store = OrderStore(client.app[keys.settings_key].ticket_store_url)
    try:
        made = store.recent_orders(buyer["buyer_id"], 50)
        assert {o.status for o in made} >= {"unpaid", "paid", "shipped", "signed"}
        for text in ("在吗", "我的快递到哪了", "谢谢"):
            await buyer_says(client, text, buyer)
        assert len(store.recent_orders(buyer["buyer_id"], 50)) == len(made)
    finally:
        store.close()
