"""Which of the buyer's orders a question is about: pure functions over the orders, no store, no tracker."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

from bot.orders.model import OrderView
from bot.text.order_requests import asks_refund_progress

#: The order states worth offering for each question, most likely first.
RELEVANT_STATES: Dict[str, Tuple[str, ...]] = {
    "track_order": ("shipped", "packed", "paid", "unpaid", "signed"),
    "modify_order": ("paid", "unpaid", "packed", "shipped"),
    "cancel_order": ("unpaid", "paid", "packed", "shipped"),
    "return_request": ("signed", "shipped"),
    "ask_return_policy": ("signed", "shipped"),
    "complain_quality": ("signed", "shipped"),
}
ORDER_TOPICS = tuple(RELEVANT_STATES)
#: How many of a buyer's orders are looked through.
RECENT_ORDERS = 20


@dataclass(frozen=True)
class OrderChoice:
    """The order a question is about, or why there is none yet.

    Attributes:
        order: the order, when one is meant.
        candidates: the orders it may be, most likely first, to ask which.
        unknown_number: an order number the buyer gave that is not theirs (or does not exist).
    """

    order: Optional[OrderView] = None
    candidates: Tuple[OrderView, ...] = ()
    unknown_number: Optional[str] = None


def relevant_orders(orders: Sequence[OrderView], topic: str, text: str = "") -> list:
    """The buyer's orders worth offering for ``topic``; for 退款什么时候到账, those with a refund under way."""
    states = RELEVANT_STATES.get(topic, RELEVANT_STATES["track_order"])
    relevant = [o for o in orders if o.status in states]
    if topic == "return_request" and asks_refund_progress(text):
        refunding = [o for o in relevant if o.latest_return and o.latest_return.open]
        relevant = refunding or relevant
    return relevant


def choose_order(
    orders: Sequence[OrderView],
    topic: str,
    *,
    number: Optional[str] = None,
    by_number: Optional[OrderView] = None,
    text: str = "",
    products: Sequence[str] = (),
    earlier: Optional[OrderView] = None,
) -> OrderChoice:
    """Which of the buyer's orders the message is about.

    In order: an order number in the message (``by_number`` is the buyer's own order of that number, if
    any: another buyer's number is "not found", like a wrong one); a product the buyer bought named in the
    message (这件风衣能退吗); the order talked about earlier in this chat; the buyer's only relevant order;
    else the candidates to ask about.

    Args:
        orders: the buyer's recent orders.
        topic: the question (an intent of ORDER_TOPICS).
        number: an order number in the message.
        by_number: the buyer's order with that number, looked up by the caller.
        text: the message (refund-progress questions prefer orders with a refund under way).
        products: catalogue ids the message names or points to.
        earlier: the order talked about earlier in this chat.
    """
    if number:
        return OrderChoice(by_number) if by_number else OrderChoice(unknown_number=str(number))
    relevant = relevant_orders(orders, topic, text)
    if products:
        bought = [o for o in relevant if any(item.product_id in products for item in o.items)]
        if len(bought) == 1:
            return OrderChoice(bought[0])
        if bought:
            relevant = bought
    if earlier is not None and not products:
        return OrderChoice(earlier)
    if len(relevant) == 1:
        return OrderChoice(relevant[0])
    states = RELEVANT_STATES.get(topic, RELEVANT_STATES["track_order"])
    return OrderChoice(candidates=tuple(sorted(relevant, key=lambda o: states.index(o.status))))
