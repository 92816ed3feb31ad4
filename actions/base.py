"""The base every shop action builds on: shop data, the buyer's latest facts, bad-input handling."""
from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.shop_context import ShopContext
from actions.tickets import hand_off_if_needed
from bot.shop import ShopDataError

logger = logging.getLogger(__name__)

# Parse-data key set by bot.nlu.message_guard.MessageGuard.
INPUT_PROBLEMS = "input_problems"


def latest_entity(tracker: Tracker, entity: Text) -> Optional[Any]:
    """The normalised value of an entity in the buyer's latest message (first mention), or None."""
    for item in tracker.latest_message.get("entities", []) or []:
        if item.get("entity") == entity:
            return item.get("value")
    return None


def entity_or_slot(tracker: Tracker, name: Text) -> Optional[Any]:
    """The entity from the latest message, else what the buyer said earlier (the slot of that name)."""
    value = latest_entity(tracker, name)
    return value if value is not None else tracker.get_slot(name)


def input_problems(tracker: Tracker) -> List[Text]:
    """What MessageGuard found wrong with the latest message (empty, html, too_long, no_words)."""
    return list(tracker.latest_message.get(INPUT_PROBLEMS) or [])


def add_handoff_reason(tracker: Tracker, reason: Text) -> EventType:
    """An event adding a reason for a person to follow up (kept once, in order)."""
    reasons = list(tracker.get_slot("handoff_reasons") or [])
    if reason not in reasons:
        reasons.append(reason)
    return SlotSet("handoff_reasons", reasons)


class ShopAction(Action, metaclass=abc.ABCMeta):
    """An action answering from the shop's data. Abstract: the action server registers only subclasses.

    Subclasses implement `answer`; this base loads the shop data, answers empty messages plainly,
    notes a cut-off long message, and turns a broken data file into a polite reply plus a log line
    naming the file and field, instead of a traceback to the buyer.
    """

    @abc.abstractmethod
    def name(self) -> Text:
        """The action's name in domain.yml."""

    @abc.abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        """Sends the reply and returns the events (slots) it sets."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        try:
            context = shop_context.current()
        except ShopDataError as error:
            logger.error("The shop's data files do not validate:\n%s", error)
            dispatcher.utter_message(text="亲，系统正在维护，请稍后再问或者发“转人工”哦～")
            return []
        problems = input_problems(tracker)
        if "empty" in problems:
            dispatcher.utter_message(text=context.conversation.bad_input.empty)
            return []
        if "too_long" in problems:
            dispatcher.utter_message(text=context.conversation.bad_input.too_long)
        events = self.answer(dispatcher, tracker, context)
        replies = [m.get("text") or "" for m in dispatcher.messages]
        await hand_off_if_needed(tracker, context, events, replies)
        return events
