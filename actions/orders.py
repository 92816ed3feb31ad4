"""The buyer's own orders: where it is, change or cancel it, returns, refunds and quality complaints.

Thin adapters over bot.orders: which order the buyer means (a number, a product they bought, or
their recent orders), then the answer for that order's state. A change is never written before the
buyer confirms it in the very next message.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction
from actions.routing import answers
from actions.shop_context import ShopContext
from actions.stores import order_store
from actions.tracker_reading import add_handoff_reason, buyer_id, latest_entities, latest_entity, user_turns
from bot.orders.aftersales import (
    answer_quality_complaint,
    answer_refund_status,
    answer_return_eligibility,
    answer_return_request,
)
from bot.orders.changes import apply_modification, decide_cancel, decide_modification
from bot.orders.tracking import answer_track_order
from bot.orders.wording import answer_what_was_bought, order_label
from bot.orders.choice import IMPLIED_STATES, ORDER_TOPICS, RECENT_ORDERS, OrderChoice
from bot.orders.choice import choose_order as choose_among
from bot.orders.model import OrderView
from bot.orders.store import OrderStore
from bot.shop import answer_return_policy
from bot.shop.questions import ORDER, Question
from bot.text.order_requests import asks_refund_progress, complaint_kind, new_address
from bot.text.question_cues import order_days, question_cues

logger = logging.getLogger(__name__)

MAX_ORDER_BUTTONS = 4


def mentioned_product_ids(tracker: Tracker, context: ShopContext) -> List[Text]:
    """Products the latest message names (卫衣) or points to with a garment word (外套)."""
    ids = list(latest_entities(tracker, "product"))
    for garment in latest_entities(tracker, "garment"):
        ids += [p.id for p in context.shop.catalogue.with_garment(garment)]
    return [i for i in ids if i]


def choose_order(tracker: Tracker, context: ShopContext, store: OrderStore, topic: Text) -> OrderChoice:
    """Which of the buyer's orders the message is about (bot.orders.choice, with the buyer's orders read from
    the store). An anonymous buyer has none: they are asked for the number, which will not be found."""
    buyer = buyer_id(tracker)
    if buyer is None:
        number = latest_entity(tracker, "order_id")
        return OrderChoice(unknown_number=str(number)) if number else OrderChoice()
    number = latest_entity(tracker, "order_id")
    earlier = tracker.get_slot("order_id")
    text = tracker.latest_message.get("text") or ""
    policy = context.shop.policy
    cues = question_cues(text)
    # 退款怎么还没到 speaks of the money, not of a parcel on its way.
    states = [] if asks_refund_progress(text) else [
        state for cue, implied in IMPLIED_STATES.items() if cue in cues for state in implied]
    return choose_among(
        store.recent_orders(buyer, RECENT_ORDERS),
        topic,
        number=str(number) if number else None,
        by_number=store.get_order(buyer, str(number)) if number else None,
        text=text,
        products=mentioned_product_ids(tracker, context),
        earlier=store.get_order(buyer, str(earlier)) if earlier else None,
        placed=order_days(text, policy.local(shop_context.now(context)).date()),
        states=states,
        local_day=lambda moment: policy.local(moment).date(),
        stalled_at=shop_context.now(context) if "stalled" in cues else None,
    )


def ask_which_order(dispatcher: CollectingDispatcher, context: ShopContext, choice: OrderChoice) -> None:
    """Asks for the order: not found, which of the candidates (as buttons), or the number."""
    lines = context.conversation.orders
    if choice.unknown_number:
        dispatcher.utter_message(text=lines.unknown_order.format(order_id=choice.unknown_number))
    elif choice.candidates:
        buttons = [
            {"title": order_label(order, context.shop), "payload": f'/inform{{"order_id":"{order.id}"}}'}
            for order in choice.candidates[:MAX_ORDER_BUTTONS]
        ]
        dispatcher.utter_message(text=lines.which_order, buttons=buttons)
    else:
        dispatcher.utter_message(text=lines.ask_order_id)


def _hand_off_events(tracker: Tracker, facts: Dict[Text, Any]) -> List[EventType]:
    reason = facts.get("hand_off_reason")
    return [add_handoff_reason(tracker, reason)] if reason else []


def pending_request(decision, order: OrderView, turn: int) -> Dict[Text, Any]:
    """What a confirmation applies to, kept in a slot until the buyer's next message."""
    return {
        "kind": decision.kind, "order_id": order.id, "turn": turn, "address": decision.address,
        "color": decision.color, "size": decision.size, "note": decision.note,
        "item_index": decision.item_index,
    }


