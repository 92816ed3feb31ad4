"""What the assistant says when it did not understand: the likeliest topics as buttons, then a person."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import ShopAction
from actions.tracker_reading import add_handoff_reason, input_problems
from actions.handoff import when_someone_replies
from actions.shop_context import ShopContext
from bot.handoff.reasons import HandoffReason

# Misunderstood messages in a row after which a person takes over (DEVELOPERS.md: "failed to
# understand twice").
FAILURES_BEFORE_HANDOFF = 2
TOPICS_OFFERED = 3
NOT_UNDERSTOOD = {"nlu_fallback", None}
# Input problems (bot.nlu.not_understood) after which the model's ranking says nothing about the topic.
NOTHING_MEANT = {"empty", "no_words", "gibberish", "filler"}


def misunderstood_in_a_row(events: List[Dict[Text, Any]]) -> int:
    """How many of the buyer's latest messages, counting back from the last, were not understood."""
    count = 0
    for event in reversed(events):
        if event.get("event") != "user":
            continue
        if (event.get("parse_data", {}).get("intent") or {}).get("name") in NOT_UNDERSTOOD:
            count += 1
        else:
            break
    return count


def likely_topics(tracker: Tracker, context: ShopContext, limit: int = TOPICS_OFFERED) -> List[Text]:
    """The intents the model found most likely that can be offered as a topic, best first."""
    topics = []
    for ranked in tracker.latest_message.get("intent_ranking", []) or []:
        name = ranked.get("name")
        if context.conversation.topic_label(name) and name not in topics:
            topics.append(name)
        if len(topics) == limit:
            break
    return topics


class ActionClarify(ShopAction):
    """Asks what the buyer means with buttons for the three likeliest topics; the second time, hands off.

    A message the classifier was unsure of may still be a clear follow-up in context (在哪里操作 after paying
    for someone, 想宽松点 after a size): that question is answered instead.
    """

    reads_questions = True

    def name(self) -> Text:
        return "action_clarify"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        lines = context.conversation
        problems = input_problems(tracker)
        # Counted first: a second message with nothing to understand (??, asdf) hands off like any
        # other second misunderstanding, instead of getting the bad-input reply again.
        if misunderstood_in_a_row(tracker.events) >= FAILURES_BEFORE_HANDOFF:
            dispatcher.utter_message(text=lines.clarify.give_up.format(when=when_someone_replies(context)))
            return [add_handoff_reason(tracker, HandoffReason(key="not_understood_twice"))]
        if "no_words" in problems:
            dispatcher.utter_message(text=lines.bad_input.no_words)
            return []
        # Topics guessed from keyboard mashing or a lone 啊 would be noise: ask plainly.
        topics = [] if NOTHING_MEANT & set(problems) else likely_topics(tracker, context)
        if not topics:
            dispatcher.utter_message(text=lines.clarify.ask_without_topics)
            return []
        buttons = [{"title": lines.topic_label(t), "payload": f"/{t}"} for t in topics]
        dispatcher.utter_message(text=lines.clarify.ask, buttons=buttons)
        return []
