"""Product questions answered from the catalogue: facts (面料/起球/怎么洗), stock, recommendations.

Size advice has its own form (actions/sizing.py); a size question asked while that form is
collecting (有尺码表吗 / 这件偏大吗) gets the chart and fit note here before the form asks again.
"""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction
from actions.tracker_reading import add_handoff_reason, entity_or_slot, latest_entities, latest_entity
from actions.shop_context import ShopContext
from actions.sizing import ask_which_product, focus_from_tracker
from bot.shop.fields import yuan
from bot.shop.product_facts import answer_product_question
from bot.shop.recommendation import answer_recommendation, recommendation_request
from bot.shop.stock import answer_stock


class ActionAnswerProduct(ShopAction):
    """ask_product, ask_stock, ask_recommendation (and ask_size while the size form is collecting)."""

    def name(self) -> Text:
        return "action_answer_product"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "ask_recommendation":
            return recommend(dispatcher, tracker, context)
        return reply_product_question(dispatcher, tracker, context, intent)


def reply_product_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, intent: Text,
    follow_up: bool = False,
) -> List[EventType]:
    """Stock (ask_stock) or facts (ask_product, ask_size: the chart) of the product meant.

    A follow-up (那灰色呢 / 牛仔裤 after "which one?") keeps the colour and size asked about before
    unless it names new ones; a new question uses only its own.
    """
    focus = focus_from_tracker(tracker, context)
    if focus.product is None:
        ask_which_product(dispatcher, context, focus.candidates)
        return [SlotSet("last_topic", intent),
                SlotSet("product_candidates", [p.id for p in focus.candidates] or None)]
    product = focus.product
    events: List[EventType] = [SlotSet("product", product.id), SlotSet("last_topic", intent)]
    if intent == "ask_stock":
        pick = entity_or_slot if follow_up else latest_entity
        answer = answer_stock(context.shop, product, color=pick(tracker, "color"), size=pick(tracker, "size"))
    else:
        attributes = latest_entities(tracker, "attribute")
        if intent == "ask_size" and not attributes:
            attributes = ["measurements"]
        answer = answer_product_question(context.shop, product, attributes)
    dispatcher.utter_message(text=answer.text)
    if answer.hand_off_reason is not None:
        # Said honestly to the buyer; a person fills the gap (and the catalogue) later.
        events.append(add_handoff_reason(tracker, answer.hand_off_reason))
    return events


def recommend(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
    """One or two products for what the buyer said (occasion, colour, budget, for whom) and why."""
    text = tracker.latest_message.get("text") or ""
    request = recommendation_request(text, context.shop.catalogue)
    garment = latest_entity(tracker, "garment") or request.get("garment")
    color = latest_entity(tracker, "color")
    budget = latest_entity(tracker, "amount")
    answer = answer_recommendation(
        context.shop,
        occasion=request.get("occasion"),
        color=color,
        budget=budget if budget is not None else request.get("budget"),
        gender=request.get("gender"),
        garment=garment,
        text=text,
    )
    dispatcher.utter_message(text=answer.text)
    events: List[EventType] = [SlotSet("last_topic", "ask_recommendation")]
    picked = answer.facts.get("products") or []
    if len(picked) == 1:
        events.append(SlotSet("product", picked[0]))
    return events


def described_facts(tracker: Tracker, context: ShopContext) -> Optional[Text]:
    """The facts of the latest message in words (身高165cm、体重50kg、M码), or None."""
    parts = []
    for item in tracker.latest_message.get("entities", []) or []:
        name, value = item.get("entity"), item.get("value")
        if name == "height":
            parts.append(f"身高{value:g}cm")
        elif name == "weight":
            parts.append(f"体重{value:g}kg")
        elif name == "size":
            parts.append(f"{value}码")
        elif name == "product":
            product = context.shop.catalogue.find(value)
            parts.append(product.name if product else str(value))
        elif name == "fit":
            parts.append({"loose": "喜欢宽松", "fitted": "喜欢合身"}.get(value, str(value)))
        elif name in ("color", "region", "courier", "garment"):
            parts.append(str(value))
        elif name == "amount":
            parts.append(f"{yuan(value)}元")
    return "、".join(dict.fromkeys(parts)) or None
