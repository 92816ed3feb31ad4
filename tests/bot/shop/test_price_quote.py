"""What an order costs (bot/shop/price_quote.py): figures computed by hand from data/shop's policy and catalogue."""
from __future__ import annotations

from datetime import date

import pytest

from bot.shop.price_quote import Line, answer_event_saving, answer_quote, answer_same_price, quote

MONDAY = date(2026, 11, 23)  # the store coupon and the new-member coupon are live; 双十二 starts 12-10
DOUBLE_12 = date(2026, 12, 10)


def lines(shop, *items):
    return [Line(shop.catalogue.find(pid), n) for pid, n in items]


@pytest.mark.parametrize("items, kwargs, total, why", [
    ((("hd-fleece-01", 2),), {}, 428, "458 - 30 store coupon, free shipping"),
    ((("hd-fleece-01", 3),), {}, 657, "687 - 30"),
    ((("jk-wind-01", 1),), {}, 299, "329 - 30"),
    ((("hd-fleece-01", 1), ("ts-cotton-01", 1)), {"region": "内蒙古"}, 290,
     "308 - 30 = 278, under 内蒙古's 299 line: +12 (still less than 308 without the coupon)"),
    ((("hd-fleece-01", 1), ("ts-cotton-01", 1)), {"region": "浙江"}, 278, "free over 99"),
    ((("ct-wool-01", 1), ("jk-down-01", 1)), {}, 1328, "1358 - 30"),
    ((("so-cotton-01", 1),), {"courier": "顺丰"}, 59, "39 + 8 postage + 12 顺丰"),
    ((("so-cotton-01", 3),), {"courier": "SF"}, 129, "117 free + 12"),
    ((("so-cotton-01", 2),), {"region": "乌鲁木齐"}, 98, "新疆 is never free: 78 + 20"),
    ((("so-cotton-01", 2),), {"region": "新疆", "courier": "EMS"}, 98, "EMS is 新疆's own courier: no surcharge"),
    ((("po-men-01", 2),), {}, 278, "under 299: no coupon"),
    ((("po-men-01", 2), ("so-cotton-01", 1)), {}, 287, "317 - 30"),
    ((("hd-fleece-01", 1),), {"new_member": True}, 219, "229: only the new-member coupon reaches"),
    ((("jk-down-01", 1),), {"new_member": True}, 429, "the better of the two coupons, one per order"),
])
def test_totals(shop, items, kwargs, total, why):
    assert quote(shop, lines(shop, *items), MONDAY, **kwargs).total == total, why


def test_a_discount_stacks_with_the_coupon_on_its_day(shop):
    order = lines(shop, ("ct-wool-01", 1), ("jk-down-01", 1))
    today, event = quote(shop, order, MONDAY), quote(shop, order, DOUBLE_12)
    assert [p.id for p, _ in event.discounts] == ["double-12-2026", "store-coupon-299-30"]
    assert (today.total, event.total) == (1328, 1278)
    answer = answer_event_saving(shop, today, event, shop.policy.promotions[-1])
    assert answer.facts["saving"] == 50 and "1278" in answer.text and "50" in answer.text


def test_the_gaps_to_the_coupon_and_to_free_shipping(shop):
    polos = quote(shop, lines(shop, ("po-men-01", 2)), MONDAY)
    assert polos.coupon is None and polos.coupon_gap[1] == 21 and polos.postage_gap is None
    tee = quote(shop, lines(shop, ("ts-cotton-01", 1)), MONDAY, region="广东")
    assert (tee.postage, tee.postage_gap) == (8, 20)
    assert "21" in answer_quote(shop, polos, "gap").text
    assert "20" in answer_quote(shop, tee, "gap").text


def test_the_total_reply_names_what_makes_it_up(shop):
    answer = answer_quote(shop, quote(shop, lines(shop, ("hd-fleece-01", 1), ("ts-cotton-01", 1)), MONDAY,
                                      region="内蒙古"), "total")
    text = answer.text
    assert "308" in text and "满299减30店铺券" in text and "12" in text and "到手290元" in text
    assert answer.facts["coupon"] == "store-coupon-299-30" and answer.facts["total"] == 290
    # A hint only when it is within reach: 21 more for free shipping to 内蒙古.
    assert "21" in text


def test_a_far_coupon_is_no_hint_but_free_shipping_is(shop):
    text = answer_quote(shop, quote(shop, lines(shop, ("ts-cotton-01", 1)), MONDAY)).text
    assert "再凑20元就包邮" in text and "220" not in text


def test_every_colour_has_one_price(shop):
    down = shop.catalogue.find("jk-down-01")
    answer = answer_same_price(shop, down, "黑色", quote(shop, [Line(down)], MONDAY))
    assert "黑色" in answer.text and "459" in answer.text and "429" in answer.text


def test_bad_orders_are_refused(shop):
    with pytest.raises(ValueError):
        quote(shop, [], MONDAY)
    with pytest.raises(ValueError):
        quote(shop, [Line(shop.catalogue.find("jk-down-01"), 0)], MONDAY)
