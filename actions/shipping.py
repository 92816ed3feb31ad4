"""Shipping questions: when it ships and arrives, what postage costs, which courier."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.tracker_reading import entity_or_slot, latest_entity
from actions.shop_context import ShopContext
from bot.shop import answer_courier, answer_shipping_fee, answer_shipping_time


def reply_shipping_time(dispatcher: CollectingDispatcher, context: ShopContext, region) -> List[EventType]:
    answer = answer_shipping_time(context.shop, shop_context.now(context), region=region)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "shipping_time")]


def reply_shipping_fee(
    dispatcher: CollectingDispatcher, context: ShopContext, region, amount
) -> List[EventType]:
    answer = answer_shipping_fee(context.shop, region=region, order_amount=amount)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "shipping_fee")]


def reply_courier(
    dispatcher: CollectingDispatcher, context: ShopContext, courier, region=None
) -> List[EventType]:
    answer = answer_courier(context.shop, courier=courier, region=region)
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "courier")]


class ActionAnswerShippingTime(ShopAction):
    """ask_shipping_time: computed for the current time, day and the buyer's region."""

    def name(self) -> Text:
        return "action_answer_shipping_time"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        return reply_shipping_time(dispatcher, context, entity_or_slot(tracker, "region"))


class ActionAnswerShippingFee(ShopAction):
    """ask_shipping_fee: free-shipping threshold and remote-region postage for the buyer's region."""

    def name(self) -> Text:
        return "action_answer_shipping_fee"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        # An amount in a postage question is the order total (满多少包邮), never a discount.
        return reply_shipping_fee(
            dispatcher, context, entity_or_slot(tracker, "region"), latest_entity(tracker, "amount")
        )


class ActionAnswerCourier(ShopAction):
    """ask_courier: the default courier, and whether a named one can be chosen at what surcharge."""

    def name(self) -> Text:
        return "action_answer_courier"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        return reply_courier(
            dispatcher, context, latest_entity(tracker, "courier"), entity_or_slot(tracker, "region")
        )
