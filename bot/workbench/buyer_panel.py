"""The buyer beside the chat: their orders, the product they were viewing, what they told the assistant about
themselves, and their earlier tickets with outcomes, as the console's side panel shows them (JSON-ready)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Dict, Optional, Sequence

from bot.handoff.ticket import Ticket
from bot.orders.model import OrderView
from bot.shop.loading import Shop
from bot.workbench.words import buyer_name, reason_words

#: Facts on a ticket that describe the buyer (what they told the assistant), in the panel's order.
BUYER_FACTS = ("height", "weight", "usual_size", "size", "fit_preference", "color", "region")
MAX_EARLIER = 10


def _iso(at: Optional[datetime]) -> Optional[str]:
    return at.isoformat() if at is not None else None


def order_json(shop: Shop, order: OrderView) -> Dict[str, Any]:
    """One order for the panel: state, items, tracking and latest scan, remarks and flags, returns, complaints."""
    scan = order.last_event
    return {
        "id": order.id,
        "tail": order.tail,
        "status": order.status,
        "status_words": shop.policy.handoff.order_status_words.get(order.status, order.status),
        "created_at": _iso(order.created_at),
        "total": order.total,
        "region": order.region,
        "items": [{"product_id": i.product_id, "name": i.name, "color": i.color, "size": i.size,
                   "quantity": i.quantity, "price": i.price} for i in order.items],
        "courier": order.courier,
        "tracking_no": order.tracking_no,
        "latest_scan": {"at": _iso(scan.at), "text": scan.text} if scan else None,
        # Remarks and flags (插旗) the bot or colleagues left on the order, oldest first.
        "remarks": [{"at": _iso(c.at), "by": c.by, "flag": c.flag, "text": c.remark or c.new or ""}
                    for c in order.changes if c.remark or c.flag],
        "returns": [{"kind": r.kind, "status": r.status, "amount": r.amount, "reason": r.reason}
                    for r in order.returns],
        "complaints": [{"kind": c.kind, "description": c.description, "priority": c.priority}
                       for c in order.complaints],
    }


def earlier_json(shop: Shop, ticket: Ticket) -> Dict[str, Any]:
    """One of the buyer's earlier tickets: when, why (in words), who, how it ended, the buyer's rating."""
    return {
        "id": ticket.id,
        "created_at": _iso(ticket.created_at),
        "status": ticket.status,
        "reasons": reason_words(shop.policy, ticket.reasons),
        "agent": ticket.claimed_by,
        "outcome": ticket.outcome,
        "rating": ticket.rating.score if ticket.rating else None,
    }


def buyer_panel(shop: Shop, ticket: Ticket, orders: Sequence[OrderView], buyer_tickets: Sequence[Ticket]) -> Dict[str, Any]:
    """The side panel of a ticket.

    Args:
        shop: the shop (catalogue, order-state words, reason labels).
        ticket: the ticket on screen.
        orders: the buyer's own orders, newest first (never another buyer's).
        buyer_tickets: the buyer's tickets, any order (this one is left out).
    """
    product = shop.catalogue.find(ticket.product_id) if ticket.product_id else None
    facts = ticket.facts
    earlier = sorted((t for t in buyer_tickets if t.id != ticket.id), key=lambda t: t.created_at, reverse=True)
    return {
        "buyer": {"id": ticket.buyer_id, "name": buyer_name(ticket.buyer_id)},
        "orders": [order_json(shop, order) for order in orders],
        "product": None if product is None else {
            "id": product.id, "name": product.name, "price": product.price,
            "colors": list(product.colors), "sizes": list(product.sizes)},
        "about": [{"key": key, "value": facts[key]} for key in BUYER_FACTS if facts.get(key) not in (None, "")],
        "earlier_tickets": [earlier_json(shop, t) for t in earlier[:MAX_EARLIER]],
    }
