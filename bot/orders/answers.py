"""Answers about one order: where it is, changing or cancelling it, returns, refunds and complaints.

Pure functions over an OrderView, the shop's policy and reply templates, and ``now`` (passed in).
The only writes go through the OrderStore handed to ``apply_modification``, ``answer_return_request``
and ``answer_quality_complaint``. Every reply's wording lives in data/shop/replies.yml.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from bot.handoff.reasons import HandoffReason
from bot.orders.model import (
    CLOSED,
    COMPLAINT_KINDS,
    PACKED,
    PAID,
    RETURN_KINDS,
    SHIPPED,
    SIGNED,
    UNPAID,
    OrderItem,
    OrderStateError,
    OrderView,
)
from bot.shop.catalogue import Product
from bot.shop.fields import hhmm, yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.returns import no_reason_deadline, no_reason_returnable, no_reason_window_open
from bot.shop.shipping import days_range
from bot.shop.workdays import day_label, day_with_date, dispatch_date, format_date

if TYPE_CHECKING:
    from bot.orders.store import OrderStore
    from bot.shop.loading import Shop

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
def _default_shop() -> "Shop":
    from bot.shop.loading import load_shop

    return load_shop()


def _product(shop: "Shop", item: OrderItem) -> Optional[Product]:
    return shop.catalogue.find(item.product_id)


def _short_name(shop: "Shop", item: OrderItem) -> str:
    # The first alias is what buyers call it (风衣, 羽绒服); the full title is too long for a chat line.
    product = _product(shop, item)
    return product.aliases[0] if product is not None and product.aliases else item.name


def _variant(color: str, size: str) -> str:
    return f"{color}{size}"


def items_text(shop: "Shop", order: OrderView) -> str:
    """The order's goods in a few words: ``风衣 黑色XL``, ``风衣 黑色XL等2件``."""
    if not order.items:
        return ""
    first = order.items[0]
    text = shop.replies.render(
        "order.label_item", name=_short_name(shop, first), color=first.color, size=first.size
    )
    count = sum(i.quantity for i in order.items)
    if count > 1:
        text = shop.replies.render("order.label_more", item=text, count=count)
    return text


def order_label(order: OrderView, shop: Optional["Shop"] = None) -> str:
    """A short description to ask "which order?": ``11月20日 风衣 黑色XL（尾号1234）``.

    Args:
        order: the order.
        shop: the loaded shop (for the wording and timezone); the repository's own shop if omitted.
    """
    shop = shop or _default_shop()
    day = shop.policy.local(order.created_at).date()
    return shop.replies.render(
        "order.label", date=format_date(shop.replies, day), items=items_text(shop, order), tail=order.tail
    )


def _base(shop: "Shop", order: OrderView) -> Dict[str, Any]:
    return {"tail": order.tail, "items": items_text(shop, order)}


def _today(shop: "Shop", now: datetime) -> date:
    return shop.policy.local(now).date()


def _day(shop: "Shop", moment: datetime, now: datetime) -> str:
    """今天 / 3月8日 for a past moment (a label like 周一 would be read as the coming one)."""
    day, today = shop.policy.local(moment).date(), _today(shop, now)
    return day_label(shop.replies, day, today) if day >= today else format_date(shop.replies, day)


def _moment(shop: "Shop", moment: datetime, now: datetime) -> str:
    local = shop.policy.local(moment)
    return shop.replies.render("order.moment", day=_day(shop, moment, now), time=hhmm(local.time()))


def _facts(order: OrderView, case: str, **more: Any) -> Dict[str, Any]:
    return {"order_id": order.id, "tail": order.tail, "status": order.status, "case": case, **more}


def _answer(text: str, facts: Dict[str, Any]) -> Answer:
    return Answer(text=text, facts=facts, hand_off_reason=facts.get("hand_off_reason"))


# -- tracking -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryEstimate:
    """When a shipped parcel should arrive, and whether it is late."""

    region: str
    days_min: int
    days_max: int
    arrival_latest: date
    late: bool


