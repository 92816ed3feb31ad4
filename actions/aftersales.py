"""Return and exchange rules: for an order of the buyer's, whether it can be returned or exchanged (and the
exchange recorded); otherwise the rule asked about (who pays the postage, conditions, 到付, how many exchanges...)."""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.orders import ask_which_order, choose_order, reply_order_question
from actions.routing import answers
from actions.shop_context import ShopContext
from actions.stores import order_store
from actions.tracker_reading import add_handoff_reason, buyer_id, latest_entities
from bot.orders.choice import RECENT_ORDERS
from bot.orders.aftersales import answer_exchange_request
from bot.shop.questions import EXCHANGE, RETURNS, Question
from bot.shop.returns import answer_exchange_question, answer_return_question
from bot.text.question_cues import order_days, question_cues, unmet_conditions

#: Words of something received: 太肥了, 小了 (an exchange of goods the buyer has).
_RECEIVED = re.compile(r"太肥|太大|太小|太紧|大了|小了|肥了|紧了")


def about_own_order(tracker: Tracker, context: ShopContext, question: Question) -> bool:
    """Whether a return or exchange question is about an order the buyer placed, not a rule asked before buying:
    the words say so (我买的, 那单, 上周, 太肥了), or it names a product the buyer has bought."""
    buyer = buyer_id(tracker)
    if buyer is None:
        return False
    text = question.text
    today = context.shop.policy.local(shop_context.now(context)).date()
    if "own_order" in question_cues(text) or order_days(text, today) or _RECEIVED.search(text):
        return True
    named = set(latest_entities(tracker, "product"))
    if not named:
        return False
    bought = {item.product_id for order in order_store().recent_orders(buyer, RECENT_ORDERS) for item in order.items}
    return bool(named & bought)


@answers(RETURNS)
def reply_return_question(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                          question: Question) -> Optional[List[EventType]]:
    """A return question: for the buyer's order when the words are about one; else the rule asked about."""
    shop = context.shop
    if question.aspect in ("", "postage") and about_own_order(tracker, context, question):
        # 这件风衣能退吗 运费谁出 about the buyer's own windbreaker: that order's answer says both.
        return reply_order_question(dispatcher, tracker, context, "ask_return_policy")
    product = shop.catalogue.find(question.products[0]) if question.products else \
        shop.catalogue.find(tracker.get_slot("product") or "")
    unmet = unmet_conditions(question.text, shop.policy.returns.conditions)
    answer = answer_return_question(shop, question.aspect, product=product,
                                    quality_problem="quality" in question.features,
                                    unmet=unmet)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "return_policy")]


@answers(EXCHANGE)
def reply_exchange(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                   question: Question) -> Optional[List[EventType]]:
    """An exchange: of the buyer's order (whether it can be, in stock, recorded), or the rule asked about."""
    shop = context.shop
    if question.aspect != "request":
        answer = answer_exchange_question(shop, question.aspect)
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "exchange")]
    store = order_store()
    if not (about_own_order(tracker, context, question)
            or (tracker.get_slot("order_id") and tracker.get_slot("last_topic") == "exchange")):
        answer = answer_exchange_question(shop, "how")
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "exchange")]
    choice = choose_order(tracker, context, store, "return_request")
    order = choice.order
    if order is None and tracker.get_slot("order_id"):
        order = store.get_order(buyer_id(tracker), str(tracker.get_slot("order_id")))
    if order is None:
        if not choice.candidates and not choice.unknown_number:
            answer = answer_exchange_question(shop, "how")
            dispatcher.utter_message(text=answer.text)
            return [SlotSet("last_topic", "exchange")]
        ask_which_order(dispatcher, context, choice)
        return [SlotSet("last_topic", "return_request")]
    answer = answer_exchange_request(
        store, shop, order, shop_context.now(context), color=question.color, size=question.size,
        direction=question.direction,
        by=f"buyer:{buyer_id(tracker)}",
    )
    dispatcher.utter_message(text=answer.text)
    events: List[EventType] = [SlotSet("order_id", order.id), SlotSet("last_topic", "exchange")]
    reason = answer.facts.get("hand_off_reason")
    if reason:
        events.append(add_handoff_reason(tracker, reason))
    return events


class ActionAnswerReturnPolicy(ShopAction):
    """ask_return_policy: can it be returned, on what conditions, who pays postage, how to file it."""

    reads_questions = True

    def name(self) -> Text:
        return "action_answer_return_policy"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        # About an order of the buyer's (这件风衣能退吗 / an order number): that order's eligibility;
        # otherwise the rules in general.
        return reply_order_question(dispatcher, tracker, context, "ask_return_policy")
