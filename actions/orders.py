"""The buyer's own orders: where it is, change or cancel it, returns, refunds and quality complaints.

Thin adapters over bot.orders: which order the buyer means (a number, a product they bought, or
their recent orders), then the answer for that order's state. A change is never written before the
buyer confirms it in the very next message.
"""
from __future__ import annotations

import logging
import os
import threading
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shop_context
from actions.base import ShopAction, add_handoff_reason, latest_entity
from actions.shop_context import ShopContext
from bot.orders.answers import (
    answer_quality_complaint,
    answer_refund_status,
    answer_return_eligibility,
    answer_return_request,
    answer_track_order,
    apply_modification,
    decide_cancel,
    decide_modification,
    order_label,
)
from bot.identity import buyer_from_metadata
from bot.orders.model import OrderView
from bot.orders.store import OrderStore
from bot.shop import answer_return_policy
from bot.text.order_requests import asks_refund_progress, complaint_kind, new_address

logger = logging.getLogger(__name__)

#: The secret the web service signs buyer identities with (bot.stack gives it to both at each start).
IDENTITY_ENV = "XIAODIAN_IDENTITY_SECRET"

#: The order states worth offering for each question, most likely first.
RELEVANT_STATES: Dict[Text, Tuple[Text, ...]] = {
    "track_order": ("shipped", "packed", "paid", "unpaid", "signed"),
    "modify_order": ("paid", "unpaid", "packed", "shipped"),
    "cancel_order": ("unpaid", "paid", "packed", "shipped"),
    "return_request": ("signed", "shipped"),
    "ask_return_policy": ("signed", "shipped"),
    "complain_quality": ("signed", "shipped"),
}
ORDER_TOPICS = tuple(RELEVANT_STATES)
MAX_ORDER_BUTTONS = 4
#: How many of a buyer's orders are looked through.
RECENT_ORDERS = 20

_store: Optional[OrderStore] = None
_store_lock = threading.Lock()


def order_store() -> OrderStore:
    """The order store of this action server (DATABASE_URL, else the SQLite file), opened once."""
    global _store
    with _store_lock:
        if _store is None or _store.url != (os.environ.get("DATABASE_URL") or _store.url):
            _store = OrderStore()
            _store.create_schema()
        return _store


def buyer_id(tracker: Tracker) -> Optional[Text]:
    """The buyer the web service vouches for in the latest message (a signed ``metadata.identity``, see
    bot.identity), else None: an anonymous buyer, who has no orders. A ``buyer_id`` someone simply wrote
    into the metadata counts for nothing."""
    secret = os.environ.get(IDENTITY_ENV)
    if not secret:
        return None
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            metadata = event.get("metadata") or (event.get("parse_data") or {}).get("metadata") or {}
            return buyer_from_metadata(secret, metadata)
    return None


def user_turns(tracker: Tracker) -> int:
    """How many messages the buyer has sent in this conversation."""
    return sum(1 for event in tracker.events or [] if event.get("event") == "user")


def mentioned_product_ids(tracker: Tracker, context: ShopContext) -> List[Text]:
    """Products the latest message names (卫衣) or points to with a garment word (外套)."""
    ids = [e.get("value") for e in tracker.latest_message.get("entities", []) or [] if e.get("entity") == "product"]
    for entity in tracker.latest_message.get("entities", []) or []:
        if entity.get("entity") == "garment":
            ids += [p.id for p in context.shop.catalogue.with_garment(entity.get("value"))]
    return [i for i in ids if i]


class OrderChoice:
    """The order a question is about, or why there is none yet."""

    def __init__(self, order: Optional[OrderView] = None, candidates: Tuple[OrderView, ...] = (),
                 unknown_number: Optional[Text] = None):
        self.order = order
        self.candidates = candidates
        self.unknown_number = unknown_number


