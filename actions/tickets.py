"""Opens (or adds to) the hand-off ticket on the web service when a turn gives a reason for a person.

The one place the actions hand off: ShopAction calls ``hand_off_if_needed`` after every answer. The
ticket is built here from the tracker (bot.handoff) and posted to the web service's ticket API with
the action server's token. Without a web service (XIAODIAN_WEB_URL unset, or down) the reasons stay
in the ``handoff_reasons`` slot and a warning is logged: nothing the buyer said is lost.
"""
from __future__ import annotations

import logging
import os
from typing import Any, Dict, List, Optional, Text

import aiohttp
from rasa_sdk import Tracker

from actions import shop_context
from actions.shop_context import ShopContext
from bot.handoff.summary import build_ticket
from bot.handoff.triggers import decide_handoff, is_angry

logger = logging.getLogger(__name__)

WEB_URL_ENV = "XIAODIAN_WEB_URL"
TOKEN_ENV = "XIAODIAN_ACTION_TOKEN"
POST_TIMEOUT_S = 5


def reasons_after(tracker: Tracker, events: List[Dict[Text, Any]]) -> List[Text]:
    """The ``handoff_reasons`` slot as this turn's events leave it."""
    reasons = list(tracker.get_slot("handoff_reasons") or [])
    for event in events:
        if event.get("event") == "slot" and event.get("name") == "handoff_reasons":
            reasons = list(event.get("value") or [])
    return reasons


def ticket_json(tracker: Tracker, context: ShopContext, reasons: List[Text], replies: List[Text]) -> Optional[str]:
    """The ticket for this conversation as JSON, or None when no reason (enabled in the policy) calls for a person."""
    text = tracker.latest_message.get("text") or ""
    if decide_handoff(context.shop.policy, reasons, text) is None:
        return None
    from actions.orders import buyer_id  # orders imports base, which imports this module

    now = shop_context.now(context)
    events = list(tracker.events or [])
    # The replies of this turn are not in the tracker yet; the agent should see them too.
    events += [{"event": "bot", "text": reply, "timestamp": now.timestamp()} for reply in replies]
    # An anonymous buyer's ticket is about the conversation; the agent sees no orders for it.
    buyer = buyer_id(tracker) or tracker.sender_id
    ticket = build_ticket(context.shop, events, tracker.sender_id, buyer, now, reasons,
                          order_status=order_status(tracker, context))
    return ticket.json()


def order_status(tracker: Tracker, context: ShopContext) -> Dict[Text, Text]:
    """The state of the order talked about, in the policy's words, so the agent need not look it up."""
    from actions.orders import buyer_id, order_store

    number = tracker.get_slot("order_id")
    if not number:
        return {}
    buyer = buyer_id(tracker)
    order = order_store().get_order(buyer, str(number)) if buyer else None
    if order is None:
        return {}
    words = context.shop.policy.handoff.order_status_words
    return {order.id: words.get(order.status, order.status)}


async def hand_off_if_needed(
    tracker: Tracker, context: ShopContext, events: List[Dict[Text, Any]], replies: List[Text]
) -> None:
    """Posts the ticket when this turn added a reason for a person, or the buyer's words are angry."""
    before = list(tracker.get_slot("handoff_reasons") or [])
    after = reasons_after(tracker, events)
    angry = is_angry(context.shop.policy, tracker.latest_message.get("text") or "")
    if after == before and not angry:
        return
    body = ticket_json(tracker, context, after, replies)
    url = os.environ.get(WEB_URL_ENV)
    if body is None or not url:
        return
    headers = {"Authorization": f"Bearer {os.environ.get(TOKEN_ENV, '')}", "Content-Type": "application/json"}
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=POST_TIMEOUT_S)) as http:
            async with http.post(f"{url.rstrip('/')}/api/tickets", data=body, headers=headers) as response:
                if response.status >= 300:
                    logger.warning("The web service refused the ticket for %s: %s %s",
                                   tracker.sender_id, response.status, await response.text())
    except (aiohttp.ClientError, OSError, TimeoutError) as error:
        logger.warning("Could not open a ticket for %s at %s (%s); the reasons stay in the tracker",
                       tracker.sender_id, url, error)
