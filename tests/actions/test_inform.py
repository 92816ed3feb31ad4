"""Bare facts with no topic to apply them to (orders: test_orders.py; products: test_sizing_and_products.py)."""
from __future__ import annotations

from rasa_sdk.events import SlotSet

from actions.inform import ActionHandleInform
from tests.actions.conftest import entity, make_tracker, run


def texts(messages):
    return [m["text"] for m in messages if m.get("text")]


def test_facts_without_a_topic_are_repeated_back(conversation):
    tracker = make_tracker("inform", "黑色 m码", [entity("color", "黑色"), entity("size", "M")])
    messages, events = run(ActionHandleInform(), tracker)
    assert texts(messages) == [conversation.inform.noted.format(facts="黑色、M码")]
    assert events == []
