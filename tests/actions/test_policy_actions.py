"""Shipping, price, return and hand-off actions: each passes the buyer's facts to bot.shop and sends its answer."""
from __future__ import annotations


from rasa_sdk.events import SlotSet

from actions.aftersales import ActionAnswerReturnPolicy
from actions.handoff import ActionHandleQualityComplaint, ActionHandOff
from actions.inform import ActionHandleInform
from actions.price import ActionAnswerInvoice, ActionAnswerPayment, ActionAnswerPromotions, ActionHandleBargain
from actions.shipping import ActionAnswerCourier, ActionAnswerShippingFee, ActionAnswerShippingTime
from bot.shop import (
    answer_courier,
    answer_invoice,
    answer_payment,
    answer_promotions,
    answer_return_policy,
    answer_shipping_fee,
    answer_shipping_time,
    decide_bargain,
)
from bot.shop.questions import Question
from tests.actions.conftest import entity, make_tracker, run
from tests.moments import NOW



def texts(messages):
    return [m["text"] for m in messages if m.get("text")]


def test_shipping_time_is_computed_for_now_and_the_region_mentioned(shop):
    tracker = make_tracker("ask_shipping_time", "发新疆几天到", [entity("region", "新疆")])
    messages, events = run(ActionAnswerShippingTime(), tracker)
    assert texts(messages) == [answer_shipping_time(shop, NOW, region="新疆").text]
    # The question is kept for a follow-up that changes one thing (那西藏呢).
    question = Question(topic="shipping_time", region="新疆", text="发新疆几天到")
    assert events == [SlotSet("last_topic", "shipping_time"), SlotSet("question", question.as_slot())]


def test_shipping_fee_uses_the_region_said_earlier_when_none_is_in_the_message(shop):
    tracker = make_tracker("ask_shipping_fee", "包邮吗", slots={"region": "西藏"})
    messages, events = run(ActionAnswerShippingFee(), tracker)
    assert texts(messages) == [answer_shipping_fee(shop, region="西藏").text]
    assert events == [SlotSet("last_topic", "shipping_fee"),
                      SlotSet("question", Question(topic="shipping_fee", text="包邮吗").as_slot())]


def test_a_region_after_a_postage_answer_answers_postage_for_that_region(shop):
    tracker = make_tracker("inform", "那新疆呢", [entity("region", "新疆")], slots={"last_topic": "shipping_fee"})
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [answer_shipping_fee(shop, region="新疆").text]
    assert "新疆" in messages[0]["text"]
    assert events == [SlotSet("last_topic", "shipping_fee")]


def test_a_region_after_a_shipping_time_answer_answers_delivery_time_for_it(shop):
    tracker = make_tracker("inform", "广东呢", [entity("region", "广东")], slots={"last_topic": "shipping_time"})
    messages, _ = run(ActionHandleInform(), tracker)
    assert texts(messages) == [answer_shipping_time(shop, NOW, region="广东").text]


def test_courier_named_by_the_buyer(shop):
    messages, events = run(ActionAnswerCourier(), make_tracker("ask_courier", "能发顺丰吗", [entity("courier", "顺丰")]))
    assert texts(messages) == [answer_courier(shop, courier="顺丰").text]
    question = Question(topic="courier", courier="顺丰", text="能发顺丰吗")
    assert events == [SlotSet("last_topic", "courier"), SlotSet("question", question.as_slot())]


def test_first_bargain_holds_the_price_and_second_goes_to_a_colleague(shop):
    messages, events = run(ActionHandleBargain(), make_tracker("bargain", "能便宜点吗"))
    first = decide_bargain(shop, NOW, attempt=1)
    assert not first.hand_off
    assert texts(messages) == [first.text]
    assert events == [SlotSet("bargain_attempts", 1.0), SlotSet("last_topic", "bargain")]

    messages, events = run(ActionHandleBargain(), make_tracker("bargain", "再便宜点嘛", slots={"bargain_attempts": 1.0}))
    second = decide_bargain(shop, NOW, attempt=2)
    assert second.hand_off
    assert texts(messages) == [second.text]
    assert SlotSet("bargain_attempts", 2.0) in events
    assert SlotSet("handoff_reasons", [{"key": "bargain_insists", "detail": second.detail_words}]) in events


def test_an_amount_over_the_agents_limit_goes_to_a_colleague_at_once(shop):
    over = shop.policy.pricing.agent_discount_max + 10
    tracker = make_tracker("bargain", f"便宜{over:g}块", [entity("amount", over)])
    messages, events = run(ActionHandleBargain(), tracker)
    decision = decide_bargain(shop, NOW, attempt=1, amount_asked=over)
    assert decision.hand_off
    assert texts(messages) == [decision.text]
    assert SlotSet("handoff_reasons", [{"key": "bargain_over_limit", "detail": decision.detail_words}]) in events


