"""Which of the buyer's orders a question is about: pure functions over the orders, no store, no tracker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Callable, Dict, Optional, Sequence, Tuple

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


#: The order states the buyer's words imply (question cues of data/lexicon/questions.yml).
IMPLIED_STATES: Dict[str, Tuple[str, ...]] = {
    "not_shipped": ("unpaid", "paid", "packed"),
    "not_arrived": ("shipped",),
    "stalled": ("shipped",),
}
#: 物流好几天不动了: a parcel with no courier scan for this many days is the one the buyer means.
STALLED_DAYS = 2


def stalled(order: OrderView, now: datetime) -> bool:
    """Whether a shipped parcel has had no courier scan for STALLED_DAYS days."""
    last = max((event.at for event in order.tracking), default=order.shipped_at)
    return order.status == "shipped" and last is not None and now - last >= timedelta(days=STALLED_DAYS)


def choose_order(
    orders: Sequence[OrderView],
    topic: str,
    *,
    number: Optional[str] = None,
    by_number: Optional[OrderView] = None,
    text: str = "",
    products: Sequence[str] = (),
    earlier: Optional[OrderView] = None,
    placed: Optional[Tuple[date, date]] = None,
    states: Sequence[str] = (),
    local_day: Optional[Callable[[datetime], date]] = None,
    stalled_at: Optional[datetime] = None,
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
        placed: the days the buyer says it was bought (昨天 / 上周), earliest and latest, both included.
        states: the states the words imply (还没发: unpaid, paid, packed), most likely first.
        local_day: the shop's calendar day of a moment (for ``placed``); the moment's own date without it.
        stalled_at: when the buyer says the parcel does not move (物流不动了): now, to prefer the parcels with no
            scan for STALLED_DAYS days.

    Each of ``states``, ``placed`` and ``products`` narrows the orders only when some order fits it: words that
    fit none are the buyer's mistake to talk about, not a reason to offer nothing.
    """
    if number:
        return OrderChoice(by_number) if by_number else OrderChoice(unknown_number=str(number))
    relevant = relevant_orders(orders, topic, text)
    if states:
        implied = [o for o in orders if o.status in states]
        if implied:
            relevant = implied
    if stalled_at is not None:
        stuck = [o for o in relevant if stalled(o, stalled_at)]
        if stuck:
            relevant = stuck
    if placed is not None:
        day = local_day or (lambda moment: moment.date())
        dated = [o for o in relevant if placed[0] <= day(o.created_at) <= placed[1]]
        if dated:
            relevant = dated
            if len(dated) == 1 and not products:
                return OrderChoice(dated[0])
    if products:
        bought = [o for o in relevant if any(item.product_id in products for item in o.items)]
        if len(bought) == 1:
            return OrderChoice(bought[0])
        if bought:
            relevant = bought
    if earlier is not None and not products and not states and placed is None:
        return OrderChoice(earlier)
    if len(relevant) == 1:
        return OrderChoice(relevant[0])
    order = list(states) + [s for s in RELEVANT_STATES.get(topic, RELEVANT_STATES["track_order"]) if s not in states]
    return OrderChoice(candidates=tuple(sorted(relevant, key=lambda o: order.index(o.status) if o.status in order
                                               else len(order))))
