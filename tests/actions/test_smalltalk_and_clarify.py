"""Small talk, clarifying questions and bad input."""
from __future__ import annotations

import pytest
from rasa_sdk.events import SlotSet

from actions.clarify import ActionClarify, misunderstood_in_a_row
from actions.smalltalk import ActionReplySmalltalk
from tests.actions.conftest import make_tracker, run


@pytest.mark.parametrize("intent", ["greet", "goodbye", "thank", "affirm", "deny", "bot_challenge", "out_of_scope"])
def test_smalltalk_replies_with_one_of_the_shops_variants(intent, shop, conversation):
    messages, events = run(ActionReplySmalltalk(), make_tracker(intent, "x"))
    variants = [v.format(shop_name=shop.policy.shop.name) for v in getattr(conversation.smalltalk, intent)]
    assert [m["text"] for m in messages] in [[v] for v in variants]
    assert events == []


def test_an_empty_message_is_answered_plainly_whatever_the_intent(conversation):
    messages, events = run(ActionReplySmalltalk(), make_tracker("greet", "", input_problems=["empty"]))
    assert [m["text"] for m in messages] == [conversation.bad_input.empty]
    assert events == []


def test_emoji_only_out_of_scope_gets_the_no_words_reply(conversation):
    messages, _ = run(ActionReplySmalltalk(), make_tracker("out_of_scope", "🙂🙂", input_problems=["no_words"]))
    assert [m["text"] for m in messages] == [conversation.bad_input.no_words]


def test_clarify_offers_the_three_likeliest_topics_as_buttons(conversation):
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.45},
        {"name": "ask_shipping_fee", "confidence": 0.30},
        {"name": "greet", "confidence": 0.20},  # not a topic: never offered
        {"name": "ask_shipping_time", "confidence": 0.15},
        {"name": "ask_courier", "confidence": 0.10},
        {"name": "ask_invoice", "confidence": 0.05},
    ]
    messages, events = run(ActionClarify(), make_tracker("nlu_fallback", "嗯那个呢", intent_ranking=ranking))
    assert messages[0]["text"] == conversation.clarify.ask
    assert [b["payload"] for b in messages[0]["buttons"]] == ["/ask_shipping_fee", "/ask_shipping_time", "/ask_courier"]
    assert [b["title"] for b in messages[0]["buttons"]] == [
        conversation.topics["ask_shipping_fee"], conversation.topics["ask_shipping_time"], conversation.topics["ask_courier"]
    ]
    assert events == []


def test_clarify_without_any_topic_asks_to_rephrase(conversation):
    ranking = [{"name": "nlu_fallback", "confidence": 0.4}, {"name": "greet", "confidence": 0.3}]
    messages, _ = run(ActionClarify(), make_tracker("nlu_fallback", "啊", intent_ranking=ranking))
    assert [m["text"] for m in messages] == [conversation.clarify.ask_without_topics]
    assert "buttons" not in messages[0] or not messages[0]["buttons"]


def test_the_second_misunderstanding_in_a_row_goes_to_a_person():
    earlier = [{"event": "user", "text": "???", "parse_data": {"intent": {"name": "nlu_fallback"}}},
               {"event": "action", "name": "action_clarify"}]
    messages, events = run(ActionClarify(), make_tracker("nlu_fallback", "!!!", events=earlier))
    assert "人工" in messages[0]["text"]
    assert events == [SlotSet("handoff_reasons", [{"key": "not_understood_twice"}])]


def test_an_understood_message_in_between_resets_the_count():
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
        {"event": "user", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "action", "name": "action_reply_smalltalk"},
        {"event": "user", "parse_data": {"intent": {"name": "nlu_fallback"}}},
    ]
    assert misunderstood_in_a_row(events) == 1
    assert misunderstood_in_a_row(events + [{"event": "user", "parse_data": {"intent": {"name": None}}}]) == 2


def test_clarify_offers_no_topics_for_keyboard_mashing(conversation):
    # The model's ranking for asdkjh qwe is noise: asking plainly beats three random topic buttons.
    ranking = [{"name": "nlu_fallback", "confidence": 0.3}, {"name": "ask_shipping_fee", "confidence": 0.6}]
    messages, events = run(ActionClarify(), make_tracker("nlu_fallback", "asdkjh qwe", intent_ranking=ranking,
                                                          input_problems=["gibberish"]))
    assert [m["text"] for m in messages] == [conversation.clarify.ask_without_topics]
    assert not messages[0].get("buttons")
    assert events == []


def test_a_second_message_without_words_in_a_row_goes_to_a_person(conversation):
    earlier = [{"event": "user", "text": "？？", "parse_data": {"intent": {"name": "nlu_fallback"}}},
               {"event": "action", "name": "action_clarify"}]
    messages, events = run(ActionClarify(), make_tracker("nlu_fallback", "。。。", events=earlier,
                                                          input_problems=["no_words"]))
    assert messages[0]["text"] != conversation.bad_input.no_words
    assert "人工" in messages[0]["text"]
    assert events == [SlotSet("handoff_reasons", [{"key": "not_understood_twice"}])]
