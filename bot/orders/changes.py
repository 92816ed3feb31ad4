"""Changing or cancelling an order, by its state: unpaid, how to do it yourself; paid and not packed, ask
first, then write the change with a flagged remark; packed or shipped, why not, and a colleague (拦截改单/快递改派)."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, Dict, List, Optional

from bot.handoff.reasons import HandoffReason
from bot.orders.model import (
    CLOSED,
    PACKED,
    PAID,
    SHIPPED,
    SIGNED,
    UNPAID,
    OrderStateError,
    OrderView,
)
from bot.orders.wording import (
    CHANGE_SEPARATOR,
    LIST_SEPARATOR,
    STEP_SEPARATOR,
    HandOff,
    answer_from,
    day_words,
    local_today,
    order_facts,
    order_values,
    product_of,
    short_name,
    variant_words,
)
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.workdays import format_date

if TYPE_CHECKING:
    from bot.orders.store import OrderStore
    from bot.shop.loading import Shop


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
                product=short_name(shop, item),
                variant=variant_words(decision.color or item.color, decision.size or item.size),
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
    wants_address: bool = False,
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
        wants_address: the buyer says the address must change (地址写错了) without giving the new one yet:
            unpaid, how to change it themselves; paid, asked for the new address; later, why it cannot be.

    Returns:
        The decision; see ModificationDecision.
    """
    policy, replies = shop.policy, shop.replies
    address = (address or "").strip() or None
    remark = (remark or "").strip() or None
    color = (color or "").strip() or None
    size = str(size).strip().upper() if size not in (None, "") else None
    values = order_values(shop, order)
    changes = [
        name
        for name, given in (("address", address), ("color", color), ("size", size), ("remark", remark))
        if given
    ]

    address_change = bool(address)

    def decision(action: str, text: str, case: str, **more: Any) -> ModificationDecision:
        facts = order_facts(order, case, changes=changes)
        if "hand_off_reason" in more:
            facts["hand_off_reason"] = more.pop("hand_off_reason")
        return ModificationDecision(action=action, text=text, facts=facts, **more)

    if not changes and wants_address and order.status in (UNPAID, PAID):
        if order.status == UNPAID:
            steps = STEP_SEPARATOR.join(policy.orders.address_self_service_steps)
            return decision("self_service", replies.render("order_modify.self_address", steps=steps, **values),
                            "unpaid")
        return decision("ask", replies.render("order_modify.ask_address", **values), "ask_address")
    if not changes and not wants_address:
        return decision("ask", replies.render("order_modify.ask", **values), "ask")
    # From here on the order is past changing by the buyer or the bot; an address said to be wrong counts as an
    # address change even before the new one is given.
    address_change = bool(address) or wants_address

    item_change = bool(color or size)
    if item_change and not 0 <= item_index < len(order.items):
        return decision("ask", replies.render("order_modify.ask", **values), "ask")
    what = _what_text(shop, address_change, item_change, remark)
    days = policy.returns.no_reason_days

    if order.status == CLOSED:
        return decision("refuse", replies.render("order_modify.refuse_closed", **values), "closed")
    if order.status == PACKED:
        text = replies.render("order_modify.refuse_packed", what=what, **values)
        return decision("refuse", text, "packed", hand_off_reason=HandOff.INTERCEPT)
    if order.status == SHIPPED:
        assert order.shipped_at is not None
        shipped = day_words(shop, order.shipped_at, now)
        text = replies.render(
            "order_modify.refuse_shipped",
            what=what,
            shipped=shipped,
            courier=order.courier or "",
            days=days,
            **values,
        )
        if address_change:
            text = join_lines(text, replies.render("order_modify.redirect_try", courier=order.courier or ""))
            return decision("refuse", text, "shipped", hand_off_reason=HandOff.REDIRECT)
        return decision("refuse", text, "shipped")
    if order.status == SIGNED:
        return decision("refuse", replies.render("order_modify.refuse_signed", days=days, **values), "signed")

    item = order.items[item_index] if item_change else None
    product = product_of(shop, item) if item else None
    if item and product is not None:
        if color and color not in product.colors:
            match = next((c for c in product.colors if color in c or c in color), None)
            if match is None:
                text = replies.render(
                    "order_modify.no_color",
                    product=short_name(shop, item),
                    color=color,
                    colors=LIST_SEPARATOR.join(product.colors),
                )
                return decision("ask", text, "no_color")
            color = match
        if size and size not in product.sizes:
            text = replies.render(
                "order_modify.no_size",
                product=short_name(shop, item),
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
                    product=short_name(shop, item),
                    variant=variant_words(color or item.color, size or item.size),
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
                product=short_name(shop, item),
                variant=variant_words(new_color, new_size),
            )
            return decision("refuse", text, "sold_out")

    flags = policy.orders.flags
    flag = flags.address_change if address else flags.item_change if item_change else flags.other
    stamp = format_date(replies, local_today(shop, now))
    remarks = []
    if address:
        remarks.append(replies.render("order_remarks.address", old=order.address, new=address, date=stamp))
    if item and item_change:
        remarks.append(
            replies.render(
                "order_remarks.item",
                product=short_name(shop, item),
                date=stamp,
                old=variant_words(item.color, item.size),
                new=variant_words(color or item.color, size or item.size),
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
    values = order_values(shop, order)
    days = policy.returns.no_reason_days

    def decision(
        action: str, key: str, case: str, hand_off: Optional[HandoffReason] = None, **more: Any
    ) -> ModificationDecision:
        facts = order_facts(order, case, changes=["cancel"])
        if hand_off:
            facts["hand_off_reason"] = hand_off
        text = replies.render(f"order_cancel.{key}", **values, **more)
        return ModificationDecision(action=action, text=text, facts=facts, kind="cancel")

    if order.status == UNPAID:
        steps = STEP_SEPARATOR.join(policy.orders.cancel_self_service_steps)
        return decision("self_service", "self_service", UNPAID, steps=steps)
    if order.status == PAID:
        amount = yuan(order.total)
        stamp = format_date(replies, local_today(shop, now))
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
        shipped = day_words(shop, order.shipped_at, now)
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
    values = order_values(shop, order)
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
        return answer_from(redo.text, {**redo.facts, "applied": False})
    facts = order_facts(
        updated, "done", applied=True, flag=decision.flag, changes=decision.facts.get("changes", [])
    )
    return answer_from(text, facts)
