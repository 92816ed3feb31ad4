"""Order and product questions, and bare facts, before the order store and size charts exist."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.inform import ActionHandleInform
from actions.orders import ActionAnswerOrderQuestion
from actions.product import ActionAnswerProduct
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


def test_product_facts_come_from_the_catalogue(shop):
    product = shop.catalogue.products[0]
    messages, _ = run(ActionAnswerProduct(), make_tracker("ask_product", "什么面料", [entity("product", product.id)]))
    assert product.fabric in messages[0]["text"] and product.name in messages[0]["text"]


def test_product_question_without_a_product_asks_which(conversation):
    messages, _ = run(ActionAnswerProduct(), make_tracker("ask_product", "什么面料"))
    assert texts(messages) == [conversation.product.which_product]


def test_size_question_asks_for_height_and_weight_and_lists_the_products_sizes(shop):
    product = shop.catalogue.products[0]
    messages, events = run(ActionAnswerProduct(), make_tracker("ask_size", "穿什么码", [entity("product", product.id)]))
    assert "身高" in messages[0]["text"] and "/".join(product.sizes) in messages[0]["text"]
    assert events == [SlotSet("last_topic", "ask_size")]


def test_measurements_after_a_size_question_are_noted_and_never_answered_with_a_guess(conversation):
    tracker = make_tracker("inform", "165 50kg", [entity("height", 165), entity("weight", 50.0)],
                           slots={"last_topic": "ask_size"})
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.product.measurements_noted.format(facts="身高165cm、体重50kg"),
                               conversation.product.unknown_fact]
    assert SlotSet("handoff_reasons", ["size_advice"]) in events


def test_facts_without_a_topic_are_repeated_back(conversation):
    tracker = make_tracker("inform", "黑色 m码", [entity("color", "黑色"), entity("size", "M")])
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.inform.noted.format(facts="黑色、M码")]
    assert events == []
