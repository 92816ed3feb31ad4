"""Product questions answered from the catalogue (size advice and stock come with the size charts)."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction, add_handoff_reason, entity_or_slot
from actions.shop_context import ShopContext
from bot.shop.fields import yuan


def reply_size_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, product
) -> List[EventType]:
    """Asks for height and weight; with both known, a colleague reads the size chart for the buyer."""
    lines = context.conversation.product
    height, weight = entity_or_slot(tracker, "height"), entity_or_slot(tracker, "weight")
    events: List[EventType] = [SlotSet("last_topic", "ask_size")]
    if height and weight:
        facts = f"身高{height:g}cm、体重{weight:g}kg" + (f"，{product.name}" if product else "")
        dispatcher.utter_message(text=lines.measurements_noted.format(facts=facts))
        dispatcher.utter_message(text=lines.unknown_fact)
        events.append(add_handoff_reason(tracker, "size_advice"))
        return events
    sizes = (
        lines.product_sizes.format(name=product.name, sizes="/".join(product.sizes)) if product else ""
    )
    dispatcher.utter_message(text=lines.ask_measurements.format(product_sizes=sizes).strip())
    return events


class ActionAnswerProduct(ShopAction):
    """ask_size, ask_product, ask_stock, ask_recommendation."""

    def name(self) -> Text:
        return "action_answer_product"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        lines = context.conversation.product
        product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
        if intent == "ask_size":
            return reply_size_question(dispatcher, tracker, context, product)
        events: List[EventType] = [SlotSet("last_topic", intent)]
        if intent == "ask_product" and product:
            dispatcher.utter_message(text=lines.facts.format(
                name=product.name, fabric=product.fabric, colors="、".join(product.colors),
                sizes="/".join(product.sizes), price=yuan(product.price),
            ))
            return events
        if intent in ("ask_product", "ask_stock") and not product:
            dispatcher.utter_message(text=lines.which_product)
            return events
        # Stock levels and recommendations are not in the catalogue yet: say so, never guess.
        dispatcher.utter_message(text=lines.unknown_fact)
        events.append(add_handoff_reason(tracker, f"{intent}: not in catalogue"))
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
        elif name in ("color", "region", "courier"):
            parts.append(str(value))
        elif name == "amount":
            parts.append(f"{yuan(value)}元")
    return "、".join(dict.fromkeys(parts)) or None
