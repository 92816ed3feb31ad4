"""Where an order is: not paid, ships by..., shipped with the latest scan and the expected arrival, signed for;
a late parcel is apologised for and handed to a colleague (催件)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Optional

from bot.orders.model import (
    CLOSED,
    PACKED,
    PAID,
    SHIPPED,
    SIGNED,
    UNPAID,
    OrderView,
)
from bot.orders.wording import (
    HandOff,
    answer_from,
    day_words,
    local_today,
    moment_words,
    order_facts,
    order_values,
)
from bot.shop.fields import hhmm
from bot.shop.replies import Answer, join_lines
from bot.shop.shipping import days_range
from bot.shop.workdays import day_with_date, dispatch_date, format_date

if TYPE_CHECKING:
    from bot.shop.loading import Shop


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
    late = order.status == SHIPPED and local_today(shop, now) > latest + timedelta(
        days=policy.orders.late_after_days
    )
    return DeliveryEstimate(order.region, days_min, days_max, latest, late)


def answer_track_order(shop: "Shop", order: OrderView, now: datetime, aspect: str = "") -> Answer:
    """Where an order is, in words: not paid, ships on …, packed, on its way (last scan, arrival), signed.

    A parcel late against the delivery estimate gets an apology and a hand-off to chase the courier.

    Args:
        shop: the loaded shop.
        order: the order.
        now: the current time, timezone-aware.
        aspect: ``arrival`` for 哪天能到 about a parcel on its way: only when it should arrive.

    Returns:
        The reply; facts hold ``order_id``, ``tail``, ``status``, ``case`` (the status, or
        ``paid_overdue`` / ``late``), and as they apply ``dispatch_date``, ``courier``,
        ``tracking_no``, ``last_event`` (text), ``last_event_at``, ``arrival_latest``, ``late``,
        ``hand_off_reason``.
    """
    policy, replies = shop.policy, shop.replies
    values = order_values(shop, order)
    today = local_today(shop, now)
    values.update(courier=order.courier or "", tracking_no=order.tracking_no or "")

    if order.status == UNPAID:
        ships = dispatch_date(policy, now)
        values.update(when=day_with_date(replies, ships, today), cutoff=hhmm(policy.dispatch.cutoff))
        return answer_from(
            replies.render("order_track.unpaid", **values), order_facts(order, UNPAID, dispatch_date=ships)
        )

    if order.status == PAID:
        ships = dispatch_date(policy, order.paid_at or now)
        values["when"] = day_with_date(replies, ships, today)
        if ships < today:
            facts = order_facts(order, "paid_overdue", dispatch_date=ships, hand_off_reason=HandOff.DISPATCH_LATE)
            return answer_from(replies.render("order_track.paid_overdue", **values), facts)
        return answer_from(replies.render("order_track.paid", **values), order_facts(order, PAID, dispatch_date=ships))

    if order.status == PACKED:
        facts = order_facts(order, PACKED, courier=order.courier, tracking_no=order.tracking_no)
        return answer_from(replies.render("order_track.packed", **values), facts)

    if order.status == SHIPPED:
        estimate = delivery_estimate(shop, order, now)
        assert estimate is not None and order.shipped_at is not None
        event = order.last_event
        values.update(
            shipped=day_words(shop, order.shipped_at, now),
            arrival=format_date(replies, estimate.arrival_latest),
            region=estimate.region,
            days=days_range(estimate.days_min, estimate.days_max),
        )
        facts = order_facts(
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
                "order_track.last_event", event_time=moment_words(shop, event.at, now), event=event.text
            )
            if event
            else replies.render("order_track.no_events")
        )
        if aspect == "arrival" and not estimate.late:
            return answer_from(replies.render("order_track.arrival_only", **values), facts)
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
        return answer_from(text, facts)

    if order.status == SIGNED:
        assert order.signed_at is not None
        values["signed"] = moment_words(shop, order.signed_at, now)
        facts = order_facts(
            order, SIGNED, signed_at=order.signed_at, courier=order.courier, tracking_no=order.tracking_no
        )
        return answer_from(replies.render("order_track.signed", **values), facts)

    return answer_from(replies.render("order_track.closed", **values), order_facts(order, CLOSED))
