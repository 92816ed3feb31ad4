"""Order questions and bare facts before the order store exists (products: test_sizing_and_products.py)."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.inform import ActionHandleInform
from actions.orders import ActionAnswerOrderQuestion
from tests.actions.conftest import entity, make_tracker, run


def texts(messages):
    return [m["text"] for m in messages]


def test_track_order_without_a_number_asks_for_it(conversation):
    messages, events = run(ActionAnswerOrderQuestion(), make_tracker("track_order", "到哪了"))
    assert texts(messages) == [conversation.orders.ask_order_id]
    assert events == [SlotSet("last_topic", "track_order")]


def test_an_order_number_marks_the_question_for_a_colleague(conversation):
    tracker = make_tracker("track_order", "1234567890123456 到哪了", [entity("order_id", "1234567890123456")])
    messages, events = run(ActionAnswerOrderQuestion(), tracker)
    assert texts(messages) == [conversation.orders.got_order_id.format(order_id="1234567890123456")]
    assert SlotSet("handoff_reasons", ["track_order"]) in events


def test_cancel_and_modify_say_what_the_buyer_can_do_themselves(conversation):
    messages, _ = run(ActionAnswerOrderQuestion(), make_tracker("cancel_order", "拍错了"))
    assert texts(messages) == [conversation.orders.cancel_howto]
    messages, _ = run(ActionAnswerOrderQuestion(), make_tracker("modify_order", "地址错了"))
    assert texts(messages) == [conversation.orders.modify_howto]


def test_an_order_number_given_after_the_question_is_taken_up(conversation):
    tracker = make_tracker("inform", "12345678901234567", [entity("order_id", "12345678901234567")],
                           slots={"last_topic": "track_order"})
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.orders.got_order_id.format(order_id="12345678901234567")]
    assert events == [SlotSet("handoff_reasons", ["track_order"])]


def test_facts_without_a_topic_are_repeated_back(conversation):
    tracker = make_tracker("inform", "黑色 m码", [entity("color", "黑色"), entity("size", "M")])
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.inform.noted.format(facts="黑色、M码")]
    assert events == []
