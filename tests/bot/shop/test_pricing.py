"""Promotions live on a date, and bargaining: hold the price first, hand off on insistence or big asks."""

from __future__ import annotations

import pytest

from bot.handoff.reasons import HandoffReason
from bot.shop import answer_promotions, decide_bargain, live_promotions
from bot.shop.pricing import REASON_OVER_LIMIT, REASON_REPEATED, amount_off_asked
from bot.shop.replies import MAX_LINES

from .shop_time import at


@pytest.mark.parametrize(
    "now, live",
    [
        (at(2026, 3, 6), ["spring-new-2026", "store-coupon-299-30", "new-member-10"]),
        (at(2026, 3, 15, 23, 59), ["spring-new-2026", "store-coupon-299-30", "new-member-10"]),
        (at(2026, 3, 16, 0, 0), ["store-coupon-299-30", "new-member-10"]),
        (at(2026, 12, 10, 0, 0), ["double-12-2026", "store-coupon-299-30", "new-member-10"]),
        (at(2026, 12, 13), ["store-coupon-299-30", "new-member-10"]),
        (at(2027, 5, 1), ["new-member-10"]),
        (at(2028, 1, 1), []),
    ],
)
def test_live_promotions_on_a_date(shop, now, live):
    assert [p.id for p in live_promotions(shop.policy, now)] == live
    answer = answer_promotions(shop, now)
    assert answer.facts["live"] == live
    assert len(answer.lines) <= MAX_LINES
    for promotion_id in live[:3]:
        assert next(p.name for p in shop.policy.promotions if p.id == promotion_id) in answer.text


def test_promotion_dates_are_read_in_shop_time(shop):
    from datetime import datetime, timezone

    # 2026-12-09 16:30 UTC is already 12-10 00:30 in Shanghai: 双十二 has started.
    assert "double-12-2026" in [
        p.id for p in live_promotions(shop.policy, datetime(2026, 12, 9, 16, 30, tzinfo=timezone.utc))
    ]


def test_when_none_is_live_the_next_start_is_given(shop_copy):
    shop_copy.edit_yaml(
        "policy.yml",
        lambda d: d.update(promotions=[p for p in d["promotions"] if p["id"].startswith("double")]),
    )
    answer = answer_promotions(shop_copy.load(), at(2026, 6, 1))
    assert answer.facts == {"live": [], "next": "double-11-2026"}
    assert "双十一全场85折" in answer.text and "11月1日" in answer.text


def test_nothing_live_or_planned(shop):
    answer = answer_promotions(shop, at(2028, 1, 1))
    assert answer.facts == {"live": [], "next": None}
    assert "暂时没有活动" in answer.text


# -- bargaining ------------------------------------------------------------------------------------

ON_DUTY = at(2026, 3, 6, 15, 0)
NIGHT = at(2026, 3, 6, 23, 30)


@pytest.mark.parametrize(
    "attempt, amount, hand_off, reason",
    [
        (1, None, False, None),
        (1, 5, False, None),
        (1, 19.9, False, None),
        (1, 20, False, None),  # at the limit: still the bot's to hold
        (1, 20.5, True, REASON_OVER_LIMIT),
        (1, 50, True, REASON_OVER_LIMIT),
        (2, None, True, REASON_REPEATED),
        (2, 10, True, REASON_REPEATED),
        (2, 30, True, REASON_OVER_LIMIT),
        (3, None, True, REASON_REPEATED),
    ],
)
def test_bargain_decision(shop, attempt, amount, hand_off, reason):
    decision = decide_bargain(shop, ON_DUTY, attempt, amount)
    assert decision.hand_off is hand_off
    assert decision.reason == reason
    expected_key = {REASON_OVER_LIMIT: "bargain_over_limit"}.get(reason, "bargain_insists")
    assert decision.answer.hand_off_reason == (HandoffReason(key=expected_key, detail=decision.detail_words) if hand_off else None)
    if hand_off:  # in the agents' words, never an internal case name
        assert reason not in decision.detail_words and ("便宜" in decision.detail_words or "议价" in decision.detail_words)
    assert len(decision.text.splitlines()) <= MAX_LINES
    if hand_off:
        assert "同事" in decision.text or "主管" in decision.text
    else:
        assert "实价" in decision.text


