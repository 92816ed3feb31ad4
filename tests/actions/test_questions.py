"""The question read first and answered by the module that owns it (actions/routing.py), the question kept for a
follow-up, the size form ending for a message that asks something else, and no reply said twice in a row."""
from __future__ import annotations

import asyncio
from typing import Any, Dict

import pytest
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher

from actions import routing
from actions.price import ActionAnswerPromotions, ActionHandleBargain
from actions.product import ActionAnswerProduct
from actions.shipping import ActionAnswerShippingFee
from actions.sizing import ValidateSizeAdviceForm
from bot.shop.questions import TOPICS, Question
from tests.actions.conftest import entity, make_tracker, run


def slot(events, name) -> Any:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    return values[-1] if values else None


def test_every_topic_has_one_answer_once_the_package_is_loaded():
    # As the action server does (rasa_sdk imports every module of the package).
    ActionExecutor().register_package("actions")
    assert all(routing.answerer(topic) is not None for topic in TOPICS)


def test_a_topic_is_answered_by_one_function_only():
    with pytest.raises(ValueError, match="already"):
        routing.answers("price")(lambda *args: [])
    with pytest.raises(ValueError, match="unknown question topic"):
        routing.answers("weather")


def test_a_total_asked_as_bargaining_is_priced_and_kept_for_a_follow_up():
    tracker = make_tracker("bargain", "买两件多少钱", slots={"product": "hd-fleece-01"})
    messages, events = run(ActionHandleBargain(), tracker)
    assert "到手428元" in messages[0]["text"]
    kept = Question.from_slot(slot(events, "question"))
    assert (kept.topic, kept.items) == ("price", (("hd-fleece-01", 2),))

    follow = make_tracker("inform", "三件呢", slots={"product": "hd-fleece-01", "question": kept.as_slot()})
    messages, _ = run(ActionAnswerShippingFee(), follow)
    assert "到手657元" in messages[0]["text"]


def test_a_coupon_question_on_the_promotions_intent_gets_the_rule_not_the_list():
    messages, _ = run(ActionAnswerPromotions(), make_tracker("ask_promotion", "一个订单能用几张店铺券"))
    assert len(messages) == 1 and "每单限用1张" in messages[0]["text"]
    assert "·" not in messages[0]["text"]  # not the list of every promotion


def test_a_precise_question_nothing_reads_is_handed_over_with_the_buyers_words():
    tracker = make_tracker("ask_product", "这件衣服适合孕妇穿吗", slots={"product": "ts-cotton-01"})
    messages, events = run(ActionAnswerProduct(), tracker)
    assert "同事确认" in messages[0]["text"]
    assert slot(events, "handoff_reasons") == [{"key": "unknown_fact", "detail": "中性款纯棉圆领短袖T恤：这件衣服适合孕妇穿吗"}]
    assert any("handoff_ticket" in (m.get("custom") or {}) for m in messages)


def previous_turn(user: str, bot: str) -> list:
    return [{"event": "user", "text": user, "parse_data": {"intent": {"name": "ask_product"}}},
            {"event": "bot", "text": bot}]


def test_the_same_reply_to_a_different_question_becomes_a_colleague_s_check(conversation):
    summary = ActionAnswerProduct()
    first = make_tracker("ask_product", "这件怎么样", slots={"product": "jn-denim-01"})
    said, _ = run(summary, first)
    again = make_tracker("ask_product", "详细介绍一下", slots={"product": "jn-denim-01"},
                         events=previous_turn("这件怎么样", said[0]["text"]))
    messages, events = run(summary, again)
    assert messages[0]["text"] == conversation.handoff.not_sure
    assert slot(events, "handoff_reasons") == [{"key": "unknown_fact", "detail": "详细介绍一下"}]


def test_the_same_question_asked_again_may_get_the_same_answer():
    summary = ActionAnswerProduct()
    said, _ = run(summary, make_tracker("ask_product", "这件怎么样", slots={"product": "jn-denim-01"}))
    again = make_tracker("ask_product", "这件怎么样", slots={"product": "jn-denim-01"},
                         events=previous_turn("这件怎么样", said[0]["text"]))
    messages, events = run(summary, again)
    assert messages[0]["text"] == said[0]["text"] and slot(events, "handoff_reasons") is None


def form_slots(text: str, entities=(), **slots: Any):
    tracker = make_tracker("ask_size", text, list(entities), slots=slots, active_loop="size_advice_form")
    domain: Dict[str, Any] = {"forms": {"size_advice_form": {"required_slots": ["product", "height", "weight"]}}}
    return asyncio.run(ValidateSizeAdviceForm().required_slots(["product", "height", "weight"],
                                                                CollectingDispatcher(), tracker, domain))


def test_the_size_form_ends_at_once_for_a_message_that_asks_something_else():
    assert form_slots("M码腰围多少", [entity("size", "M", 0), entity("attribute", "measurements", 2)],
                      product="jn-denim-01") == []
    assert form_slots("多大码", product="so-cotton-01") == []  # one size: no measurements needed
    assert form_slots("这件我穿什么码", product="jn-denim-01") == ["product", "height", "weight"]