def answer_for_order(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, store: OrderStore,
    topic: Text, order: OrderView,
) -> List[EventType]:
    """The answer to ``topic`` for one order of the buyer."""
    shop, now = context.shop, shop_context.now(context)
    text = tracker.latest_message.get("text") or ""
    by = f"buyer:{buyer_id(tracker)}"
    events: List[EventType] = [SlotSet("order_id", order.id), SlotSet("last_topic", topic)]
    if topic == "track_order":
        answer = answer_track_order(shop, order, now)
    elif topic in ("modify_order", "cancel_order"):
        if topic == "cancel_order":
            decision = decide_cancel(shop, order, now)
        else:
            decision = decide_modification(
                shop, order, now, address=new_address(text),
                color=latest_entity(tracker, "color"), size=latest_entity(tracker, "size"),
                wants_address="地址" in text,
            )
        dispatcher.utter_message(text=decision.text)
        if decision.action == "confirm":
            events.append(SlotSet("pending_change", pending_request(decision, order, user_turns(tracker))))
        return events + _hand_off_events(tracker, decision.facts)
    elif topic == "ask_return_policy":
        answer = answer_return_eligibility(shop, order, now)
    elif topic == "return_request":
        if asks_refund_progress(text) or (order.latest_return and order.latest_return.open):
            answer = answer_refund_status(shop, order, now)
        else:
            kind = "exchange" if "换" in text else "return"
            answer = answer_return_request(store, shop, order, now, reason=text, quality_problem=False,
                                           kind=kind, by=by)
    else:  # complain_quality
        answer = answer_quality_complaint(store, shop, order, now, kind=complaint_kind(text),
                                          description=text or None, by=by)
    dispatcher.utter_message(text=answer.text)
    return events + _hand_off_events(tracker, answer.facts)


def reply_order_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, topic: Text
) -> List[EventType]:
    """Find the order the buyer means and answer ``topic`` for it, or ask which one."""
    store = order_store()
    choice = choose_order(tracker, context, store, topic)
    if choice.order is None:
        if topic == "ask_return_policy":
            # The rules in general, when no order of the buyer is in question (for the product in view).
            named = latest_entity(tracker, "product") or tracker.get_slot("product") or ""
            product = context.shop.catalogue.find(named)
            dispatcher.utter_message(text=answer_return_policy(context.shop, product=product).text)
            return [SlotSet("last_topic", "return_policy")]
        ask_which_order(dispatcher, context, choice)
        return [SlotSet("last_topic", topic)]
    return answer_for_order(dispatcher, tracker, context, store, topic, order=choice.order)


@answers(ORDER)
def reply_order_progress(dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext,
                         question: Question) -> Optional[List[EventType]]:
    """Goods sent back (我退回去的裙子你们收到没): where the return or refund of that order stands; what an order
    holds (我之前买的牛仔裤是什么码来着)."""
    store = order_store()
    if question.aspect == "bought":
        choice = choose_order(tracker, context, store, "track_order")
        if choice.order is None:
            ask_which_order(dispatcher, context, choice)
            return [SlotSet("last_topic", "track_order")]
        answer = answer_what_was_bought(context.shop, choice.order, shop_context.now(context))
        dispatcher.utter_message(text=answer.text)
        return [SlotSet("order_id", choice.order.id), SlotSet("last_topic", "track_order")]
    choice = choose_order(tracker, context, store, "return_request")
    if choice.order is None:
        ask_which_order(dispatcher, context, choice)
        return [SlotSet("last_topic", "return_request")]
    answer = answer_refund_status(context.shop, choice.order, shop_context.now(context))
    dispatcher.utter_message(text=answer.text)
    return [SlotSet("order_id", choice.order.id), SlotSet("last_topic", "return_request"),
            *_hand_off_events(tracker, answer.facts)]


class ActionAnswerOrderQuestion(ShopAction):
    """track_order, modify_order, cancel_order, return_request: from the buyer's orders in the store."""

    reads_questions = True

    def name(self) -> Text:
        return "action_answer_order_question"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        topic = intent if intent in ORDER_TOPICS else "track_order"
        if topic == "track_order" and asks_refund_progress(tracker.latest_message.get("text") or ""):
            topic = "return_request"  # 退款怎么还没到: where the refund stands, not the parcel
        return reply_order_question(dispatcher, tracker, context, topic)


def reply_confirmation(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, confirmed: bool
) -> Optional[List[EventType]]:
    """好的 / 不用了 right after a change was put to the buyer: write it or drop it.

    Returns None when no change is waiting for this message (the reply is then small talk).
    """
    pending = tracker.get_slot("pending_change")
    if not isinstance(pending, dict) or pending.get("turn") != user_turns(tracker) - 1:
        return None
    events: List[EventType] = [SlotSet("pending_change", None)]
    lines = context.conversation.orders
    if not confirmed:
        dispatcher.utter_message(text=lines.change_dropped)
        return events
    store, shop, now = order_store(), context.shop, shop_context.now(context)
    buyer = buyer_id(tracker)
    order = store.get_order(buyer, str(pending.get("order_id"))) if buyer else None
    if order is None:
        dispatcher.utter_message(text=lines.unknown_order.format(order_id=pending.get("order_id")))
        return events
    if pending.get("kind") == "cancel":
        decision = decide_cancel(shop, order, now)
    else:
        decision = decide_modification(
            shop, order, now, address=pending.get("address"), color=pending.get("color"),
            size=pending.get("size"), remark=pending.get("note"), item_index=int(pending.get("item_index") or 0),
        )
    if decision.action != "confirm":  # the order moved on since the question: say what now applies
        dispatcher.utter_message(text=decision.text)
        return events + _hand_off_events(tracker, decision.facts)
    answer = apply_modification(store, shop, order, decision, by=f"buyer:{buyer_id(tracker)}", at=now)
    dispatcher.utter_message(text=answer.text)
    return events + _hand_off_events(tracker, answer.facts)
