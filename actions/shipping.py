"""Shipping questions: when it ships and arrives, what postage costs (for the order talked about), which courier."""
from __future__ import annotations

import re
from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.price import quote_for
from actions.routing import answers
from actions.stores import order_store
from actions.tracker_reading import buyer_id, entity_or_slot, latest_entities, latest_entity
from actions.shop_context import ShopContext
from bot.orders.choice import RECENT_ORDERS
from bot.orders.tracking import answer_track_order
from bot.text.question_cues import moment_from_iso
from bot.shop import answer_courier, answer_shipping_fee, answer_shipping_time
from bot.shop.questions import COURIER, SHIPPING_FEE, SHIPPING_TIME, Question
from bot.shop.shipping import (
    answer_cutoff,
    answer_delivery_days,
    answer_holiday,
    answer_order_postage,
    answer_paying_later,
    answer_warehouse,
)

#: Words of buying, not of an order already placed: 今天下单明天能到吗 is asked before buying.
_BUYING = re.compile(r"下单|现在拍|现在买|今天拍|今天买|拍的话|买的话|付款|这件|这个|这款|这条")


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


@answers(SHIPPING_FEE)
def reply_postage(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                  question: Question) -> Optional[List[EventType]]:
    """Postage: for the order talked about (after its coupon), else the rule for the region."""
    region = question.region or tracker.get_slot("region")
    priced = quote_for(context, question)
    if priced is not None:
        answer = answer_order_postage(context.shop, region, priced.goods)
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "shipping_fee")]
    return reply_shipping_fee(dispatcher, context, region, latest_entity(tracker, "amount"))


@answers(SHIPPING_TIME)
def reply_dispatch(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                   question: Question) -> Optional[List[EventType]]:
    """When it ships and arrives: the cut-off, the warehouse, paying later; for a parcel talked about just
    before (哪天能到 after its tracking), when that parcel arrives."""
    shop = context.shop
    if question.aspect == "cutoff":
        answer = answer_cutoff(shop)
    elif question.aspect == "warehouse":
        answer = answer_warehouse(shop)
    elif question.aspect == "holiday" and question.holiday:
        today = shop.policy.local(shop_context.now(context)).date()
        holiday = shop.policy.holiday_named(question.holiday, today)
        if holiday is None:  # the policy changed since the question was read
            return reply_shipping_time(dispatcher, context, question.region or tracker.get_slot("region"))
        answer = answer_holiday(shop, shop_context.now(context), holiday)
    elif question.aspect == "later" and question.at:
        answer = answer_paying_later(shop, shop_context.now(context), moment_from_iso(question.at))
    else:
        order = order_in_talk(tracker) or order_of_named_product(tracker)
        named_region = latest_entity(tracker, "region")
        if order is not None and not _BUYING.search(question.text):
            # About the order just talked about, not about buying: when that parcel arrives, or how long it takes
            # to the region the buyer names once it ships.
            if named_region:
                answer = answer_delivery_days(shop, named_region)
            else:
                answer = answer_track_order(shop, order, shop_context.now(context), aspect="arrival")
            dispatcher.utter_message(text=answer.text)
            return [SlotSet("last_topic", "track_order"), SlotSet("order_id", order.id)]
        return reply_shipping_time(dispatcher, context, question.region or tracker.get_slot("region"))
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "shipping_time")]


@answers(COURIER)
def reply_courier_question(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                           question: Question) -> Optional[List[EventType]]:
    """Which courier, and whether (and at what surcharge) the one named can be chosen."""
    return reply_courier(dispatcher, context, latest_entity(tracker, "courier") or question.courier,
                         question.region or tracker.get_slot("region"))


def order_in_talk(tracker: Tracker):
    """The buyer's order the last answer was about (tracking), if any."""
    number, buyer = tracker.get_slot("order_id"), buyer_id(tracker)
    if not number or not buyer or tracker.get_slot("last_topic") != "track_order":
        return None
    return order_store().get_order(buyer, str(number))


#: Orders whose parcel has not reached the buyer yet.
_ON_ITS_WAY = ("paid", "packed", "shipped")


def order_of_named_product(tracker: Tracker):
    """牛仔裤什么时候能到, off that product's page: the buyer's one order of it still on its way, if any (on the
    product's own page the same words ask about buying it)."""
    buyer = buyer_id(tracker)
    named = [p for p in latest_entities(tracker, "product") if p and p != tracker.get_slot("page_product")]
    if not buyer or not named:
        return None
    orders = [o for o in order_store().recent_orders(buyer, RECENT_ORDERS)
              if o.status in _ON_ITS_WAY and any(item.product_id in named for item in o.items)]
    return orders[0] if len(orders) == 1 else None


class ActionAnswerShippingTime(ShopAction):
    reads_questions = True

    """ask_shipping_time: computed for the current time, day and the buyer's region."""

    def name(self) -> Text:
        return "action_answer_shipping_time"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        return reply_shipping_time(dispatcher, context, entity_or_slot(tracker, "region"))


class ActionAnswerShippingFee(ShopAction):
    reads_questions = True

    """ask_shipping_fee: free-shipping threshold and remote-region postage for the buyer's region."""

    def name(self) -> Text:
        return "action_answer_shipping_fee"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        # An amount in a postage question is the order total (满多少包邮), never a discount.
        return reply_shipping_fee(
            dispatcher, context, entity_or_slot(tracker, "region"), latest_entity(tracker, "amount")
        )


class ActionAnswerCourier(ShopAction):
    reads_questions = True

    """ask_courier: the default courier, and whether a named one can be chosen at what surcharge."""

    def name(self) -> Text:
        return "action_answer_courier"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        return reply_courier(
            dispatcher, context, latest_entity(tracker, "courier"), entity_or_slot(tracker, "region")
        )