def delivery_estimate(shop: "Shop", order: OrderView, now: datetime) -> Optional[DeliveryEstimate]:
    """The policy's delivery estimate for a shipped order's region, and whether it is now late.

    Late means still not signed for ``orders.late_after_days`` days after the last day of the
    estimate (shipped day + the zone's ``days_max``). A region the policy does not know gets the
    slowest zone, so a parcel is never called late too early.

    Returns:
        None when the order has not shipped.
    """
    if order.shipped_at is None:
        return None
    policy = shop.policy
    zone = policy.zone_of(policy.canonical_region(order.region) or "")
    days_min = zone.days_min if zone else min(z.days_min for z in policy.delivery_zones)
    days_max = zone.days_max if zone else max(z.days_max for z in policy.delivery_zones)
    latest = policy.local(order.shipped_at).date() + timedelta(days=days_max)
    late = order.status == SHIPPED and _today(shop, now) > latest + timedelta(
        days=policy.orders.late_after_days
    )
    return DeliveryEstimate(order.region, days_min, days_max, latest, late)


def answer_track_order(shop: "Shop", order: OrderView, now: datetime) -> Answer:
    """Where an order is, in words: not paid, ships on …, packed, on its way (last scan, arrival), signed.

    A parcel late against the delivery estimate gets an apology and a hand-off to chase the courier.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status``, ``case`` (the status, or
        ``paid_overdue`` / ``late``), and as they apply ``dispatch_date``, ``courier``,
        ``tracking_no``, ``last_event`` (text), ``last_event_at``, ``arrival_latest``, ``late``,
        ``hand_off_reason``.
    """
    policy, replies = shop.policy, shop.replies
    values = _base(shop, order)
    today = _today(shop, now)
    values.update(courier=order.courier or "", tracking_no=order.tracking_no or "")

    if order.status == UNPAID:
        ships = dispatch_date(policy, now)
        values.update(when=day_with_date(replies, ships, today), cutoff=hhmm(policy.dispatch.cutoff))
        return _answer(
            replies.render("order_track.unpaid", **values), _facts(order, UNPAID, dispatch_date=ships)
        )

    if order.status == PAID:
        ships = dispatch_date(policy, order.paid_at or now)
        values["when"] = day_with_date(replies, ships, today)
        if ships < today:
            facts = _facts(order, "paid_overdue", dispatch_date=ships, hand_off_reason=HandOff.DISPATCH_LATE)
            return _answer(replies.render("order_track.paid_overdue", **values), facts)
        return _answer(replies.render("order_track.paid", **values), _facts(order, PAID, dispatch_date=ships))

    if order.status == PACKED:
        facts = _facts(order, PACKED, courier=order.courier, tracking_no=order.tracking_no)
        return _answer(replies.render("order_track.packed", **values), facts)

    if order.status == SHIPPED:
        estimate = delivery_estimate(shop, order, now)
        assert estimate is not None and order.shipped_at is not None
        event = order.last_event
        values.update(
            shipped=_day(shop, order.shipped_at, now),
            arrival=format_date(replies, estimate.arrival_latest),
            region=estimate.region,
            days=days_range(estimate.days_min, estimate.days_max),
        )
        facts = _facts(
            order,
            "late" if estimate.late else SHIPPED,
            courier=order.courier,
            tracking_no=order.tracking_no,
            last_event=event.text if event else None,
            last_event_at=event.at if event else None,
            arrival_latest=estimate.arrival_latest,
            late=estimate.late,
        )
        scan = (
            replies.render(
                "order_track.last_event", event_time=_moment(shop, event.at, now), event=event.text
            )
            if event
            else replies.render("order_track.no_events")
        )
        if estimate.late:
            facts["hand_off_reason"] = HandOff.LATE
            text = join_lines(
                replies.render("order_track.late", **values),
                scan,
                replies.render("order_track.late_hand_off", **values),
            )
        else:
            text = join_lines(
                replies.render("order_track.shipped", **values),
                scan,
                replies.render("order_track.arrival", **values),
            )
        return _answer(text, facts)

    if order.status == SIGNED:
        assert order.signed_at is not None
        values["signed"] = _moment(shop, order.signed_at, now)
        facts = _facts(
            order, SIGNED, signed_at=order.signed_at, courier=order.courier, tracking_no=order.tracking_no
        )
        return _answer(replies.render("order_track.signed", **values), facts)

    return _answer(replies.render("order_track.closed", **values), _facts(order, CLOSED))


# -- changing and cancelling ----------------------------------------------------------------------


