"""The buyer wants a person, or is unhappy: say who follows up and when, and record why."""
from __future__ import annotations

from typing import List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.routing import answers
from actions.tracker_reading import add_handoff_reason
from actions.orders import answer_for_order, choose_order
from actions.stores import order_store
from actions.shop_context import ShopContext
from bot.handoff.reasons import HandoffReason
from bot.shop.fields import hhmm
from bot.shop.questions import SERVICE_HOURS, Question
from bot.shop.service_hours import agents_on_duty, answer_service_hours, next_on_duty_label


def when_someone_replies(context: ShopContext) -> Text:
    """A short clause saying when a person will reply, from the agents' hours in the policy."""
    moment = shop_context.now(context)
    policy = context.shop.policy
    lines = context.conversation.handoff
    if agents_on_duty(policy, moment):
        return lines.on_duty
    daily = policy.service_hours.daily
    hours = f"{hhmm(daily.start)}-{hhmm(daily.end)}"
    return lines.off_duty.format(hours=hours, next_on_duty=next_on_duty_label(context.shop, moment) or "同事上班后")


@answers(SERVICE_HOURS)
def reply_service_hours(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                        question: Question) -> Optional[List[EventType]]:
    """When the agents are on duty (人工客服几点上班): the hours, not a person now."""
    answer = answer_service_hours(context.shop, shop_context.now(context))
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("last_topic", "service_hours")]


class ActionHandOff(ShopAction):
    """request_human and complain_service: a colleague follows up (the console comes with hand-off)."""

    reads_questions = True

    def name(self) -> Text:
        return "action_hand_off"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        if intent == "complain_service":
            dispatcher.utter_message(text=context.conversation.handoff.service)
            reason = "complain_service"
        else:
            reason = "request_human"
        on_duty = agents_on_duty(context.shop.policy, shop_context.now(context))
        if reason == "request_human" or not on_duty:
            # The apology already says the supervisor follows up; off duty the buyer also learns when.
            dispatcher.utter_message(text=when_someone_replies(context))
        return [add_handoff_reason(tracker, HandoffReason(key=reason))]


class ActionHandleQualityComplaint(ShopAction):
    """complain_quality: apologise, ask for a photo and the order, and mark it for a person first."""

    reads_questions = True

    def name(self) -> Text:
        return "action_handle_quality_complaint"

    def answer(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext
    ) -> List[EventType]:
        store = order_store()
        choice = choose_order(tracker, context, store, "complain_quality")
        if choice.order is not None:
            # Recorded on the order and always handed off with high priority.
            return answer_for_order(dispatcher, tracker, context, store, "complain_quality", choice.order)
        dispatcher.utter_message(text=context.conversation.handoff.quality)
        # No order to record it on yet: a person follows up with high priority all the same.
        reason = HandoffReason(key="complain_quality", priority="high")
        return [add_handoff_reason(tracker, reason), SlotSet("last_topic", "complain_quality")]
