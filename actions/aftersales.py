"""Return rules and return requests, answered from the policy."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions.base import ShopAction, entity_or_slot
from actions.shop_context import ShopContext
from bot.shop import answer_return_policy


class ActionAnswerReturnPolicy(ShopAction):
    """ask_return_policy: can it be returned, on what conditions, who pays postage, how to file it."""

    def name(self) -> Text:
        return "action_answer_return_policy"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
        answer = answer_return_policy(context.shop, product=product)
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "return_policy")]