@dataclass(frozen=True)
class ModificationDecision:
    """What to do about a request to change or cancel an order.

    Attributes:
        action: ``self_service`` (unpaid: the buyer does it on Taobao), ``confirm`` (ask the buyer
            to confirm ``text``, then call ``apply_modification``), ``refuse`` (too late; ``text``
            offers refusing the parcel or a return, and ``hand_off_reason`` when a colleague can
            still try), ``ask`` (nothing to change was given, or a colour/size the product lacks).
        text: the reply to send now.
        flag: the remark's flag colour (policy ``orders.flags``), for ``confirm``.
        remark: the remark text to store with the change, for ``confirm``.
        facts: ``order_id``, ``tail``, ``status``, ``case``, ``changes`` (field names), and
            ``hand_off_reason`` when set.
        kind: ``modify`` or ``cancel``.
        address, region, color, size, item_index, note: what ``apply_modification`` writes
            (``note`` is the buyer's own remark).
    """

    action: str
    text: str
    flag: Optional[str] = None
    remark: Optional[str] = None
    facts: Dict[str, Any] = field(default_factory=dict)
    kind: str = "modify"
    address: Optional[str] = None
    region: Optional[str] = None
    color: Optional[str] = None
    size: Optional[str] = None
    item_index: int = 0
    note: Optional[str] = None

    @property
    def hand_off_reason(self) -> Optional[HandoffReason]:
        """Why a colleague should take over, if so."""
        return self.facts.get("hand_off_reason")

    @property
    def answer(self) -> Answer:
        """The decision's reply as an Answer."""
        return Answer(text=self.text, facts=self.facts, hand_off_reason=self.hand_off_reason)


def _changes_text(shop: "Shop", decision: ModificationDecision, order: OrderView) -> str:
    replies = shop.replies
    parts: List[str] = []
    if decision.address:
        parts.append(replies.render("order_modify.change_address", address=decision.address))
    if decision.color or decision.size:
        item = order.items[decision.item_index]
        parts.append(
            replies.render(
                "order_modify.change_item",
                product=_short_name(shop, item),
                variant=_variant(decision.color or item.color, decision.size or item.size),
            )
        )
    if decision.note:
        parts.append(replies.render("order_modify.change_remark", remark=decision.note))
    return CHANGE_SEPARATOR.join(parts)


def _what_text(shop: "Shop", address: Any, item: Any, note: Any) -> str:
    keys = [
        k for k, given in (("what_address", address), ("what_item", item), ("what_remark", note)) if given
    ]
    return LIST_SEPARATOR.join(shop.replies.render(f"order_modify.{k}") for k in keys)


