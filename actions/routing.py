"""Which adapter answers a question: the question is read once (bot.shop.questions), and the feature module that
owns its topic answers it. Each feature module registers its answer for its topics with ``@answers``; the action
server imports every module of this package (rasa_sdk does, as for the actions), so all are registered.

An answer may decline (return None: no product to talk about, for one): the intent's own answer then applies.
"""
from __future__ import annotations

import logging
from typing import Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.shop_context import ShopContext
from actions.tracker_reading import QUESTION_SLOT, heard, question_context
from bot.shop.questions import TOPICS, Question, read_question

logger = logging.getLogger(__name__)

Answerer = Callable[[CollectingDispatcher, Tracker, ShopContext, Question], Optional[List[EventType]]]
_ANSWERERS: Dict[str, Answerer] = {}


def answers(*topics: str) -> Callable[[Answerer], Answerer]:
    """Registers a function as the answer to questions of these topics (one answer per topic).

    Raises:
        ValueError: an unknown topic, or a topic another function already answers.
    """
    unknown = [topic for topic in topics if topic not in TOPICS]
    if unknown:
        raise ValueError(f"unknown question topic {unknown[0]!r}; one of {TOPICS}")

    def register(function: Answerer) -> Answerer:
        for topic in topics:
            owner = _ANSWERERS.get(topic)
            if owner is not None and owner.__qualname__ != function.__qualname__:
                raise ValueError(f"topic {topic!r} is answered by {owner.__qualname__} already")
            _ANSWERERS[topic] = function
        return function

    return register


def answerer(topic: str) -> Optional[Answerer]:
    """The function answering a topic, if one is registered."""
    return _ANSWERERS.get(topic)


def read(tracker: Tracker, context: ShopContext) -> Optional[Question]:
    """What the latest message asks (bot.shop.questions), or None when it is not a question read there."""
    return read_question(context.shop.policy, context.shop.catalogue, heard(tracker), question_context(tracker),
                         shop_context.now(context))


def answer_read_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
) -> Optional[List[EventType]]:
    """Answers the latest message as the question it asks; None when it is not one, or its answer declined.

    The question is kept in the ``question`` slot (unless the answer kept a refined one), so a follow-up that
    changes one thing re-asks it.
    """
    question = read(tracker, context)
    if question is None:
        return None
    function = answerer(question.topic)
    if function is None:
        logger.warning("no answer registered for question topic %r", question.topic)
        return None
    events = function(dispatcher, tracker, context, question)
    if events is None:
        return None
    if not any(isinstance(e, dict) and e.get("event") == "slot" and e.get("name") == QUESTION_SLOT for e in events):
        events.append(SlotSet(QUESTION_SLOT, question.as_slot()))
    return events