def test_the_bot_never_names_a_discount_it_grants(shop):
    for attempt, amount in [(1, None), (1, 20), (1, 50), (2, None)]:
        text = decide_bargain(shop, ON_DUTY, attempt, amount, product="羽绒服").text
        assert "给您便宜" not in text and "改价" not in text.replace("没办法改价", "")


def test_first_attempt_points_to_live_promotions(shop):
    decision = decide_bargain(shop, ON_DUTY, 1)
    assert "满299减30店铺券" in decision.text
    assert decision.facts["live_promotions"] == ["spring-new-2026", "store-coupon-299-30", "new-member-10"]


def test_first_attempt_on_a_product_quotes_the_price_after_the_best_promotion(shop):
    decision = decide_bargain(shop, ON_DUTY, 1, product="羽绒服")
    assert decision.facts["final_price"] == 429 and decision.facts["promotion"] == "store-coupon-299-30"
    assert "459元是实价" in decision.text and "到手429元" in decision.text


def test_a_promotion_limited_to_some_products_applies_only_to_them(shop):
    cardigan = decide_bargain(shop, ON_DUTY, 1, product="开衫")  # 199, spring promotion item
    assert cardigan.facts["promotion"] == "spring-new-2026" and cardigan.facts["final_price"] == 179
    hoodie = decide_bargain(shop, ON_DUTY, 1, product="卫衣")  # 229, not in the spring list
    assert "final_price" not in hoodie.facts


def test_without_live_promotions_the_hold_reassures(shop):
    decision = decide_bargain(shop, at(2028, 1, 1), 1)
    assert decision.hand_off is False
    assert "七天无理由" in decision.text


def test_hand_off_at_night_says_when_agents_are_back(shop):
    decision = decide_bargain(shop, NIGHT, 2)
    assert decision.facts["agents_on_duty"] is False
    assert "明天09:00" in decision.text


def test_the_agent_limit_comes_from_the_policy(shop_copy):
    shop_copy.edit_yaml("policy.yml", lambda d: d["pricing"].update(agent_discount_max=30))
    shop = shop_copy.load()
    assert decide_bargain(shop, ON_DUTY, 1, 25).hand_off is False
    assert decide_bargain(shop, ON_DUTY, 1, 31).reason == REASON_OVER_LIMIT


def test_an_amount_extracted_as_text_is_understood(shop):
    assert decide_bargain(shop, ON_DUTY, 1, "30").reason == REASON_OVER_LIMIT
    assert decide_bargain(shop, ON_DUTY, 1, "¥15").hand_off is False


@pytest.mark.parametrize("attempt, amount", [(0, None), (1, -5), (1, "二十"), (1, True)])
def test_bad_arguments_are_refused(shop, attempt, amount):
    with pytest.raises(ValueError):
        decide_bargain(shop, ON_DUTY, attempt, amount)


@pytest.mark.parametrize("text, amount, price, off", [
    ("能便宜50吗", 50.0, 899.0, 50.0),  # the yuan off
    ("少30卖不卖", 30.0, 899.0, 30.0),
    ("太贵了 800卖不卖", 800.0, 899.0, 99.0),  # the price offered: 99 off
    ("880行不行", 880.0, 899.0, 19.0),
    ("329的风衣能便宜点吗", 329.0, 329.0, None),  # the price quoted, no amount asked
    ("便宜20", 20.0, None, 20.0),  # no product in view: the amount is the yuan off
    ("能便宜点吗", None, 899.0, None),
])
def test_the_amount_off_a_bargain_asks(text, amount, price, off):
    assert amount_off_asked(text, amount, price) == off