def decide_modification(
    shop: "Shop",
    order: OrderView,
    now: datetime,
    *,
    address: Optional[str] = None,
    color: Optional[str] = None,
    size: Optional[str] = None,
    remark: Optional[str] = None,
    item_index: int = 0,
) -> ModificationDecision:
    """Decide how to handle a change of address, colour/size or a remark, by the order's status.

    Unpaid: the buyer changes the address on Taobao (or re-orders for another colour/size); a remark
    is recorded after confirmation. Paid, not packed: confirm, then record. Packed: the warehouse
    must find the parcel (hand-off). Shipped: refuse the parcel or return it after receipt (an
    address change is handed off to try the courier). Signed for: exchange instead.

    Args:
        shop: the loaded shop.
        order: the order.
        now: the current time, timezone-aware.
        address: the new delivery address as the buyer wrote it.
        color, size: the new colour and/or size of the line ``item_index``.
        remark: a note the buyer wants on the order (发顺丰, 送礼不要放发票...).

    Returns:
        The decision; see ModificationDecision.
    """
    policy, replies = shop.policy, shop.replies
    address = (address or "").strip() or None
    remark = (remark or "").strip() or None
    color = (color or "").strip() or None
    size = str(size).strip().upper() if size not in (None, "") else None
    values = _base(shop, order)
    changes = [
        name
        for name, given in (("address", address), ("color", color), ("size", size), ("remark", remark))
        if given
    ]

    def decision(action: str, text: str, case: str, **more: Any) -> ModificationDecision:
        facts = _facts(order, case, changes=changes)
        if "hand_off_reason" in more:
            facts["hand_off_reason"] = more.pop("hand_off_reason")
        return ModificationDecision(action=action, text=text, facts=facts, **more)

    if not changes:
        return decision("ask", replies.render("order_modify.ask", **values), "ask")

    item_change = bool(color or size)
    if item_change and not 0 <= item_index < len(order.items):
        return decision("ask", replies.render("order_modify.ask", **values), "ask")
    what = _what_text(shop, address, item_change, remark)
    days = policy.returns.no_reason_days

    if order.status == CLOSED:
        return decision("refuse", replies.render("order_modify.refuse_closed", **values), "closed")
    if order.status == PACKED:
        text = replies.render("order_modify.refuse_packed", what=what, **values)
        return decision("refuse", text, "packed", hand_off_reason=HandOff.INTERCEPT)
    if order.status == SHIPPED:
        assert order.shipped_at is not None
        shipped = _day(shop, order.shipped_at, now)
        text = replies.render(
            "order_modify.refuse_shipped",
            what=what,
            shipped=shipped,
            courier=order.courier or "",
            days=days,
            **values,
        )
        if address:
            text = join_lines(text, replies.render("order_modify.redirect_try", courier=order.courier or ""))
            return decision("refuse", text, "shipped", hand_off_reason=HandOff.REDIRECT)
        return decision("refuse", text, "shipped")
    if order.status == SIGNED:
        return decision("refuse", replies.render("order_modify.refuse_signed", days=days, **values), "signed")

    item = order.items[item_index] if item_change else None
    product = _product(shop, item) if item else None
    if item and product is not None:
        if color and color not in product.colors:
            match = next((c for c in product.colors if color in c or c in color), None)
            if match is None:
                text = replies.render(
                    "order_modify.no_color",
                    product=_short_name(shop, item),
                    color=color,
                    colors=LIST_SEPARATOR.join(product.colors),
                )
                return decision("ask", text, "no_color")
            color = match
        if size and size not in product.sizes:
            text = replies.render(
                "order_modify.no_size",
                product=_short_name(shop, item),
                size=size,
                sizes=LIST_SEPARATOR.join(product.sizes),
            )
            return decision("ask", text, "no_size")

    if order.status == UNPAID and (address or item_change):
        lines = []
        if address:
            steps = STEP_SEPARATOR.join(policy.orders.address_self_service_steps)
            lines.append(replies.render("order_modify.self_address", steps=steps, **values))
        if item and item_change:
            lines.append(
                replies.render(
                    "order_modify.self_item",
                    product=_short_name(shop, item),
                    variant=_variant(color or item.color, size or item.size),
                    **values,
                )
            )
        return decision("self_service", join_lines(*lines), "unpaid")

    # Paid and not packed (or an unpaid order's remark): confirm, then record.
    if item and product is not None and product.stock is not None:
        new_color, new_size = color or item.color, size or item.size
        left = product.stock.get(new_color, {}).get(new_size)
        if left == 0:
            text = replies.render(
                "order_modify.sold_out",
                product=_short_name(shop, item),
                variant=_variant(new_color, new_size),
            )
            return decision("refuse", text, "sold_out")

    flags = policy.orders.flags
    flag = flags.address_change if address else flags.item_change if item_change else flags.other
    stamp = format_date(replies, _today(shop, now))
    remarks = []
    if address:
        remarks.append(replies.render("order_remarks.address", old=order.address, new=address, date=stamp))
    if item and item_change:
        remarks.append(
            replies.render(
                "order_remarks.item",
                product=_short_name(shop, item),
                date=stamp,
                old=_variant(item.color, item.size),
                new=_variant(color or item.color, size or item.size),
            )
        )
    if remark:
        remarks.append(replies.render("order_remarks.remark", remark=remark, date=stamp))
    draft = decision(
        "confirm",
        "",
        "confirm",
        flag=flag,
        remark="；".join(remarks),
        address=address,
        region=policy.canonical_region(address) if address else None,
        color=color,
        size=size,
        item_index=item_index,
        note=remark,
    )
    text = replies.render("order_modify.confirm", changes=_changes_text(shop, draft, order), **values)
    return replace(draft, text=text)


