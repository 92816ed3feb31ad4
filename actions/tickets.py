"""Whether this turn hands the chat to a person, and the ticket draft the web service opens from the reply.

The actions only decide: after every answer ShopAction asks ``handoff_payload``, which builds the ticket
from the tracker (bot.handoff) when this turn added a reason for a person or the buyer's words are angry,
and the action sends it as the reply's custom payload (``{"handoff_ticket": <Ticket JSON>}``). The web
service, the one owner and writer of tickets, opens the ticket (or adds to the chat's open one) from the
reply it already holds: no call back from the action server, and no credential for one.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker

from actions import shop_context
from actions.shop_context import ShopContext
from actions.stores import order_store
from actions.tracker_reading import buyer_id, handoff_reasons, latest_text
from bot.handoff.summary import build_ticket
from bot.handoff.ticket import REPLY_PAYLOAD_KEY, Ticket
from bot.handoff.triggers import decide_handoff, is_angry


def order_status(tracker: Tracker, context: ShopContext) -> Dict[Text, Text]:
    """The state of the order talked about, in the policy's words, so the agent need not look it up."""
    number, buyer = tracker.get_slot("order_id"), buyer_id(tracker)
    if not number or not buyer:
        return {}
    order = order_store().get_order(buyer, str(number))
    if order is None:
        return {}
    words = context.shop.policy.handoff.order_status_words
    return {order.id: words.get(order.status, order.status)}


def handoff_ticket(tracker: Tracker, context: ShopContext, events: List[Dict[Text, Any]],
                   replies: List[Text]) -> Optional[Ticket]:
    """The ticket for this conversation when this turn added a reason for a person (or the buyer is angry),
    and the policy has a person take it; else None."""
    before = handoff_reasons(tracker)
    after = handoff_reasons(tracker, events)
    text = latest_text(tracker)
    if after == before and not is_angry(context.shop.policy, text):
        return None
    if decide_handoff(context.shop.policy, after, text) is None:
        return None
    now = shop_context.now(context)
    history = list(tracker.events or [])
    # The replies of this turn are not in the tracker yet; the agent should see them too.
    history += [{"event": "bot", "text": reply, "timestamp": now.timestamp()} for reply in replies]
    # An anonymous buyer's ticket is about the conversation; the agent sees no orders for it.
    buyer = buyer_id(tracker) or tracker.sender_id
    return build_ticket(context.shop, history, tracker.sender_id, buyer, now, after,
                        order_status=order_status(tracker, context))


def handoff_payload(tracker: Tracker, context: ShopContext, events: List[Dict[Text, Any]],
                    replies: List[Text]) -> Optional[Dict[Text, Any]]:
    """The reply's custom payload carrying the ticket, or None when no person is needed."""
    ticket = handoff_ticket(tracker, context, events, replies)
    return {REPLY_PAYLOAD_KEY: json.loads(ticket.json())} if ticket is not None else None
