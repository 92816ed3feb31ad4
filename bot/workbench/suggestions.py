"""Suggested replies for a ticket, drafted from the shop's policy, the ticket's reasons and facts, and the order.

The wording is the shop owner's (data/shop/workbench.yml); this module only works out the values: the agent's
limits and the compensation the policy allows, the coupon that applies to the product and the price after it,
the latest courier scan of a late parcel or the day an unshipped one leaves. A template is offered only when
every field it uses has a value for this ticket, so a draft never says "{scan}" or a made-up number.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from datetime import datetime
from typing import Dict, List, Optional, Sequence

from bot.handoff.ticket import Ticket
from bot.orders.model import PACKED, PAID, SHIPPED, SIGNED, OrderView
from bot.shop.fields import yuan
from bot.shop.loading import Shop
from bot.shop.pricing import best_offer
from bot.shop.workdays import day_with_date, dispatch_date, format_date
from bot.workbench.wording import DEFAULT_KEY, Workbench

#: Two or three drafts: enough to choose from, few enough to read at a glance.
MAX_SUGGESTIONS = 3
#: The order a reason is most likely about, when the buyer named none: the newest in one of these states.
ORDER_STATES_BY_REASON: Dict[str, Sequence[str]] = {
    "late_parcel": (SHIPPED, PACKED, PAID),
    "order_change_refused": (PACKED, SHIPPED, PAID),
    "complain_quality": (SIGNED, SHIPPED),
    "refund": (SIGNED, SHIPPED),
}
#: Items of an order named in a draft; more are counted as "等N件".
MAX_ITEMS_NAMED = 2


@dataclass(frozen=True)
class Suggestion:
    """A drafted reply and the reason key it answers (``default`` for the general ones)."""

    reason: str
    text: str


def relevant_order(ticket: Ticket, orders: Sequence[OrderView]) -> Optional[OrderView]:
    """The order the ticket is about: the last one the buyer named, else the newest in a state its reasons fit.

    Args:
        orders: the buyer's orders, newest first (only the buyer's own: never another buyer's).
    """
    by_id = {order.id: order for order in orders}
    for order_id in reversed(ticket.order_ids):
        if order_id in by_id:
            return by_id[order_id]
    for reason in ticket.reasons:
        states = ORDER_STATES_BY_REASON.get(reason)
        if states:
            for state in states:
                found = next((o for o in orders if o.status == state), None)
                if found is not None:
                    return found
    return None


def _moment(shop: Shop, at: datetime) -> str:
    local = shop.policy.local(at)
    return f"{format_date(shop.replies, local.date())} {local:%H:%M}"


def _items(order: OrderView) -> str:
    named = [f"{item.name}（{item.color} {item.size}）" for item in order.items[:MAX_ITEMS_NAMED]]
    more = len(order.items) - MAX_ITEMS_NAMED
    return "、".join(named) + (f"等{len(order.items)}件" if more > 0 else "")


def _order_values(shop: Shop, order: OrderView, now: datetime) -> Dict[str, str]:
    policy = shop.policy
    values = {
        "order_tail": order.tail,
        "order_items": _items(order) if order.items else "",
        "order_status": policy.handoff.order_status_words.get(order.status, ""),
    }
    if order.courier:
        values["courier"] = order.courier
    if order.tracking_no:
        values["tracking_no"] = order.tracking_no
    scan = order.last_event
    if order.status == SHIPPED and scan is not None:
        values.update(scan=scan.text, scan_time=_moment(shop, scan.at))
    if order.status in (PAID, PACKED):
        today = policy.local(now).date()
        values["dispatch_day"] = day_with_date(shop.replies, dispatch_date(policy, now), today)
    return {key: value for key, value in values.items() if value}


def _number(value: object) -> Optional[float]:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value))
    except (TypeError, ValueError):
        return None


def suggestion_values(shop: Shop, ticket: Ticket, orders: Sequence[OrderView], agent: str,
                      now: datetime) -> Dict[str, str]:
    """Every field a template may use that has a value for this ticket (bot.workbench.wording.SUGGESTION_FIELDS).

    Args:
        shop: the shop (policy, catalogue, calendar words).
        ticket: the ticket (reasons, facts, product, orders named).
        orders: the buyer's own orders, newest first.
        agent: the display name of the agent drafting.
        now: the current time (timezone-aware): live promotions, dispatch day.
    """
    policy = shop.policy
    pricing = policy.pricing
    values: Dict[str, str] = {
        "agent": agent,
        "shop_name": policy.shop.name,
        "agent_discount_max": yuan(pricing.agent_discount_max),
        "compensation_max": yuan(pricing.compensation_max),
        "quality_postage_max": yuan(policy.returns.quality_postage_max),
        "refund_days": str(policy.returns.refund_days),
        "no_reason_days": str(policy.returns.no_reason_days),
    }
    facts = ticket.facts
    amount = _number(facts.get("amount"))
    if amount is not None and amount > 0:
        values["amount"] = yuan(amount)
    for name in ("height", "weight"):
        number = _number(facts.get(name))
        if number is not None:
            values[name] = yuan(number)
    size = facts.get("size") or facts.get("usual_size")
    if size:
        values["size"] = str(size)
    product = shop.catalogue.find(ticket.product_id) if ticket.product_id else None
    if product is not None:
        values.update(product=product.name, price=yuan(product.price))
        promotion, final = best_offer(policy, now, product)
        if promotion is not None:
            values.update(promotion=promotion.name, final_price=yuan(final))
        after_limit = product.price - pricing.agent_discount_max
        if after_limit > 0:
            values["price_after_limit"] = yuan(after_limit)
    order = relevant_order(ticket, orders)
    if order is not None:
        values.update(_order_values(shop, order, now))
    return values


def _fields(template: str) -> List[str]:
    return [name for _, name, _, _ in string.Formatter().parse(template) if name]


def _fill(template: str, values: Dict[str, str]) -> Optional[str]:
    if any(name not in values for name in _fields(template)):
        return None
    return template.format_map(values)


def suggest_replies(shop: Shop, workbench: Workbench, ticket: Ticket, orders: Sequence[OrderView], agent: str,
                    now: datetime, limit: int = MAX_SUGGESTIONS) -> List[Suggestion]:
    """Two or three drafts for the ticket: its reasons' templates first (most urgent reason first, as the ticket
    lists them), then the general ones, each only when it can be filled; never the same text twice.

    Args:
        shop, ticket, orders, agent, now: as for :func:`suggestion_values`.
        workbench: the templates (data/shop/workbench.yml).
        limit: at most this many.
    """
    values = suggestion_values(shop, ticket, orders, agent, now)
    drafts: List[Suggestion] = []
    for reason in [*ticket.reasons, DEFAULT_KEY]:
        for template in workbench.templates_for(reason):
            text = _fill(template, values)
            if text is not None and all(d.text != text for d in drafts):
                drafts.append(Suggestion(reason, text))
            if len(drafts) >= limit:
                return drafts
    return drafts


def quick_phrases(shop: Shop, workbench: Workbench, agent: str) -> List[Dict[str, str]]:
    """The quick phrases with the agent's name and the shop's filled in: ``[{key, title, text}]``."""
    values = {"agent": agent, "shop_name": shop.policy.shop.name}
    return [{"key": p.key, "title": p.title, "text": p.text.format_map(values)} for p in workbench.quick_phrases]