def decide_cancel(shop: "Shop", order: OrderView, now: datetime) -> ModificationDecision:
    """Decide how to handle "cancel my order", by the order's status.

    Unpaid: the buyer closes it on Taobao (agents do not close unpaid orders). Paid, not packed:
    confirm, then cancel with the refund note. Packed: the warehouse tries to intercept (hand-off).
    Shipped: refuse the parcel, or return it after receipt. Signed for: a return.
    """
    policy, replies = shop.policy, shop.replies
    values = _base(shop, order)
    days = policy.returns.no_reason_days

    def decision(
        action: str, key: str, case: str, hand_off: Optional[HandoffReason] = None, **more: Any
    ) -> ModificationDecision:
        facts = _facts(order, case, changes=["cancel"])
        if hand_off:
            facts["hand_off_reason"] = hand_off
        text = replies.render(f"order_cancel.{key}", **values, **more)
        return ModificationDecision(action=action, text=text, facts=facts, kind="cancel")

    if order.status == UNPAID:
        steps = STEP_SEPARATOR.join(policy.orders.cancel_self_service_steps)
        return decision("self_service", "self_service", UNPAID, steps=steps)
    if order.status == PAID:
        amount = yuan(order.total)
        stamp = format_date(replies, _today(shop, now))
        base = decision(
            "confirm", "confirm", "confirm", amount=amount, refund_note=policy.orders.refund_arrival_note
        )
        remark = replies.render("order_remarks.cancel", amount=amount, date=stamp)
        facts = {**base.facts, "amount": order.total}
        return replace(base, flag=policy.orders.flags.cancel, remark=remark, facts=facts)
    if order.status == PACKED:
        return decision("refuse", "packed", PACKED, hand_off=HandOff.INTERCEPT)
    if order.status == SHIPPED:
        assert order.shipped_at is not None
        shipped = _day(shop, order.shipped_at, now)
        return decision("refuse", "shipped", SHIPPED, shipped=shipped, courier=order.courier or "", days=days)
    if order.status == SIGNED:
        return decision("refuse", "signed", SIGNED, days=days)
    return decision("refuse", "closed", CLOSED)


def apply_modification(
    store: "OrderStore", shop: "Shop", order: OrderView, decision: ModificationDecision, by: str, at: datetime
) -> Answer:
    """Write a confirmed change or cancellation (with its flagged remark) and say it is done.

    If the order moved on meanwhile (packed between the question and the confirmation), nothing is
    written and the reply is the decision for its new status.

    Args:
        store: the order store.
        shop: the loaded shop.
        order: the order the decision was made on.
        decision: a ``confirm`` decision from decide_modification or decide_cancel.
        by: who confirmed (``buyer:<id>``, ``bot``, ``agent:<name>``).
        at: when, timezone-aware.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status`` (after the write), ``case``,
        ``applied`` (bool) and ``flag``.

    Raises:
        ValueError: the decision is not one to confirm.
    """
    if decision.action != "confirm":
        raise ValueError(f"only a 'confirm' decision can be applied, not {decision.action!r}")
    replies = shop.replies
    values = _base(shop, order)
    try:
        if decision.kind == "cancel":
            updated = store.cancel(order.id, by=by, at=at, flag=decision.flag, remark=decision.remark)
            text = replies.render(
                "order_cancel.done",
                amount=yuan(order.total),
                refund_note=shop.policy.orders.refund_arrival_note,
                **values,
            )
        else:
            remark: Optional[str] = decision.remark
            if decision.address:
                store.change_address(
                    order.id,
                    decision.address,
                    by=by,
                    at=at,
                    region=decision.region,
                    flag=decision.flag,
                    remark=remark,
                )
                remark = None  # one remark per confirmation, on its first change row
            if decision.color or decision.size:
                store.change_item(
                    order.id,
                    decision.item_index,
                    decision.color,
                    decision.size,
                    by=by,
                    at=at,
                    flag=decision.flag,
                    remark=remark,
                )
                remark = None
            if remark:
                store.add_remark(
                    order.id, remark, decision.flag or shop.policy.orders.flags.other, by=by, at=at
                )
            updated = store.find_by_id_for_staff(order.id) or order
            text = replies.render("order_modify.done", changes=_changes_text(shop, decision, order), **values)
    except OrderStateError:
        fresh = store.find_by_id_for_staff(order.id) or order
        if decision.kind == "cancel":
            redo = decide_cancel(shop, fresh, at)
        else:
            redo = decide_modification(
                shop,
                fresh,
                at,
                address=decision.address,
                color=decision.color,
                size=decision.size,
                remark=decision.note,
                item_index=decision.item_index,
            )
        return _answer(redo.text, {**redo.facts, "applied": False})
    facts = _facts(
        updated, "done", applied=True, flag=decision.flag, changes=decision.facts.get("changes", [])
    )
    return _answer(text, facts)


