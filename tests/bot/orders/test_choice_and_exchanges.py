"""Which order the words point to (bot/orders/choice.py), exchanges of an order, a parcel's arrival alone, and an
address said to be wrong before the new one is given."""

from __future__ import annotations

import pytest

from bot.orders.aftersales import answer_exchange_request
from bot.orders.changes import decide_modification
from bot.orders.choice import IMPLIED_STATES, RECENT_ORDERS, choose_order
from bot.orders.seed import DEMO_BUYER
from bot.orders.tracking import answer_track_order
from bot.text.question_cues import order_days, question_cues

from .conftest import NOW, demo

BUYER = f"buyer:{DEMO_BUYER}"
TROUSERS = ("jn-denim-01", "pt-chino-01")
JACKETS = ("jk-down-01", "ct-wool-01", "jk-wind-01")


def choose(store, shop, topic, text, products=()):
    cues = question_cues(text)
    states = [s for cue, implied in IMPLIED_STATES.items() if cue in cues for s in implied]
    return choose_order(store.recent_orders(DEMO_BUYER, RECENT_ORDERS), topic, text=text, products=products,
                        placed=order_days(text, shop.policy.local(NOW).date()), states=states,
                        local_day=lambda moment: shop.policy.local(moment).date())


def test_not_shipped_offers_only_the_orders_not_shipped(seeded, shop):
    choice = choose(seeded, shop, "track_order", "怎么还不发货")
    assert choice.order is None
    assert {o.id for o in choice.candidates} == {demo(seeded, k).id for k in ("unpaid", "paid", "packed")}


def test_a_parcel_that_does_not_move_is_the_one_with_no_scan_for_days(seeded, shop):
    text = "物流好几天都不动了"
    cues = question_cues(text)
    states = [s for cue, implied in IMPLIED_STATES.items() if cue in cues for s in implied]
    choice = choose_order(seeded.recent_orders(DEMO_BUYER, RECENT_ORDERS), "track_order", text=text,
                          states=states, stalled_at=NOW)
    assert choice.order is not None and choice.order.id == demo(seeded, "late").id  # the Polo, stuck since 11-17
    moving = choose(seeded, shop, "track_order", "我的快递到哪了")
    assert moving.order is None and len(moving.candidates) >= 2  # without the words, both parcels on their way


def test_the_day_and_the_garment_pick_the_order(seeded, shop):
    assert choose(seeded, shop, "track_order", "昨天买的裤子怎么还没发", TROUSERS).order.id == demo(seeded, "packed").id
    assert choose(seeded, shop, "ask_return_policy", "上周买的那件外套能退吗", JACKETS).order.id == \
        demo(seeded, "signed-3").id


def test_words_no_order_fits_do_not_leave_nothing_to_offer(seeded, shop):
    choice = choose(seeded, shop, "track_order", "上个月买的怎么还没到")
    assert choice.order is not None or choice.candidates


def test_an_exchange_one_size_down_is_recorded(seeded, shop):
    order = demo(seeded, "signed-3")  # 风衣 黑色XL, signed three days ago
    answer = answer_exchange_request(seeded, shop, order, NOW, direction="smaller", by=BUYER)
    assert answer.facts["recorded"] and answer.facts["target"] == ("黑色", "L")
    assert "黑色L" in answer.text and "申请换货" in answer.text
    again = answer_exchange_request(seeded, shop, demo(seeded, "signed-3"), NOW, size="2XL", by=BUYER)
    assert not again.facts["recorded"]  # one open request per order: its state is said instead


def test_an_exchange_to_a_sold_out_colour_says_when_and_what_else(seeded, shop):
    answer = answer_exchange_request(seeded, shop, demo(seeded, "signed-3"), NOW, color="军绿", by=BUYER)
    assert not answer.facts["recorded"] and answer.facts["available"] is False
    assert "卖完" in answer.text and "12月12日" in answer.text and "卡其色" in answer.text and "退货退款" in answer.text


def test_an_exchange_after_the_window_or_without_a_target(seeded, shop):
    late = answer_exchange_request(seeded, shop, demo(seeded, "signed-10"), NOW, direction="smaller", by=BUYER)
    assert not late.facts["recorded"] and "过了" in late.text
    same = answer_exchange_request(seeded, shop, demo(seeded, "signed-3"), NOW, by=BUYER)
    assert not same.facts["recorded"] and "想换成什么颜色、尺码" in same.text


def test_when_a_parcel_on_its_way_arrives(seeded, shop):
    order = demo(seeded, "shipped")
    arrival = answer_track_order(shop, order, NOW, aspect="arrival")
    assert f"尾号{order.tail}" in arrival.text and "预计" in arrival.text
    assert arrival.text != answer_track_order(shop, order, NOW).text and len(arrival.lines) == 1


@pytest.mark.parametrize("key, action, says", [
    ("unpaid", "self_service", "修改地址"),
    ("paid", "ask", "新的收货地址"),
    ("packed", "refuse", "打包"),
])
def test_an_address_said_to_be_wrong(seeded, shop, key, action, says):
    decision = decide_modification(shop, demo(seeded, key), NOW, wants_address=True)
    assert decision.action == action and says in decision.text
