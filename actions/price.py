"""Price questions: bargaining, promotions, paying and invoices, answered from the policy."""
from __future__ import annotations

from typing import List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet

from actions import shop_context
from actions.base import ShopAction
from actions.tracker_reading import add_handoff_reason, entity_or_slot, latest_entity
from actions.shop_context import ShopContext
from bot.shop import answer_invoice, answer_payment, answer_promotions, decide_bargain


class ActionHandleBargain(ShopAction):
    """bargain: holds the price politely; insisting or asking past the agents' limit goes to a person."""

    def name(self) -> Text:
        return "action_handle_bargain"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        attempt = int(tracker.get_slot("bargain_attempts") or 0) + 1
        product = context.shop.catalogue.find(entity_or_slot(tracker, "product") or "")
        decision = decide_bargain(
            context.shop,
            shop_context.now(context),
            attempt=attempt,
            amount_asked=latest_entity(tracker, "amount"),
            product=product,
        )
        dispatcher.utter_message(text=decision.text)
        events: List[EventType] = [SlotSet("bargain_attempts", float(attempt)), SlotSet("last_topic", "bargain")]
        if decision.hand_off_reason is not None:
            events.append(add_handoff_reason(tracker, decision.hand_off_reason))
        return events


class ActionAnswerPromotions(ShopAction):
    """ask_promotion: only the promotions live today, or when the next one starts."""

    def name(self) -> Text:
        return "action_answer_promotions"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_promotions(context.shop, shop_context.now(context))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "promotion")]


class ActionAnswerPayment(ShopAction):
    """ask_payment: 花呗, instalments, paying for someone else, failures."""

    def name(self) -> Text:
        return "action_answer_payment"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_payment(context.shop, text_hint=tracker.latest_message.get("text"))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "payment")]


class ActionAnswerInvoice(ShopAction):
    """ask_invoice: electronic invoices, when, which titles."""

    def name(self) -> Text:
        return "action_answer_invoice"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        answer = answer_invoice(context.shop, text_hint=tracker.latest_message.get("text"))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("last_topic", "invoice")]