# -- returns, refunds, complaints -----------------------------------------------------------------


def _item_returnable(shop: "Shop", item: OrderItem) -> bool:
    product = _product(shop, item)
    if product is not None:
        return no_reason_returnable(shop.policy, product)
    return item.category not in shop.policy.returns.excluded_categories


def _return_values(shop: "Shop", order: OrderView, now: datetime) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Template values and facts about the no-reason window of a signed-for order."""
    policy, replies = shop.policy, shop.replies
    assert order.signed_at is not None
    signed_on = policy.local(order.signed_at).date()
    deadline = no_reason_deadline(policy, signed_on)
    days_since = (_today(shop, now) - signed_on).days
    values = {
        **_base(shop, order),
        "signed": _day(shop, order.signed_at, now),
        "days": policy.returns.no_reason_days,
        "deadline": format_date(replies, deadline),
        "days_since": days_since,
    }
    facts = {
        "days_since_signed": days_since,
        "deadline": deadline,
        "window_open": no_reason_window_open(policy, signed_on, now),
    }
    return values, facts


def answer_return_eligibility(
    shop: "Shop", order: OrderView, now: datetime, quality_problem: bool = False
) -> Answer:
    """Can this order be returned now, on what conditions, and who pays the postage back.

    The no-reason window runs ``returns.no_reason_days`` from the day after sign-for; excluded
    categories (and products marked ``returnable_no_reason: false``) are never returned without a
    quality problem; a quality problem inside the window is the shop's postage, after it a colleague
    looks at it. Not signed for yet: refuse the parcel, or cancel if it has not shipped.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status``, ``case``, ``eligible``,
        ``days_since_signed`` (None before sign-for), ``who_pays`` ('shop' / 'buyer' / None),
        ``deadline``, ``window_open``, ``insured``, ``excluded`` (product ids), ``hand_off_reason``.
    """
    policy, replies = shop.policy, shop.replies
    rules = policy.returns
    base = _base(shop, order)
    common = {
        "eligible": False,
        "days_since_signed": None,
        "who_pays": None,
        "deadline": None,
        "window_open": False,
        "insured": rules.freight_insurance.gifted_by_shop,
        "excluded": [],
    }
    if order.status in (UNPAID, PAID, PACKED):
        return _answer(
            replies.render("order_return.not_shipped", **base), _facts(order, "not_shipped", **common)
        )
    if order.status == SHIPPED:
        text = replies.render("order_return.in_transit", days=rules.no_reason_days, **base)
        return _answer(text, _facts(order, "in_transit", **common))
    if order.status == CLOSED:
        return _answer(replies.render("order_return.closed", **base), _facts(order, CLOSED, **common))

    values, window = _return_values(shop, order, now)
    facts = _facts(order, "", **{**common, **window})
    excluded = [i for i in order.items if not _item_returnable(shop, i)]
    facts["excluded"] = [i.product_id for i in excluded]
    shared = {
        "conditions": LIST_SEPARATOR.join(rules.conditions),
        "postage_max": yuan(rules.quality_postage_max),
        "payout_min": yuan(rules.freight_insurance.payout_min),
        "payout_max": yuan(rules.freight_insurance.payout_max),
        "cod": replies.render(
            "returns.cod_accepted" if rules.accept_cash_on_delivery else "returns.cod_refused"
        ),
        "steps": STEP_SEPARATOR.join(rules.filing_steps),
        "refund_days": rules.refund_days,
        "excluded_note": rules.excluded_note,
    }

    if quality_problem:
        facts["who_pays"] = "shop"
        if window["window_open"]:
            facts.update(case="eligible_quality", eligible=True)
            text = join_lines(
                replies.render("order_return.eligible_quality", **values),
                replies.render("order_return.quality_postage", **shared),
                replies.render("returns.how_to_file_quality", **shared),
            )
            return _answer(text, facts)
        facts.update(case="quality_late", hand_off_reason=HandOff.QUALITY_LATE)
        return _answer(replies.render("order_return.quality_late", **values), facts)

    if excluded and len(excluded) == len(order.items):
        first = excluded[0]
        facts["case"] = "excluded"
        text = replies.render(
            "returns.excluded", product=_short_name(shop, first), category=first.category, **shared
        )
        return _answer(text, facts)
    if not window["window_open"]:
        facts["case"] = "window_closed"
        return _answer(replies.render("order_return.window_closed", **values), facts)

    facts.update(case="eligible", eligible=True, who_pays="buyer")
    postage = (
        "returns.not_quality_insured" if rules.freight_insurance.gifted_by_shop else "returns.not_quality"
    )
    text = join_lines(
        replies.render("order_return.eligible", **values),
        replies.render("order_return.conditions", **shared),
        replies.render(postage, **shared),
        replies.render("returns.how_to_file_no_reason", **shared),
    )
    return _answer(text, facts)


def _kind_name(shop: "Shop", kind: str) -> str:
    return shop.replies.render(f"order_return.kind_{kind}")


def answer_return_request(
    store: "OrderStore",
    shop: "Shop",
    order: OrderView,
    now: datetime,
    reason: str,
    quality_problem: bool,
    kind: str,
    by: str,
) -> Answer:
    """Record a return or exchange request when the order is eligible, and tell the buyer how to file it.

    Not eligible: the eligibility reply says why (handed off for a quality problem past the window).
    An open request already: its status instead.

    Args:
        kind: ``return`` (退货退款), ``exchange`` (换货) or ``refund`` (仅退款).

    Returns:
        The reply; facts as answer_return_eligibility plus ``recorded`` (bool), ``kind`` and
        ``request_id`` when recorded.
    """
    if kind not in RETURN_KINDS:
        raise ValueError(f"unknown kind {kind!r}; one of {', '.join(RETURN_KINDS)}")
    policy, replies = shop.policy, shop.replies
    latest = order.latest_return
    if latest is not None and latest.open:
        answer = answer_refund_status(shop, order, now)
        return _answer(answer.text, {**answer.facts, "recorded": False, "kind": latest.kind})

    eligibility = answer_return_eligibility(shop, order, now, quality_problem=quality_problem)
    if kind == "exchange" and not policy.exchanges.available and eligibility.facts["eligible"]:
        return _answer(
            replies.render("exchange.unavailable"),
            {**eligibility.facts, "eligible": False, "recorded": False},
        )
    if not eligibility.facts["eligible"]:
        return _answer(eligibility.text, {**eligibility.facts, "recorded": False, "kind": kind})

    name = _kind_name(shop, kind)
    stamp = format_date(replies, _today(shop, now))
    remark = replies.render("order_remarks.return", kind=name, reason=reason, date=stamp)
    try:
        request = store.request_return(
            order.id,
            kind,
            reason,
            quality_problem,
            by=by,
            at=now,
            flag=policy.orders.flags.after_sale,
            remark=remark,
        )
    except OrderStateError:
        fresh = store.find_by_id_for_staff(order.id) or order
        answer = answer_refund_status(shop, fresh, now)
        return _answer(answer.text, {**answer.facts, "recorded": False, "kind": kind})

    rules = policy.returns
    shared = {
        "steps": STEP_SEPARATOR.join(rules.filing_steps),
        "refund_days": rules.refund_days,
        "postage_max": yuan(rules.quality_postage_max),
        "payout_min": yuan(rules.freight_insurance.payout_min),
        "payout_max": yuan(rules.freight_insurance.payout_max),
    }
    if kind == "exchange":
        how = replies.render("order_return.exchange_steps", steps=STEP_SEPARATOR.join(policy.exchanges.steps))
    elif quality_problem:
        how = replies.render("returns.how_to_file_quality", **shared)
    else:
        how = replies.render("returns.how_to_file_no_reason", **shared)
    if quality_problem:
        postage = replies.render("order_return.quality_postage", **shared)
    else:
        key = (
            "returns.not_quality_insured" if rules.freight_insurance.gifted_by_shop else "returns.not_quality"
        )
        postage = replies.render(key, **shared)
    text = join_lines(replies.render("order_return.recorded", kind=name, **_base(shop, order)), how, postage)
    facts = {**eligibility.facts, "recorded": True, "kind": kind, "request_id": request.id}
    return _answer(text, facts)


def answer_refund_status(shop: "Shop", order: OrderView, now: datetime) -> Answer:
    """Where the order's latest return, exchange or refund request stands.

    A refund still not paid ``returns.refund_days`` after the warehouse received the goods is
    late: apology and hand-off.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status``, ``case`` (the request's status,
        ``none`` or ``late``), ``request_status``, ``kind``, ``amount``, ``refund_by``,
        ``hand_off_reason``.
    """
    policy, replies = shop.policy, shop.replies
    request = order.latest_return
    values: Dict[str, Any] = {
        **_base(shop, order),
        "refund_days": policy.returns.refund_days,
        "refund_note": policy.orders.refund_arrival_note,
        "kind": "",
        "date": "",
        "refund_by": "",
        "amount": "",
    }
    if request is None:
        facts = _facts(order, "none", request_status=None, kind=None, amount=None, refund_by=None)
        return _answer(replies.render("order_refund.none", **values), facts)

    values.update(
        kind=_kind_name(shop, request.kind),
        amount=yuan(request.amount),
        date=format_date(replies, policy.local(request.updated_at).date()),
    )
    facts = _facts(
        order,
        request.status,
        request_status=request.status,
        kind=request.kind,
        amount=request.amount,
        refund_by=None,
    )
    key = request.status
    if request.status == "requested":
        values["date"] = format_date(replies, policy.local(request.created_at).date())
    elif request.status == "returned":
        refund_by = policy.local(request.updated_at).date() + timedelta(days=policy.returns.refund_days)
        values["refund_by"] = format_date(replies, refund_by)
        facts["refund_by"] = refund_by
        if request.kind == "exchange":
            key = "exchange_returned"
        elif _today(shop, now) > refund_by:
            key = "late"
            facts.update(case="late", hand_off_reason=HandOff.REFUND_LATE)
    elif request.status == "rejected":
        facts["hand_off_reason"] = HandOff.REFUND_REJECTED
    return _answer(replies.render(f"order_refund.{key}", **values), facts)


def answer_quality_complaint(
    store: "OrderStore",
    shop: "Shop",
    order: OrderView,
    now: datetime,
    kind: str,
    description: Optional[str],
    by: str,
) -> Answer:
    """Apologise for a problem with the goods, ask for details or photos, record it, hand it off.

    Args:
        kind: wrong_item, missing_item, damaged, color_difference or other.
        description: what the buyer said was wrong; None or empty asks for it.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status``, ``case``, ``kind``,
        ``recorded``, ``complaint_id``, ``priority`` ('high') and ``hand_off_reason`` (always).
    """
    if kind not in COMPLAINT_KINDS:
        kind = "other"
    policy, replies = shop.policy, shop.replies
    values = {**_base(shop, order), "postage_max": yuan(policy.returns.quality_postage_max)}
    description = (description or "").strip()
    facts = _facts(
        order,
        kind,
        kind=kind,
        recorded=False,
        complaint_id=None,
        priority="high",
        hand_off_reason=complaint_reason(kind),
    )
    if order.status not in (SHIPPED, SIGNED):
        facts["case"] = "not_shipped"
        return _answer(replies.render("order_complaint.not_shipped", **values), facts)

    stamp = format_date(replies, _today(shop, now))
    remark = replies.render(
        "order_remarks.complaint", kind=COMPLAINT_LABELS[kind], description=description or "-", date=stamp
    )
    complaint = store.record_complaint(
        order.id,
        kind,
        description,
        by=by,
        at=now,
        priority="high",
        flag=policy.orders.flags.after_sale,
        remark=remark,
    )
    facts.update(recorded=True, complaint_id=complaint.id)
    if not description:
        ask = replies.render("order_complaint.ask_details", **values)
    elif policy.returns.quality_needs_photos:
        ask = replies.render("order_complaint.ask_photo", **values)
    else:
        ask = None
    text = join_lines(
        replies.render(f"order_complaint.{kind}", **values),
        ask,
        replies.render("order_complaint.recorded", **values),
    )
    return _answer(text, facts)
