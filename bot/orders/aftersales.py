"""After the parcel: whether an order can be returned or exchanged, recording a return request, refund
progress, and complaints about the goods (always handed to a colleague)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Dict, Optional, Tuple

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
from bot.orders.wording import (
    COMPLAINT_LABELS,
    LIST_SEPARATOR,
    STEP_SEPARATOR,
    HandOff,
    answer_from,
    complaint_reason,
    day_words,
    local_today,
    order_facts,
    order_values,
    product_of,
    short_name,
)
from bot.shop.fields import yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.returns import no_reason_deadline, no_reason_returnable, no_reason_window_open
from bot.shop.stock import match_colors, match_size, variant_stock
from bot.shop.workdays import format_date

if TYPE_CHECKING:
    from bot.orders.store import OrderStore
    from bot.shop.loading import Shop


# -- returns, refunds, complaints -----------------------------------------------------------------


def _item_returnable(shop: "Shop", item: OrderItem) -> bool:
    product = product_of(shop, item)
    if product is not None:
        return no_reason_returnable(shop.policy, product)
    return item.category not in shop.policy.returns.excluded_categories


def _return_values(shop: "Shop", order: OrderView, now: datetime) -> Tuple[Dict[str, Any], Dict[str, Any]]:
    """Template values and facts about the no-reason window of a signed-for order."""
    policy, replies = shop.policy, shop.replies
    assert order.signed_at is not None
    signed_on = policy.local(order.signed_at).date()
    deadline = no_reason_deadline(policy, signed_on)
    days_since = (local_today(shop, now) - signed_on).days
    values = {
        **order_values(shop, order),
        "signed": day_words(shop, order.signed_at, now),
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
    base = order_values(shop, order)
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
        return answer_from(
            replies.render("order_return.not_shipped", **base), order_facts(order, "not_shipped", **common)
        )
    if order.status == SHIPPED:
        text = replies.render("order_return.in_transit", days=rules.no_reason_days, **base)
        return answer_from(text, order_facts(order, "in_transit", **common))
    if order.status == CLOSED:
        return answer_from(replies.render("order_return.closed", **base), order_facts(order, CLOSED, **common))

    values, window = _return_values(shop, order, now)
    facts = order_facts(order, "", **{**common, **window})
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
            return answer_from(text, facts)
        facts.update(case="quality_late", hand_off_reason=HandOff.QUALITY_LATE)
        return answer_from(replies.render("order_return.quality_late", **values), facts)

    if excluded and len(excluded) == len(order.items):
        first = excluded[0]
        facts["case"] = "excluded"
        text = replies.render(
            "returns.excluded", product=short_name(shop, first), category=first.category, **shared
        )
        return answer_from(text, facts)
    if not window["window_open"]:
        facts["case"] = "window_closed"
        return answer_from(replies.render("order_return.window_closed", **values), facts)

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
    return answer_from(text, facts)


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
        return answer_from(answer.text, {**answer.facts, "recorded": False, "kind": latest.kind})

    eligibility = answer_return_eligibility(shop, order, now, quality_problem=quality_problem)
    if kind == "exchange" and not policy.exchanges.available and eligibility.facts["eligible"]:
        return answer_from(
            replies.render("exchange.unavailable"),
            {**eligibility.facts, "eligible": False, "recorded": False},
        )
    if not eligibility.facts["eligible"]:
        return answer_from(eligibility.text, {**eligibility.facts, "recorded": False, "kind": kind})

    name = _kind_name(shop, kind)
    stamp = format_date(replies, local_today(shop, now))
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
        return answer_from(answer.text, {**answer.facts, "recorded": False, "kind": kind})

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
    text = join_lines(replies.render("order_return.recorded", kind=name, **order_values(shop, order)), how, postage)
    facts = {**eligibility.facts, "recorded": True, "kind": kind, "request_id": request.id}
    return answer_from(text, facts)


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
        **order_values(shop, order),
        "refund_days": policy.returns.refund_days,
        "refund_note": policy.orders.refund_arrival_note,
        "kind": "",
        "date": "",
        "refund_by": "",
        "amount": "",
    }
    if request is None:
        facts = order_facts(order, "none", request_status=None, kind=None, amount=None, refund_by=None)
        return answer_from(replies.render("order_refund.none", **values), facts)

    values.update(
        kind=_kind_name(shop, request.kind),
        amount=yuan(request.amount),
        date=format_date(replies, policy.local(request.updated_at).date()),
    )
    facts = order_facts(
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
        elif local_today(shop, now) > refund_by:
            key = "late"
            facts.update(case="late", hand_off_reason=HandOff.REFUND_LATE)
    elif request.status == "rejected":
        facts["hand_off_reason"] = HandOff.REFUND_REJECTED
    return answer_from(replies.render(f"order_refund.{key}", **values), facts)


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
    values = {**order_values(shop, order), "postage_max": yuan(policy.returns.quality_postage_max)}
    description = (description or "").strip()
    facts = order_facts(
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
        return answer_from(replies.render("order_complaint.not_shipped", **values), facts)

    stamp = format_date(replies, local_today(shop, now))
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
    return answer_from(text, facts)


def exchange_target(shop: "Shop", item: OrderItem, color: Optional[str], size: Optional[str],
                    direction: Optional[str]) -> Tuple[str, str]:
    """The colour and size a buyer wants instead of an item's: named (换军绿色, 换2xl), or one size up or down
    (换个小号, 大一码); what is not named stays as bought."""
    product = product_of(shop, item)
    new_color, new_size = item.color, item.size
    if product is not None:
        if color:
            matches = match_colors(product, color)
            new_color = matches[0] if matches else color
        sizes = list(product.sizes)
        if size and match_size(product, size):
            new_size = match_size(product, size) or new_size
        elif direction in ("smaller", "larger") and item.size in sizes:
            step = -1 if direction == "smaller" else 1
            index = sizes.index(item.size) + step
            if 0 <= index < len(sizes):
                new_size = sizes[index]
    return new_color, new_size


def answer_exchange_request(
    store: "OrderStore", shop: "Shop", order: OrderView, now: datetime, *, color: Optional[str] = None,
    size: Optional[str] = None, direction: Optional[str] = None, by: str,
) -> Answer:
    """An exchange of a signed-for order's item for another colour or size: whether it can be done (the no-reason
    window, the category), whether the wanted one is in stock (else its restock date, the colours that have that
    size, or a return instead), and, when it can, the request recorded with the steps and who pays the postage.

    Args:
        color, size: the colour and size wanted (as the buyer named them), if named.
        direction: ``smaller`` or ``larger`` for 换个小号 / 大一码.
        by: who records it (``buyer:<id>``).

    Returns:
        The reply; facts as answer_return_eligibility plus ``target`` ((colour, size)), ``available`` (the
        wanted variant in stock), ``recorded``.
    """
    policy, replies = shop.policy, shop.replies
    eligibility = answer_return_eligibility(shop, order, now)
    if not eligibility.facts["eligible"]:
        return answer_from(eligibility.text, {**eligibility.facts, "recorded": False})
    if not policy.exchanges.available:
        return answer_from(replies.render("exchange.unavailable"), {**eligibility.facts, "recorded": False})
    latest = order.latest_return
    if latest is not None and latest.open:
        answer = answer_refund_status(shop, order, now)
        return answer_from(answer.text, {**answer.facts, "recorded": False})
    item = order.items[0]
    product = product_of(shop, item)
    new_color, new_size = exchange_target(shop, item, color, size, direction)
    values = {**order_values(shop, order), "variant": f"{new_color}{new_size}", "days": policy.exchanges.window_days,
              "when_sold_out": policy.exchanges.when_sold_out or ""}
    facts = {**eligibility.facts, "target": (new_color, new_size), "recorded": False}
    if (new_color, new_size) == (item.color, item.size):
        return answer_from(replies.render("order_exchange.ask_target", **values), {**facts, "available": None})
    stock = variant_stock(product, new_color, new_size) if product is not None else None
    if stock is not None and stock.status == "sold_out":
        others = [c for c in product.colors if c != new_color and variant_stock(product, c, new_size).available]
        restock = (replies.render("order_exchange.restock", date=format_date(replies, stock.restock))
                   if stock.restock else "")
        lines = [replies.render("order_exchange.sold_out", restock=restock, **values)]
        if others:
            lines.append(replies.render("order_exchange.others", colors=LIST_SEPARATOR.join(others), size=new_size,
                                        **values))
        lines.append(replies.render("order_exchange.or_return", **values))
        return answer_from(join_lines(*lines), {**facts, "available": False})
    reason = replies.render("order_exchange.reason", **values)
    stamp = format_date(replies, local_today(shop, now))
    remark = replies.render("order_remarks.return", kind=_kind_name(shop, "exchange"), reason=reason, date=stamp)
    try:
        request = store.request_return(order.id, "exchange", reason, False, by=by, at=now,
                                       flag=policy.orders.flags.after_sale, remark=remark)
    except OrderStateError:
        fresh = store.find_by_id_for_staff(order.id) or order
        answer = answer_refund_status(shop, fresh, now)
        return answer_from(answer.text, {**answer.facts, "recorded": False})
    insurance = policy.returns.freight_insurance
    postage_key = "exchange.postage_insured" if insurance.gifted_by_shop else "exchange.postage"
    payer = {True: replies.render("exchange.payer_buyer"), False: replies.render("exchange.payer_shop")}
    text = join_lines(
        replies.render("order_exchange.recorded", **values),
        replies.render("order_return.exchange_steps", steps=STEP_SEPARATOR.join(policy.exchanges.steps)),
        replies.render(postage_key, return_payer=payer[policy.exchanges.buyer_pays_return],
                       resend_payer=payer[not policy.exchanges.shop_pays_resend], payout_min=yuan(insurance.payout_min),
                       payout_max=yuan(insurance.payout_max)),
    )
    return answer_from(text, {**facts, "available": True, "recorded": True, "request_id": request.id})
