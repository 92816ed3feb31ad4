"""The base every shop action builds on: shop data, bad-input handling, and the hand-off decision after each
answer."""
from __future__ import annotations

import abc
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from rasa_sdk.events import SlotSet

from actions import shop_context
from actions.routing import answer_read_question
from actions.shop_context import ShopContext
from actions.tickets import handoff_payload
from actions.tracker_reading import (
    QUESTION_SLOT,
    add_handoff_reason,
    input_problems,
    latest_bot_texts,
    latest_text,
    previous_user_text,
)
from bot.handoff.reasons import HandoffReason
from bot.shop import ShopDataError

logger = logging.getLogger(__name__)


class ShopAction(Action, metaclass=abc.ABCMeta):
    """An action answering from the shop's data. Abstract: the action server registers only subclasses.

    Subclasses implement `answer`; this base loads the shop data, answers empty messages plainly,
    notes a cut-off long message, and turns a broken data file into a polite reply plus a log line
    naming the file and field, instead of a traceback to the buyer.

    An action answering buyers' questions sets ``reads_questions``: what exactly the message asks is read first
    (actions.routing, bot.shop.questions) and answered by the module owning that question; ``answer`` is the
    intent's own answer for a message that is not such a question. ``answer_first`` may take the message before
    that (a yes right after "确认…吗？" is the answer to that question, whatever else it holds).
    """

    #: Read what exactly the message asks before the intent's own answer (see the class docstring).
    reads_questions: bool = False

    @abc.abstractmethod
    def name(self) -> Text:
        """The action's name in domain.yml."""

    @abc.abstractmethod
    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        """Sends the reply and returns the events (slots) it sets."""

    def answer_first(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> Optional[List[EventType]]:
        """An answer that comes before reading the question, or None (the default)."""
        return None

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
        events = self.answer_first(dispatcher, tracker, context)
        if events is None and self.reads_questions:
            events = answer_read_question(dispatcher, tracker, context)
        if events is None:
            events = self.answer(dispatcher, tracker, context)
            kept = any(isinstance(e, dict) and e.get("event") == "slot" and e.get("name") == QUESTION_SLOT
                       for e in events)
            if self.reads_questions and not kept and tracker.get_slot(QUESTION_SLOT) is not None:
                # Answered by the intent: a later follow-up must not re-ask an older question.
                events = [*events, SlotSet(QUESTION_SLOT, None)]
        replies = [m.get("text") or "" for m in dispatcher.messages if m.get("text")]
        if self.reads_questions and replies and said_again(tracker, replies):
            # The same reply to a different question means the new one was not answered: say so honestly and let a
            # colleague answer it, instead of repeating ourselves.
            dispatcher.messages.clear()
            dispatcher.utter_message(text=context.conversation.handoff.not_sure)
            replies = [context.conversation.handoff.not_sure]
            reason = HandoffReason(key="unknown_fact", detail=latest_text(tracker))
            events = [*events, add_handoff_reason(tracker, reason)]
        payload = handoff_payload(tracker, context, events, replies)
        if payload is not None:
            # The web service, which owns the tickets, opens (or adds to) the ticket from this reply.
            dispatcher.utter_message(json_message=payload)
        return events


def said_again(tracker: Tracker, replies: List[Text]) -> bool:
    """Whether these replies are the assistant's last ones word for word, to a message that is not the same."""
    before = previous_user_text(tracker)
    if before is None or _folded(before) == _folded(latest_text(tracker)):
        return False
    return [_folded(t) for t in latest_bot_texts(tracker)] == [_folded(t) for t in replies]


def _folded(text: Text) -> Text:
    return "".join((text or "").split())
