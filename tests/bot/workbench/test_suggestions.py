"""Suggested replies: drafted from the policy, the ticket's reason and facts, and the buyer's order."""

from __future__ import annotations

import pytest

from bot.orders.seed import DEMO_BUYER, demo_order_id
from bot.shop.fields import yuan
from bot.workbench.suggestions import quick_phrases, relevant_order, suggest_replies, suggestion_values
from bot.workbench.wording import load_workbench
from tests.bot.workbench.conftest import NOW, make_ticket


def texts(drafts):
    return [d.text for d in drafts]


def test_a_quality_complaint_asks_for_photos_and_offers_what_the_policy_allows(shop, workbench, orders):
    ticket = make_ticket(["complain_quality"], product="jk-wind-01")
    drafts = suggest_replies(shop, workbench, ticket, orders, "小美", NOW)
    assert 2 <= len(drafts) <= 3 and {d.reason for d in drafts} == {"complain_quality"}
    assert "照片" in drafts[0].text
    offer = next(d.text for d in drafts if "补偿" in d.text)
    assert f"补偿{yuan(shop.policy.pricing.compensation_max)}元" in offer
    assert f"最多报销{yuan(shop.policy.returns.quality_postage_max)}元" in offer
    # The order it is about: the newest signed-for one (the buyer named none).
    signed = next(o for o in orders if o.status == "signed")
    assert any(signed.tail in text for text in texts(drafts))


def test_a_bargain_over_the_limit_quotes_the_coupon_that_applies_and_the_price_after_it(shop, workbench, orders):
    from bot.shop.pricing import best_offer

    product = shop.catalogue.find("cd-knit-01")
    promotion, final = best_offer(shop.policy, NOW, product)
    assert promotion is not None  # the spring promotion is live at NOW
    ticket = make_ticket(["bargain_over_limit"], facts={"amount": 50}, product=product.id)
    drafts = texts(suggest_replies(shop, workbench, ticket, orders, "小美", NOW))
    assert promotion.name in drafts[0] and f"{yuan(final)}元" in drafts[0]
    limit = shop.policy.pricing.agent_discount_max
    over = next(t for t in drafts if "超出了我的权限" in t)
    assert "便宜50元" in over and f"优惠{yuan(limit)}元" in over and f"到手{yuan(product.price - limit)}元" in over


def test_without_a_live_coupon_the_coupon_draft_is_left_out(shop, workbench, orders):
    # 牛仔裤 (169) has no promotion at NOW: no draft may mention one, and none shows a placeholder.
    ticket = make_ticket(["bargain_insists"], product="jn-denim-01")
    drafts = texts(suggest_replies(shop, workbench, ticket, orders, "小美", NOW))
    assert drafts and not any("{" in t or "用券后" in t for t in drafts)
    assert "promotion" not in suggestion_values(shop, ticket, orders, "小美", NOW)


def test_a_late_parcel_quotes_its_latest_scan_and_what_will_be_done(shop, workbench, orders):
    late_id = demo_order_id(DEMO_BUYER, "late")
    late = next(o for o in orders if o.id == late_id)
    ticket = make_ticket(["late_parcel"], order_ids=[late_id])
    first = suggest_replies(shop, workbench, ticket, orders, "小美", NOW)[0].text
    scan = late.last_event
    assert scan.text in first and late.courier in first and late.tracking_no in first and late.tail in first
    local = shop.policy.local(scan.at)
    assert f"{local:%H:%M}" in first
    assert "催派" in first


def test_a_parcel_not_shipped_yet_gets_the_dispatch_day_instead(shop, workbench, orders):
    packed_id = demo_order_id(DEMO_BUYER, "packed")
    ticket = make_ticket(["late_parcel"], order_ids=[packed_id])
    drafts = texts(suggest_replies(shop, workbench, ticket, orders, "小美", NOW))
    assert any("还没发出" in t and "预计" in t for t in drafts)
    assert not any("最新物流" in t for t in drafts)


def test_another_buyers_order_number_is_never_used(shop, orders):
    ticket = make_ticket(["late_parcel"], order_ids=["399999999999999999"])
    # Only the buyer's own orders are passed in: a number not among them is ignored, the newest shipped one is used.
    assert relevant_order(ticket, orders).status == "shipped"
    assert relevant_order(make_ticket(["request_human"]), orders) is None


def test_drafts_follow_the_data_files(shop_copy, orders):
    shop_copy.edit_yaml("policy.yml", lambda policy: policy["pricing"].update(compensation_max=6))
    shop_copy.edit_yaml("workbench.yml", lambda bench: bench["suggestions"].update(
        complain_quality=["亲，最多补偿{compensation_max}元哦，我是{agent}"]))
    shop, workbench = shop_copy.load(), load_workbench(shop_copy.dir)
    drafts = texts(suggest_replies(shop, workbench, make_ticket(["complain_quality"]), orders, "阿杰", NOW))
    assert drafts[0] == "亲，最多补偿6元哦，我是阿杰"
    # Fewer than two drafts of its own: the general ones fill in, each once.
    assert len(drafts) == 3 and len(set(drafts)) == 3


@pytest.mark.parametrize("reasons", [[], ["request_human"], ["assistant_unavailable", "angry_words"]])
def test_every_ticket_gets_two_or_three_drafts_without_placeholders(shop, workbench, orders, reasons):
    drafts = texts(suggest_replies(shop, workbench, make_ticket(reasons), orders, "小美", NOW))
    assert 2 <= len(drafts) <= 3 and not any("{" in t or "}" in t for t in drafts)


def test_quick_phrases_are_filled_with_the_agent_and_the_shop(shop, workbench):
    phrases = quick_phrases(shop, workbench, "小美")
    assert [p["key"] for p in phrases] == [p.key for p in workbench.quick_phrases]
    hello = next(p for p in phrases if p["key"] == "hi")
    assert "小美" in hello["text"] and "{" not in hello["text"]
    assert any(shop.policy.shop.name in p["text"] for p in phrases)
