"""Answers about an order, for each state: track, change, cancel, return, refund, complaint."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.orders.aftersales import (
    answer_quality_complaint,
    answer_refund_status,
    answer_return_eligibility,
    answer_return_request,
)
from bot.orders.changes import apply_modification, decide_cancel, decide_modification
from bot.orders.tracking import answer_track_order
from bot.orders.wording import HandOff, answer_what_was_bought, order_label
from bot.orders.seed import DEMO_BUYER
from bot.shop.replies import MAX_LINES

from .conftest import NOW, demo

NEW_ADDRESS = "上海市浦东新区世纪大道100号 王小明 13800138000"
BUYER = f"buyer:{DEMO_BUYER}"

# key: (track case, address change action, cancel action, return eligible, hand-off on track)
STATES = {
    "unpaid": ("unpaid", "self_service", "self_service", False, None),
    "paid": ("paid", "confirm", "confirm", False, None),
    "packed": ("packed", "refuse", "refuse", False, None),
    "shipped": ("shipped", "refuse", "refuse", False, None),
    "late": ("late", "refuse", "refuse", False, HandOff.LATE),
    "signed-3": ("signed", "refuse", "refuse", True, None),
    "signed-10": ("signed", "refuse", "refuse", False, None),
    "refund": ("signed", "refuse", "refuse", True, None),
}


def _short(answer_text: str) -> None:
    assert 0 < len(answer_text.splitlines()) <= MAX_LINES
    assert answer_text.startswith("亲") or answer_text.startswith("好的亲")
    assert "{" not in answer_text


@pytest.mark.parametrize("key", list(STATES))
def test_each_state_answers_track_modify_cancel_and_return(seeded, shop, key):
    track_case, modify_action, cancel_action, eligible, hand_off = STATES[key]
    order = demo(seeded, key)
    track = answer_track_order(shop, order, NOW)
    assert track.facts["case"] == track_case and track.facts.get("hand_off_reason") == hand_off
    assert track.hand_off_reason == hand_off and f"尾号{order.tail}" in track.text
    modify = decide_modification(shop, order, NOW, address=NEW_ADDRESS)
    cancel = decide_cancel(shop, order, NOW)
    returns = answer_return_eligibility(shop, order, NOW)
    assert modify.action == modify_action and cancel.action == cancel_action
    assert returns.facts["eligible"] is eligible
    for text in (track.text, modify.text, cancel.text, returns.text):
        _short(text)


def test_a_shipped_order_gives_courier_last_scan_and_arrival(seeded, shop):
    answer = answer_track_order(shop, demo(seeded, "shipped"), NOW)
    assert answer.facts["courier"] == "中通" and answer.facts["late"] is False
    assert answer.facts["arrival_latest"] == date(2026, 3, 12)  # shipped 3月9日, 广东 2-3 days
    assert "中通" in answer.text and "广州天河区公司" in answer.text and "3月12日" in answer.text


def test_a_parcel_past_its_estimate_is_late_apologised_for_and_handed_off(seeded, shop):
    order = demo(seeded, "late")
    answer = answer_track_order(shop, order, NOW)
    assert answer.facts["late"] is True and answer.facts["hand_off_reason"] == HandOff.LATE
    assert "抱歉" in answer.text and "EMS" in answer.text
    # The same parcel, asked about on the last day of its estimate plus grace, is not late yet.
    grace = shop.policy.orders.late_after_days
    zone = shop.policy.zone_of("新疆")
    on_time = order.shipped_at + timedelta(days=zone.days_max + grace)
    assert answer_track_order(shop, order, on_time).facts["late"] is False


def test_a_paid_order_ships_by_the_cutoff_rules(seeded, shop):
    order = demo(seeded, "paid")
    assert answer_track_order(shop, order, NOW).facts["dispatch_date"] == date(2026, 3, 11)
    # Two days on and still not shipped: overdue, a colleague chases the warehouse.
    late = answer_track_order(shop, order, NOW + timedelta(days=2))
    assert late.facts["case"] == "paid_overdue" and late.hand_off_reason == HandOff.DISPATCH_LATE


def test_address_change_on_a_paid_order_asks_then_records_with_the_flag(seeded, shop):
    order = demo(seeded, "paid")
    decision = decide_modification(shop, order, NOW, address=NEW_ADDRESS)
    assert decision.action == "confirm"
    assert decision.text.startswith(f"亲，确认把订单尾号{order.tail}的收货地址改成“{NEW_ADDRESS}”吗？")
    assert decision.flag == shop.policy.orders.flags.address_change and decision.region == "上海"
    assert decision.remark and NEW_ADDRESS in decision.remark
    answer = apply_modification(seeded, shop, order, decision, by=BUYER, at=NOW)
    assert answer.facts["applied"] is True and "已经帮您备注修改" in answer.text
    after = demo(seeded, "paid")
    assert after.address == NEW_ADDRESS and after.region == "上海"
    change = after.changes[0]
    assert (change.what, change.by, change.flag, change.remark) == (
        "address_change",
        BUYER,
        "红旗",
        decision.remark,
    )


def test_size_and_colour_change_checks_the_catalogue(seeded, shop):
    order = demo(seeded, "paid")  # 针织开衫 燕麦色 M
    assert decide_modification(shop, order, NOW, color="粉色").facts["case"] == "no_color"
    assert decide_modification(shop, order, NOW, size="3XL").facts["case"] == "no_size"
    assert (
        decide_modification(shop, order, NOW, color="奶白", size="m").facts["case"] == "sold_out"
    )  # 奶白色 M: 0
    decision = decide_modification(shop, order, NOW, color="酒红", size="l")
    assert decision.action == "confirm" and (decision.color, decision.size) == ("酒红色", "L")
    assert decision.flag == shop.policy.orders.flags.item_change
    apply_modification(seeded, shop, order, decision, by=BUYER, at=NOW)
    item = demo(seeded, "paid").items[0]
    assert (item.color, item.size) == ("酒红色", "L")


def test_a_remark_alone_is_recorded_after_confirmation(seeded, shop):
    order = demo(seeded, "paid")
    decision = decide_modification(shop, order, NOW, remark="送礼，不要放发票")
    assert decision.action == "confirm" and decision.flag == shop.policy.orders.flags.other
    apply_modification(seeded, shop, order, decision, by=BUYER, at=NOW)
    assert demo(seeded, "paid").changes[-1].what == "remark"


def test_nothing_to_change_asks_what(seeded, shop):
    decision = decide_modification(shop, demo(seeded, "paid"), NOW)
    assert decision.action == "ask" and "收货地址" in decision.text


@pytest.mark.parametrize(
    "key, hand_off", [("packed", HandOff.INTERCEPT), ("shipped", HandOff.REDIRECT), ("signed-3", None)]
)
def test_changes_after_packing_are_refused_with_a_way_out(seeded, shop, key, hand_off):
    decision = decide_modification(shop, demo(seeded, key), NOW, address=NEW_ADDRESS)
    assert decision.action == "refuse" and decision.hand_off_reason == hand_off
    with pytest.raises(ValueError):
        apply_modification(seeded, shop, demo(seeded, key), decision, by=BUYER, at=NOW)
    if key == "shipped":
        assert "拒收" in decision.text and "退换" in decision.text


def test_a_confirmation_that_comes_too_late_writes_nothing(seeded, shop):
    order = demo(seeded, "paid")
    decision = decide_modification(shop, order, NOW, address=NEW_ADDRESS)
    seeded.advance(order.id, "packed", by="agent:仓库", at=NOW + timedelta(minutes=1))
    answer = apply_modification(seeded, shop, order, decision, by=BUYER, at=NOW + timedelta(minutes=2))
    assert answer.facts["applied"] is False and answer.hand_off_reason == HandOff.INTERCEPT
    assert NEW_ADDRESS not in demo(seeded, "paid").address


def test_cancelling_a_paid_order_confirms_then_closes_with_the_refund_note(seeded, shop):
    order = demo(seeded, "paid")
    decision = decide_cancel(shop, order, NOW)
    assert decision.action == "confirm" and "199元" in decision.text
    assert decision.flag == shop.policy.orders.flags.cancel
    answer = apply_modification(seeded, shop, order, decision, by=BUYER, at=NOW)
    assert answer.facts["status"] == "closed" and shop.policy.orders.refund_arrival_note in answer.text
    closed = demo(seeded, "paid")
    assert closed.changes[-1].flag == "绿旗"
    assert answer_track_order(shop, closed, NOW).facts["case"] == "closed"
    assert decide_cancel(shop, closed, NOW).action == "refuse"
    assert decide_cancel(shop, demo(seeded, "packed"), NOW).hand_off_reason == HandOff.INTERCEPT


def test_return_eligibility_of_the_two_signed_jackets(seeded, shop):
    recent = answer_return_eligibility(shop, demo(seeded, "signed-3"), NOW)
    assert recent.facts["eligible"] and recent.facts["days_since_signed"] == 3
    assert recent.facts["who_pays"] == "buyer" and recent.facts["deadline"] == date(2026, 3, 15)
    assert "运费险" in recent.text and "七天无理由" in recent.text
    old = answer_return_eligibility(shop, demo(seeded, "signed-10"), NOW)
    assert not old.facts["eligible"] and old.facts["days_since_signed"] == 10
    assert old.facts["case"] == "window_closed" and "质量问题" in old.text
    quality = answer_return_eligibility(shop, demo(seeded, "signed-3"), NOW, quality_problem=True)
    assert quality.facts["eligible"] and quality.facts["who_pays"] == "shop"
    late_quality = answer_return_eligibility(shop, demo(seeded, "signed-10"), NOW, quality_problem=True)
    assert late_quality.hand_off_reason == HandOff.QUALITY_LATE and not late_quality.facts["eligible"]


def test_excluded_categories_are_not_returnable_without_reason(seeded, shop):
    from bot.orders.model import NewItem
    from bot.orders.seed import demo_orders

    socks = shop.catalogue.find("so-cotton-01")
    base = next(o for o in demo_orders(shop, NOW) if o.id.endswith(demo(seeded, "signed-3").tail))
    order = seeded.add_order(
        base.__class__(
            **{
                **base.__dict__,
                "id": "399999999999990001",
                "items": [NewItem(socks.id, socks.name, socks.category, "黑色", "均码", socks.price)],
            }
        )
    )
    answer = answer_return_eligibility(shop, order, NOW)
    assert answer.facts["case"] == "excluded" and not answer.facts["eligible"] and "袜子" in answer.text


def test_a_return_request_is_recorded_only_when_eligible(seeded, shop):
    answer = answer_return_request(
        seeded, shop, demo(seeded, "signed-3"), NOW, "尺码大了", False, "return", BUYER
    )
    assert answer.facts["recorded"] and "退货退款" in answer.text
    order = demo(seeded, "signed-3")
    assert order.latest_return.status == "requested" and order.changes[-1].flag == "蓝旗"
    again = answer_return_request(seeded, shop, order, NOW, "尺码大了", False, "return", BUYER)
    assert not again.facts["recorded"] and again.facts["case"] == "requested"
    refused = answer_return_request(
        seeded, shop, demo(seeded, "signed-10"), NOW, "不喜欢", False, "return", BUYER
    )
    assert not refused.facts["recorded"] and demo(seeded, "signed-10").returns == ()
    quality = answer_return_request(
        seeded, shop, demo(seeded, "signed-10"), NOW, "开线", True, "return", BUYER
    )
    assert not quality.facts["recorded"] and quality.hand_off_reason == HandOff.QUALITY_LATE
    exchange = answer_return_request(
        seeded, shop, demo(seeded, "refund"), NOW, "换L", False, "exchange", BUYER
    )
    assert not exchange.facts["recorded"]  # a return is already open on it


def test_refund_status_follows_the_request(seeded, shop):
    order = demo(seeded, "refund")
    pending = answer_refund_status(shop, order, NOW)
    assert pending.facts["case"] == "returned" and pending.facts["refund_by"] == date(2026, 3, 13)
    assert "159元" in pending.text and pending.hand_off_reason is None
    overdue = answer_refund_status(shop, order, NOW + timedelta(days=3))
    assert overdue.facts["case"] == "late" and overdue.hand_off_reason == HandOff.REFUND_LATE
    seeded.set_return_status(order.id, order.latest_return.id, "refunded", by="agent:小美", at=NOW)
    done = answer_refund_status(shop, demo(seeded, "refund"), NOW)
    assert done.facts["case"] == "refunded" and "已经在3月11日退款" in done.text
    assert answer_refund_status(shop, demo(seeded, "signed-3"), NOW).facts["case"] == "none"


@pytest.mark.parametrize("kind", ["wrong_item", "missing_item", "damaged", "color_difference", "other"])
def test_a_complaint_is_recorded_high_priority_and_always_handed_off(seeded, shop, kind):
    answer = answer_quality_complaint(seeded, shop, demo(seeded, "signed-3"), NOW, kind, "", BUYER)
    assert answer.facts["priority"] == "high" and answer.facts["recorded"]
    assert answer.hand_off_reason and answer.facts["hand_off_reason"] == answer.hand_off_reason
    assert "照片" in answer.text
    _short(answer.text)
    complaint = demo(seeded, "signed-3").complaints[-1]
    assert (complaint.kind, complaint.priority) == (kind, "high")


def test_a_complaint_before_shipping_is_handed_off_without_a_record(seeded, shop):
    answer = answer_quality_complaint(seeded, shop, demo(seeded, "paid"), NOW, "damaged", "破了", BUYER)
    assert answer.hand_off_reason and not answer.facts["recorded"]


def test_order_label_names_date_goods_and_tail(seeded, shop):
    order = demo(seeded, "signed-3")
    assert order_label(order, shop) == f"3月5日 风衣 黑色XL（尾号{order.tail}）"
    assert order_label(order) == order_label(order, shop)


def test_what_an_order_holds(seeded, shop):
    order = demo(seeded, "shipped")  # 牛仔裤 深蓝色M 169, bought three days before NOW
    answer = answer_what_was_bought(shop, order, NOW)
    day = shop.policy.local(order.created_at)
    assert f"{day.month}月{day.day}日买的是牛仔裤 深蓝色M" in answer.text and "实付169元" in answer.text
    assert order.tail in answer.text and answer.facts["case"] == "bought"
