"""Questions about an existing order: where it is, change, cancel, return (interim: a colleague looks it up)."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import ShopAction, add_handoff_reason, entity_or_slot
from actions.shop_context import ShopContext
from bot.shop import answer_return_policy


class ActionAnswerOrderQuestion(ShopAction):
    """track_order, modify_order, cancel_order, return_request.

    Until the order store is connected the assistant cannot look an order up, so it says what the
    buyer can do themselves (from the policy), asks for the order number, and marks the
    conversation for a colleague once it has one.
    """

    def name(self) -> Text:
        return "action_answer_order_question"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        lines = context.conversation.orders
        order_id = entity_or_slot(tracker, "order_id")
        events: List[EventType] = [SlotSet("last_topic", intent)]
        if intent == "return_request":
            product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
            dispatcher.utter_message(text=answer_return_policy(context.shop, product=product).text)
        elif intent == "cancel_order" and not order_id:
            dispatcher.utter_message(text=lines.cancel_howto)
        elif intent == "modify_order" and not order_id:
            dispatcher.utter_message(text=lines.modify_howto)
        if order_id:
            dispatcher.utter_message(text=lines.got_order_id.format(order_id=order_id))
            events.append(add_handoff_reason(tracker, intent))
        elif intent in ("track_order", "return_request"):
            dispatcher.utter_message(text=lines.ask_order_id)
        return events
