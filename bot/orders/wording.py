"""What every answer about an order shares: its label (11月20日 风衣 黑色XL（尾号1234）), its goods and
dates in words, the facts each answer records, and why a colleague takes over (hand-off reasons)."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import Any, Dict, Optional

from bot.handoff.reasons import HandoffReason
from bot.orders.model import COMPLAINT_KINDS, OrderItem, OrderView
from bot.shop.catalogue import Product
from bot.shop.fields import hhmm, yuan
from bot.shop.loading import Shop, load_shop
from bot.shop.replies import Answer
from bot.shop.workdays import day_label, format_date


LIST_SEPARATOR = "、"
CHANGE_SEPARATOR = "，"
STEP_SEPARATOR = " → "


class HandOff:
    """Why a colleague takes over (``facts["hand_off_reason"]``): the reason, with the detail in the words
    agents use on tickets."""

    LATE = HandoffReason(key="late_parcel", detail="催件")  # shipped parcel past its delivery estimate
    DISPATCH_LATE = HandoffReason(key="late_parcel", detail="催发货")  # paid, but its dispatch day has passed
    # Packed: the warehouse must find the parcel to change or cancel it.
    INTERCEPT = HandoffReason(key="order_change_refused", detail="拦截改单")
    REDIRECT = HandoffReason(key="order_change_refused", detail="快递改派")  # shipped: ask the courier
    # A quality problem after the no-reason window.
    QUALITY_LATE = HandoffReason(key="complain_quality", detail="质量问题超期")
    REFUND_LATE = HandoffReason(key="refund", detail="退款超时")
    REFUND_REJECTED = HandoffReason(key="refund", detail="退款被拒")


def complaint_reason(kind: str) -> HandoffReason:
    """The hand-off reason of a complaint about the goods (always a person, with high priority)."""
    return HandoffReason(key="complain_quality", detail=COMPLAINT_LABELS.get(kind, COMPLAINT_LABELS["other"]),
                         priority="high")


#: Complaint kinds as agents name them; also the hand-off reason of a complaint.
COMPLAINT_LABELS: Dict[str, str] = {
    "wrong_item": "发错货",
    "missing_item": "漏发",
    "damaged": "破损",
    "color_difference": "色差",
    "other": "售后投诉",
}
assert set(COMPLAINT_LABELS) == set(COMPLAINT_KINDS)



# -- shared pieces --------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def default_shop() -> Shop:
    return load_shop()


def product_of(shop: Shop, item: OrderItem) -> Optional[Product]:
    return shop.catalogue.find(item.product_id)


def short_name(shop: Shop, item: OrderItem) -> str:
    # The first alias is what buyers call it (风衣, 羽绒服); the full title is too long for a chat line.
    product = product_of(shop, item)
    return product.aliases[0] if product is not None and product.aliases else item.name


def variant_words(color: str, size: str) -> str:
    return f"{color}{size}"


def items_text(shop: Shop, order: OrderView) -> str:
    """The order's goods in a few words: ``风衣 黑色XL``, ``风衣 黑色XL等2件``."""
    if not order.items:
        return ""
    first = order.items[0]
    text = shop.replies.render(
        "order.label_item", name=short_name(shop, first), color=first.color, size=first.size
    )
    count = sum(i.quantity for i in order.items)
    if count > 1:
        text = shop.replies.render("order.label_more", item=text, count=count)
    return text


def order_label(order: OrderView, shop: Optional[Shop] = None) -> str:
    """A short description to ask "which order?": ``11月20日 风衣 黑色XL（尾号1234）``.

    Args:
        order: the order.
        shop: the loaded shop (for the wording and timezone); the repository's own shop if omitted.
    """
    shop = shop or default_shop()
    day = shop.policy.local(order.created_at).date()
    return shop.replies.render(
        "order.label", date=format_date(shop.replies, day), items=items_text(shop, order), tail=order.tail
    )


def order_values(shop: Shop, order: OrderView) -> Dict[str, Any]:
    return {"tail": order.tail, "items": items_text(shop, order)}


def local_today(shop: Shop, now: datetime) -> date:
    return shop.policy.local(now).date()


def day_words(shop: Shop, moment: datetime, now: datetime) -> str:
    """今天 / 3月8日 for a past moment (a label like 周一 would be read as the coming one)."""
    day, today = shop.policy.local(moment).date(), local_today(shop, now)
    return day_label(shop.replies, day, today) if day >= today else format_date(shop.replies, day)


def moment_words(shop: Shop, moment: datetime, now: datetime) -> str:
    local = shop.policy.local(moment)
    return shop.replies.render("order.moment", day=day_words(shop, moment, now), time=hhmm(local.time()))


def answer_what_was_bought(shop: Shop, order: OrderView, now: datetime) -> Answer:
    """我之前买的牛仔裤是什么码来着: the order's goods (colour and size), the day and the amount paid."""
    text = shop.replies.render("order.bought", day=day_words(shop, order.created_at, now),
                               items=items_text(shop, order), total=yuan(order.total), tail=order.tail)
    return Answer(text=text, facts=order_facts(order, "bought"))


def order_facts(order: OrderView, case: str, **more: Any) -> Dict[str, Any]:
    return {"order_id": order.id, "tail": order.tail, "status": order.status, "case": case, **more}


def answer_from(text: str, facts: Dict[str, Any]) -> Answer:
    return Answer(text=text, facts=facts, hand_off_reason=facts.get("hand_off_reason"))