def choose_order(tracker: Tracker, context: ShopContext, store: OrderStore, topic: Text) -> OrderChoice:
    """Which of the buyer's orders the message is about.

    In order: an order number in the message (only the buyer's own: another buyer's number is
    "not found", like a wrong one); a product the buyer bought named in the message (这件风衣能退吗);
    the order talked about earlier in this chat; the buyer's only relevant order; else the
    candidates to ask about.
    """
    buyer = buyer_id(tracker)
    number = latest_entity(tracker, "order_id")
    if number:
        order = store.get_order(buyer, str(number)) if buyer else None
        return OrderChoice(order) if order else OrderChoice(unknown_number=str(number))
    if buyer is None:
        return OrderChoice()  # anonymous: ask for the number, which will not be found
    states = RELEVANT_STATES.get(topic, RELEVANT_STATES["track_order"])
    orders = [o for o in store.recent_orders(buyer, RECENT_ORDERS) if o.status in states]
    if topic == "return_request" and asks_refund_progress(tracker.latest_message.get("text") or ""):
        # 退款什么时候到账: the orders with a refund under way, when there are any.
        refunding = [o for o in orders if o.latest_return and o.latest_return.open]
        orders = refunding or orders
    products = mentioned_product_ids(tracker, context)
    if products:
        bought = [o for o in orders if any(item.product_id in products for item in o.items)]
        if len(bought) == 1:
            return OrderChoice(bought[0])
        if bought:
            orders = bought
    earlier = tracker.get_slot("order_id")
    if earlier and not products:
        order = store.get_order(buyer, str(earlier))
        if order:
            return OrderChoice(order)
    if len(orders) == 1:
        return OrderChoice(orders[0])
    ranked = sorted(orders, key=lambda o: states.index(o.status))
    return OrderChoice(candidates=tuple(ranked))


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


def _hand_off_events(tracker: Tracker, facts: Dict[Text, Any], fallback: Text) -> List[EventType]:
    reason = facts.get("hand_off_reason")
    if not reason:
        return []
    priority = facts.get("priority")
    return [add_handoff_reason(tracker, f"{fallback}: {reason}" + (f" ({priority})" if priority else ""))]


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
            )
        dispatcher.utter_message(text=decision.text)
        if decision.action == "confirm":
            events.append(SlotSet("pending_change", pending_request(decision, order, user_turns(tracker))))
        return events + _hand_off_events(tracker, decision.facts, topic)
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
    return events + _hand_off_events(tracker, answer.facts, topic)


def reply_order_question(
    dispatcher: CollectingDispatcher, tracker: Tracker, context: ShopContext, topic: Text
) -> List[EventType]:
    """Find the order the buyer means and answer ``topic`` for it, or ask which one."""
    store = order_store()
    choice = choose_order(tracker, context, store, topic)
    if choice.order is None:
        if topic == "ask_return_policy":
            # The rules in general, when no order of the buyer is in question.
            product = context.shop.catalogue.find(latest_entity(tracker, "product") or "")
            dispatcher.utter_message(text=answer_return_policy(context.shop, product=product).text)
            return [SlotSet("last_topic", "return_policy")]
        ask_which_order(dispatcher, context, choice)
        return [SlotSet("last_topic", topic)]
    return answer_for_order(dispatcher, tracker, context, store, topic, order=choice.order)


class ActionAnswerOrderQuestion(ShopAction):
    """track_order, modify_order, cancel_order, return_request: from the buyer's orders in the store."""

    def name(self) -> Text:
        return "action_answer_order_question"

    def answer(self, dispatcher, tracker: Tracker, context: ShopContext) -> List[EventType]:
        intent = tracker.latest_message.get("intent", {}).get("name")
        return reply_order_question(dispatcher, tracker, context, intent if intent in ORDER_TOPICS else "track_order")


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
        return events + _hand_off_events(tracker, decision.facts, f"{decision.kind}_order")
    answer = apply_modification(store, shop, order, decision, by=f"buyer:{buyer_id(tracker)}", at=now)
    dispatcher.utter_message(text=answer.text)
    return events + _hand_off_events(tracker, answer.facts, f"{decision.kind}_order")
