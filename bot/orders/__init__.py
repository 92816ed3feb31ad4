"""Existing orders: the order store (SQLite or PostgreSQL), demo orders, and the answers about them.

Typical use::

    from bot.orders import OrderStore, answer_track_order
    store = OrderStore()              # $DATABASE_URL, else var/orders.sqlite
    store.create_schema()
    order = store.get_order(buyer_id, "3...")   # None for an unknown number or another buyer's
    answer = answer_track_order(shop, order, now)

Demo orders: ``bot.orders.seed.seed_demo_orders`` or ``python -m bot.orders.seed``.
"""

from bot.orders.aftersales import (
    answer_quality_complaint,
    answer_refund_status,
    answer_return_eligibility,
    answer_return_request,
)
from bot.orders.changes import ModificationDecision, apply_modification, decide_cancel, decide_modification
from bot.orders.tracking import answer_track_order, delivery_estimate
from bot.orders.wording import COMPLAINT_LABELS, HandOff, order_label
from bot.orders.model import (
    Complaint,
    OrderChange,
    OrderError,
    OrderItem,
    OrderNotFound,
    OrderStateError,
    OrderView,
    ReturnRequest,
    TrackingEvent,
)
from bot.orders.store import OrderStore

__all__ = [
    "COMPLAINT_LABELS",
    "Complaint",
    "HandOff",
    "ModificationDecision",
    "OrderChange",
    "OrderError",
    "OrderItem",
    "OrderNotFound",
    "OrderStateError",
    "OrderStore",
    "OrderView",
    "ReturnRequest",
    "TrackingEvent",
    "answer_quality_complaint",
    "answer_refund_status",
    "answer_return_eligibility",
    "answer_return_request",
    "answer_track_order",
    "apply_modification",
    "decide_cancel",
    "decide_modification",
    "delivery_estimate",
    "order_label",
]
