"""One question about coupons and events at a time (bot/shop/coupons.py), on Monday 2026-11-23."""
from __future__ import annotations

import pytest

from bot.shop.coupons import answer_coupon_question, named_promotions
from tests.moments import NOW


def named(shop, text):
    return named_promotions(shop.policy, text)


@pytest.mark.parametrize("text, ids", [
    ("满299减30的券什么时候过期", ["store-coupon-299-30"]),  # what it gives, as buyers write it
    ("双十一的85折还有吗", ["double-11-2026"]),
    ("双十二那个能和店铺券一起用吗", ["double-12-2026", "store-coupon-299-30"]),
    ("新人券怎么领", ["new-member-10"]),
    ("满减那张呢", ["store-coupon-299-30"]),
    ("有什么活动", []),
])
def test_promotions_named(shop, text, ids):
    assert [p.id for p in named(shop, text)] == ids


def test_two_coupons_do_not_stack_a_discount_does(shop):
    no = answer_coupon_question(shop, NOW, "stack", named(shop, "新人券和店铺券"))
    assert no.facts["stack"] is False and "不能一起用" in no.text and len(no.text.splitlines()) <= 2
    yes = answer_coupon_question(shop, NOW, "stack", named(shop, "双十二和店铺券"))
    assert yes.facts["stack"] is True and "可以叠加" in yes.text
    # 这两张: the coupons on offer when none is named.
    offered = answer_coupon_question(shop, NOW, "stack", [])
    assert set(offered.facts["promotions"]) == {"store-coupon-299-30", "new-member-10"}


def test_how_many_coupons_one_order_takes(shop):
    assert "每单限用1张" in answer_coupon_question(shop, NOW, "count", named(shop, "店铺券")).text


def test_how_to_get_and_until_when(shop):
    get = answer_coupon_question(shop, NOW, "get", named(shop, "新人券"))
    assert "加入店铺会员" in get.text
    assert "首页" in answer_coupon_question(shop, NOW, "get", named(shop, "店铺券")).text
    assert "12月31日" in answer_coupon_question(shop, NOW, "expiry", named(shop, "店铺券")).text
    assert "领取后30天内有效" in answer_coupon_question(shop, NOW, "expiry", named(shop, "新人券")).text


def test_events_over_and_coming(shop):
    over = answer_coupon_question(shop, NOW, "status", named(shop, "双十一"))
    assert over.facts["state"] == "over" and "已经结束" in over.text and "85折可以用" not in over.text
    coming = answer_coupon_question(shop, NOW, "status", named(shop, "双十二"))
    assert coming.facts["state"] == "coming" and "12月10日" in coming.text and "399" in coming.text


@pytest.mark.parametrize("amount, usable, gap", [(199, False, 100), (259, False, 40), (329, True, 0)])
def test_a_coupon_on_an_amount(shop, amount, usable, gap):
    answer = answer_coupon_question(shop, NOW, "use", named(shop, "满减券"), amount=amount)
    assert answer.facts["usable"] is usable and answer.facts["gap"] == gap
    assert (str(gap) in answer.text) if gap else ("299" in answer.text and str(amount - 30) in answer.text)


def test_a_members_coupon_needs_a_member(shop):
    answer = answer_coupon_question(shop, NOW, "use", named(shop, "新人券"), amount=229)
    assert answer.facts["usable"] is None and "新会员" in answer.text


def test_an_unknown_aspect_is_a_programming_error(shop):
    with pytest.raises(ValueError):
        answer_coupon_question(shop, NOW, "colour", [])
