"""The running assistant answers the demo buyer's order questions from the order store: issue 4's
conversations end to end (NLU, rules, actions, the SQLite store seeded for this session)."""
from __future__ import annotations

import uuid

import pytest

from bot.orders.aftersales import answer_return_eligibility
from bot.orders.changes import decide_modification
from bot.orders.tracking import answer_track_order
from bot.orders.seed import DEMO_BUYER, OTHER_BUYER, demo_order_id
from bot.orders.store import OrderStore
from tests.moments import NOW

PAGE = {"buyer_id": DEMO_BUYER}
NEW_ADDRESS = "浙江省宁波市鄞州区天童南路588号 王小明 13800138000"


def new_chat() -> str:
    return f"chat-{uuid.uuid4().hex[:10]}"


@pytest.fixture
def store(assistant):
    store = OrderStore(assistant.orders_url)
    yield store
    store.close()


def order(store, key, buyer=DEMO_BUYER):
    return store.get_order(buyer, demo_order_id(buyer, key))


def test_where_is_my_parcel_offers_the_orders_then_tracks_the_one_picked(assistant, store, shop):
    chat = new_chat()
    replies = assistant.send(chat, "我的快递到哪了", PAGE)
    buttons = [b for reply in replies for b in reply.get("buttons", [])]
    assert buttons, replies
    shipped = order(store, "shipped")
    payload = next(b["payload"] for b in buttons if shipped.id in b["payload"])
    assert assistant.texts(chat, payload, PAGE) == [answer_track_order(shop, shipped, NOW).text]


def test_changing_the_address_of_a_paid_order_asks_first_then_writes_it(assistant, store, shop):
    chat = new_chat()
    paid = order(store, "paid")
    asked = assistant.texts(chat, f"订单{paid.id}地址写错了 帮我改成{NEW_ADDRESS}", PAGE)
    decision = decide_modification(shop, paid, NOW, address=NEW_ADDRESS)
    assert decision.action == "confirm" and asked == [decision.text]
    assert order(store, "paid").address == paid.address
    done = assistant.texts(chat, "确认修改", PAGE)
    assert done and order(store, "paid").address == NEW_ADDRESS


def test_a_shipped_order_cannot_be_changed_and_says_why(assistant, store, shop):
    shipped = order(store, "shipped")
    replies = assistant.texts(new_chat(), f"{shipped.id} 这单能改地址吗 改成{NEW_ADDRESS}", PAGE)
    decision = decide_modification(shop, shipped, NOW, address=NEW_ADDRESS)
    assert decision.action == "refuse" and replies == [decision.text]


@pytest.mark.parametrize("key, message, eligible", [
    ("signed-3", "这件风衣能退吗 运费谁出", True),
    ("signed-10", "那件羽绒服还能七天无理由吗", False),
])
def test_return_eligibility_of_the_jackets_signed_for(assistant, store, shop, key, message, eligible):
    replies = assistant.texts(new_chat(), message, PAGE)
    answer = answer_return_eligibility(shop, order(store, key), NOW)
    assert answer.facts["eligible"] is eligible and replies == [answer.text]


def test_another_buyers_order_number_is_not_found(assistant, store, conversation_lines):
    theirs = order(store, "shipped", OTHER_BUYER)
    replies = assistant.texts(new_chat(), f"{theirs.id} 到哪了", PAGE)
    assert replies == [conversation_lines.orders.unknown_order.format(order_id=theirs.id)]


@pytest.fixture
def conversation_lines(assistant):
    from bot.shop.conversation import load_conversation

    return load_conversation(assistant.shop_dir)
