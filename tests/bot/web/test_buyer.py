"""The shop page and the buyer's chat API: validation, identity, history, routing, Rasa down."""

from __future__ import annotations

import dataclasses

import aiohttp
import pytest

from bot.web import keys

from bot.shop.conversation import load_conversation

WORDING = load_conversation().handoff
HANDED_OFF_NOTICE, RASA_DOWN_NOTICE = WORDING.routed_to_person, WORDING.assistant_unavailable
from tests.bot.web.conftest import buyer_says, identity_of, open_ticket, sign_in


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


async def test_first_message_issues_an_identity_and_gets_rasas_reply(client, fake_rasa):
    answer = await buyer_says(client, "这件有M码吗")
    assert answer["buyer_id"].startswith("b-") and answer["token"]
    assert answer["replies"] == [
        {"text": "收到：这件有M码吗", "buttons": [{"title": "看尺码表", "payload": "/ask_size_chart"}]}
    ]
    assert answer["handed_off"] is False
    sent = fake_rasa.received[-1]
    assert sent["sender"] == answer["buyer_id"]
    assert sent["metadata"] == {"buyer_id": answer["buyer_id"], "product": "jk-down-01"}


@pytest.mark.parametrize(
    "body, field",
    [
        ({"text": ""}, "text"),
        ({"text": "   "}, "text"),
        ({"text": "好" * 2001}, "text"),
        ({"text": 5}, "text"),
        ({"text": "在吗", "product": "no-such-product"}, "product"),
        ({"text": "在吗", "buyer_id": "demo-buyer", "token": "x"}, "buyer_id"),
    ],
)
async def test_bad_messages_are_refused_naming_the_field(client, fake_rasa, body, field):
    response = await client.post("/api/buyer/messages", json=body)
    assert response.status == 400
    assert (await response.json())["field"] == field
    assert fake_rasa.received == []


async def test_a_message_with_a_wrong_token_is_refused(client):
    first = identity_of(await buyer_says(client, "在吗"))
    response = await client.post("/api/buyer/messages", json={"text": "在吗", **first, "token": "guess"})
    assert response.status == 401
    assert (await response.json())["field"] == "token"


async def test_a_buyer_cannot_read_another_buyers_history(client):
    alice = identity_of(await buyer_says(client, "我的地址是幸福路1号"))
    mallory = identity_of(await buyer_says(client, "在吗"))

    own = await client.get("/api/buyer/history", params={"buyer_id": alice["buyer_id"]},
                           headers={"X-Buyer-Token": alice["token"]})
    assert own.status == 200
    assert [m["text"] for m in (await own.json())["messages"]][:2] == ["我的地址是幸福路1号", "收到：我的地址是幸福路1号"]

    for token in (mallory["token"], None, ""):
        headers = {"X-Buyer-Token": token} if token is not None else {}
        other = await client.get("/api/buyer/history", params={"buyer_id": alice["buyer_id"]}, headers=headers)
        assert other.status == 401
    with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
        await client.ws_connect("/ws/buyer", params={"buyer_id": alice["buyer_id"], "token": mallory["token"]})
    assert refused.value.status == 401


async def test_history_shows_a_buttons_title_not_its_payload(client):
    buyer = identity_of(await buyer_says(client, "尺码"))
    await buyer_says(client, "/ask_size_chart", buyer)
    response = await client.get("/api/buyer/history", params=buyer)
    texts = [m["text"] for m in (await response.json())["messages"]]
    assert texts[2] == "看尺码表"


async def test_while_a_ticket_is_open_messages_go_to_the_agent_not_rasa(client, fake_rasa):
    buyer = identity_of(await buyer_says(client, "我要人工"))
    ticket = await open_ticket(client, buyer["buyer_id"])
    agent = await sign_in(client, "alice")
    console = await client.ws_connect("/ws/console", headers=agent)
    sent_to_rasa = len(fake_rasa.received)

    first = await buyer_says(client, "衣服破了个洞", buyer)
    second = await buyer_says(client, "照片发你了", buyer)

    assert len(fake_rasa.received) == sent_to_rasa
    assert first == {"replies": [{"text": HANDED_OFF_NOTICE, "buttons": []}], "handed_off": True, **buyer}
    assert second["replies"] == [] and second["handed_off"] is True
    assert (await console.receive_json(timeout=2)) == {"type": "ticket", "id": ticket["id"], "change": "buyer_message"}
    stored = await (await client.get(f"/api/tickets/{ticket['id']}", headers=agent)).json()
    assert [(line["sender"], line["text"]) for line in stored["transcript"]][-2:] == [
        ("buyer", "衣服破了个洞"), ("buyer", "照片发你了")
    ]
    # The buyer's history keeps what only the ticket saw.
    history = await (await client.get("/api/buyer/history", params=buyer)).json()
    assert history["handed_off"] is True
    assert [m["text"] for m in history["messages"]][-2:] == ["衣服破了个洞", "照片发你了"]
    await console.close()


async def test_rasa_down_tells_the_buyer_and_keeps_the_message_on_a_ticket(make_client, rasa_down_url):
    client = await make_client(rasa_down_url)
    answer = await buyer_says(client, "羽绒服什么时候发货")
    assert answer["replies"] == [{"text": RASA_DOWN_NOTICE, "buttons": []}]
    assert answer["handed_off"] is True

    agent = await sign_in(client, "alice")
    queue = (await (await client.get("/api/tickets", headers=agent)).json())["tickets"]
    assert len(queue) == 1
    ticket = queue[0]
    assert ticket["conversation_id"] == answer["buyer_id"]
    assert ticket["facts"]["handoff_reasons"] == ["assistant_unavailable"]
    assert [(line["sender"], line["text"]) for line in ticket["transcript"]] == [("buyer", "羽绒服什么时候发货")]
    # History still works without Rasa: it comes from the ticket.
    history = await (await client.get("/api/buyer/history", params=identity_of(answer))).json()
    assert [m["text"] for m in history["messages"]] == ["羽绒服什么时候发货"]


async def test_silence_from_the_assistant_tells_the_buyer_and_keeps_the_message_on_a_ticket(client, fake_rasa):
    # Rasa up, its action server down: Rasa takes the message and answers nothing.
    fake_rasa.silent = True
    answer = await buyer_says(client, "羽绒服什么时候发货")
    assert answer["replies"] == [{"text": RASA_DOWN_NOTICE, "buttons": []}] and answer["handed_off"] is True
    agent = await sign_in(client, "alice")
    queue = (await (await client.get("/api/tickets", headers=agent)).json())["tickets"]
    assert [line["text"] for line in queue[0]["transcript"]] == ["羽绒服什么时候发货"]
    assert queue[0]["reasons"] == ["assistant_unavailable"] and queue[0]["priority"] == "high"


async def test_with_the_demo_switched_on_a_new_page_buyer_gets_the_demo_orders(make_client, fake_rasa, tmp_path,
                                                                                 monkeypatch):
    from bot.orders.store import OrderStore

    client = await make_client(fake_rasa.url)
    client.app[keys.settings_key] = dataclasses.replace(client.app[keys.settings_key], demo_orders=True)
    answer = await buyer_says(client, "在吗")
    store = OrderStore(client.app[keys.settings_key].ticket_store_url)
    try:
        assert {o.status for o in store.recent_orders(answer["buyer_id"], 20)} >= {"unpaid", "paid", "shipped", "signed"}
    finally:
        store.close()
