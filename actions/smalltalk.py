"""Small talk: greetings, thanks, yes/no, goodbye, bot challenge, out of scope."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction
from actions.routing import answers
from actions.tracker_reading import input_problems
from actions.shop_context import ShopContext
from actions.inform import ActionHandleInform
from actions.orders import reply_confirmation
from actions.sizing import bare_number_answer
from bot.shop.conversation import SMALLTALK_INTENTS
from bot.shop.questions import WILL_BUY, Question

#: Entities that make 不对/对 a correction rather than small talk.
FACT_ENTITIES = ("height", "weight", "size", "color", "product", "garment", "fit", "region", "courier", "order_id")


@answers(WILL_BUY)
def reply_will_buy(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                   question: Question) -> Optional[List[EventType]]:
    """好的 那我拍米白的: the buyer will buy now; an acknowledgement, not a question answered again."""
    dispatcher.utter_message(text=context.conversation.smalltalk_reply(
        "will_buy", shop_name=context.shop.policy.shop.name))
    return []


class ActionReplySmalltalk(ShopAction):
    """Replies to small talk with the shop's own wording (data/shop/conversation.yml)."""

    reads_questions = True

    def name(self) -> Text:
        return "action_reply_smalltalk"

    def answer_first(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> Optional[List[EventType]]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent in ("affirm", "deny"):
            # 好的 / 不用了 right after "确认把地址改成…吗？": the answer to that question.
            return reply_confirmation(dispatcher, tracker, context, confirmed=intent == "affirm")
        return None

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent in ("affirm", "deny") and (any(
            (e.get("entity") in FACT_ENTITIES) for e in tracker.latest_message.get("entities", []) or []
        ) or tracker.get_slot("last_topic") == "ask_size" and bare_number_answer(tracker)):
            # 不对 是170 / 对 要黑色: a yes or no that carries a fact is a correction of that fact.
            return ActionHandleInform().answer(dispatcher, tracker, context)
        if intent not in SMALLTALK_INTENTS:
            intent = "out_of_scope"
        if intent == "out_of_scope" and "no_words" in input_problems(tracker):
            dispatcher.utter_message(text=context.conversation.bad_input.no_words)
            return []
        shop_name = context.shop.policy.shop.name
        dispatcher.utter_message(text=context.conversation.smalltalk_reply(intent, shop_name=shop_name))
        return []