def test_a_price_offered_asks_the_difference_off(shop):
    tracker = make_tracker("bargain", "太贵了 800卖不卖", [entity("amount", 800.0)], slots={"product": "ct-wool-01"})
    messages, events = run(ActionHandleBargain(), tracker)
    assert "便宜99元" in texts(messages)[0] and "800" not in texts(messages)[0]
    assert SlotSet("handoff_reasons", [{"key": "bargain_over_limit", "detail": "想便宜99元"}]) in events


def test_promotions_payment_invoice_and_returns_come_from_the_policy(shop):
    messages, _ = run(ActionAnswerPromotions(), make_tracker("ask_promotion", "有什么优惠"))
    assert texts(messages) == [answer_promotions(shop, NOW).text]
    messages, _ = run(ActionAnswerPayment(), make_tracker("ask_payment", "能用花呗吗"))
    assert texts(messages) == [answer_payment(shop, text_hint="能用花呗吗").text]
    messages, _ = run(ActionAnswerInvoice(), make_tracker("ask_invoice", "能开发票吗"))
    assert texts(messages) == [answer_invoice(shop, text_hint="能开发票吗").text]
    messages, _ = run(ActionAnswerReturnPolicy(), make_tracker("ask_return_policy", "可以七天无理由吗"))
    assert texts(messages) == [answer_return_policy(shop).text]


def test_return_policy_for_an_excluded_product_says_so(shop):
    excluded = next(p for p in shop.catalogue.products if p.returnable_no_reason is False
                    or p.category in shop.policy.returns.excluded_categories)
    tracker = make_tracker("ask_return_policy", "这个能退吗", [entity("product", excluded.id)])
    messages, _ = run(ActionAnswerReturnPolicy(), tracker)
    answer = answer_return_policy(shop, product=excluded)
    assert answer.facts["returnable_no_reason"] is False
    assert texts(messages) == [answer.text]


def test_request_human_and_service_complaints_record_why(conversation):
    messages, events = run(ActionHandOff(), make_tracker("request_human", "转人工"))
    assert events == [SlotSet("handoff_reasons", [{"key": "request_human"}])]
    # 15:20 on a Monday: agents are on duty.
    assert texts(messages) == [conversation.handoff.on_duty]
    messages, events = run(ActionHandOff(), make_tracker("complain_service", "什么破服务", slots={"handoff_reasons": [{"key": "request_human"}]}))
    assert texts(messages) == [conversation.handoff.service]  # it says who follows up; not said twice
    assert events == [SlotSet("handoff_reasons", [{"key": "request_human"}, {"key": "complain_service"}])]


def test_a_service_complaint_off_duty_also_says_when_someone_replies(monkeypatch, conversation):
    monkeypatch.setenv("XIAODIAN_NOW", "2026-11-24T03:00:00+08:00")
    messages, _ = run(ActionHandOff(), make_tracker("complain_service", "什么破服务"))
    assert texts(messages)[0] == conversation.handoff.service and "在线时间" in texts(messages)[1]


def test_outside_agents_hours_the_buyer_is_told_when_someone_replies(monkeypatch, shop, conversation):
    monkeypatch.setenv("XIAODIAN_NOW", "2026-11-24T03:00:00+08:00")
    messages, _ = run(ActionHandOff(), make_tracker("request_human", "人工"))
    daily = shop.policy.service_hours.daily
    assert f"{daily.start:%H:%M}" in messages[0]["text"]
    assert messages[0]["text"] != conversation.handoff.on_duty


def test_quality_complaint_apologises_and_is_marked_for_a_person(conversation):
    messages, events = run(ActionHandleQualityComplaint(), make_tracker("complain_quality", "衣服破了个洞"))
    assert texts(messages) == [conversation.handoff.quality]
    assert events == [SlotSet("handoff_reasons", [{"key": "complain_quality", "priority": "high"}]),
                      SlotSet("last_topic", "complain_quality")]


def test_a_long_message_is_answered_with_a_note_that_only_its_start_was_read(shop, conversation):
    tracker = make_tracker("ask_shipping_fee", "包邮吗" * 2000, input_problems=["too_long"])
    messages, _ = run(ActionAnswerShippingFee(), tracker)
    assert texts(messages) == [conversation.bad_input.too_long, answer_shipping_fee(shop).text]
