"""Return rules: for an order of the buyer's, whether it can be returned; otherwise the policy."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType

from actions.orders import reply_order_question
from actions.shop_context import ShopContext
from actions.base import ShopAction


class ActionAnswerReturnPolicy(ShopAction):
    """ask_return_policy: can it be returned, on what conditions, who pays postage, how to file it."""

    def name(self) -> Text:
        return "action_answer_return_policy"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        # About an order of the buyer's (这件风衣能退吗 / an order number): that order's eligibility;
        # otherwise the rules in general.
        return reply_order_question(dispatcher, tracker, context, "ask_return_policy")
