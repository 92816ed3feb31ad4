"""Shipping answers: when an order ships and arrives, what postage costs, which courier carries it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple, Union

from bot.shop.fields import as_amount, hhmm, yuan
from bot.shop.replies import Answer, join_lines
from bot.shop.schema import Courier, DeliveryZone, Holiday, Policy
from bot.shop.workdays import (
    day_label,
    day_with_date,
    dispatch_date,
    format_date,
    holiday_between,
    is_dispatch_day,
    next_dispatch_day,
    weekday_name,
)

if TYPE_CHECKING:
    from bot.shop.loading import Shop

LIST_SEPARATOR = "、"


def days_range(low: int, high: int) -> str:
    """``1-2`` for a range of days, ``3`` when both ends agree."""
    return str(low) if low == high else f"{low}-{high}"


def _zone_summary(policy: Policy) -> Dict[str, str]:
    # The first zone is the one around the warehouse (policy.yml says so); the rest are summed up
    # as one range, so a buyer who gave no region gets two numbers, not a table.
    nearest, others = policy.delivery_zones[0], policy.delivery_zones[1:] or policy.delivery_zones[:1]
    return {
        "nearest_zone": nearest.name,
        "nearest_days": days_range(nearest.days_min, nearest.days_max),
        "other_days": days_range(min(z.days_min for z in others), max(z.days_max for z in others)),
    }


def delivery_estimate(policy: Policy, region: str) -> Optional[DeliveryZone]:
    """The delivery zone (with its day range) for a region as the buyer wrote it.

    Args:
        policy: the shop policy.
        region: 新疆, 新疆维吾尔自治区, 乌鲁木齐...

    Returns:
        The zone, or None when the region is unknown.
    """
    canonical = policy.canonical_region(region)
    return policy.zone_of(canonical) if canonical else None


def time_to_cutoff(local: datetime, cutoff: time) -> str:
    """How long until today's cut-off, as a buyer reads it (``40分钟``, ``2小时5分钟``); "" once past it."""
    seconds = (datetime.combine(local.date(), cutoff, tzinfo=local.tzinfo) - local).total_seconds()
    if seconds <= 0:
        return ""
    minutes = -(-int(seconds) // 60)  # rounded up: 30 seconds left is still "1分钟"
    hours, rest = divmod(minutes, 60)
    return (f"{hours}小时" if hours else "") + (f"{rest}分钟" if rest else "")


def answer_shipping_time(shop: "Shop", now: datetime, region: Optional[str] = None) -> Answer:
    """When an order paid now ships, and (for a region) how long delivery takes.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware.
        region: the delivery region as the buyer wrote it, if any.

    Returns:
        The reply; facts hold ``dispatch_date``, ``ships_today``, ``case`` (which rule applied:
        today / after_cutoff / rest_day / before_holiday / holiday_closure), ``holiday``, and for a
        known region ``region``, ``days_min``, ``days_max``, ``arrival_earliest``, ``arrival_latest``.
    """
    policy, replies = shop.policy, shop.replies
    local = policy.local(now)
    today = local.date()
    ships = dispatch_date(policy, now)
    values: Dict[str, Any] = {
        "now_time": hhmm(local.time()),
        "time_left": time_to_cutoff(local, policy.dispatch.cutoff),
        "cutoff": hhmm(policy.dispatch.cutoff),
        "when": day_with_date(replies, ships, today),
        "day_label": day_label(replies, ships, today),
        "date": format_date(replies, ships),
        "weekday": weekday_name(today),
    }
    holiday = policy.holiday_on(today) or holiday_between(policy, today, ships)
    if ships == today:
        case = "today"
        holiday = None
    elif holiday is not None and policy.holiday_on(today) is None and is_dispatch_day(policy, today):
        case = "before_holiday"
    elif holiday is not None:
        case = "holiday_closure"
    elif is_dispatch_day(policy, today):
        case = "after_cutoff"
    else:
        case = "rest_day"
    if holiday is not None:
        values.update(
            holiday=holiday.name,
            holiday_start=format_date(replies, holiday.start),
            holiday_end=format_date(replies, holiday.end),
            holiday_note=holiday.note,
        )
    facts: Dict[str, Any] = {
        "case": case,
        "dispatch_date": ships,
        "ships_today": ships == today,
        "cutoff": policy.dispatch.cutoff,
        "holiday": holiday.name if holiday else None,
        "region": None,
    }
    first = replies.render(f"shipping_time.{case}", **values)

    summary = _zone_summary(policy)
    if region:
        canonical = policy.canonical_region(region)
        zone = policy.zone_of(canonical) if canonical else None
        if zone is not None:
            second = replies.render(
                "shipping_time.delivery_region",
                region=canonical,
                zone=zone.name,
                days=days_range(zone.days_min, zone.days_max),
            )
            facts.update(
                region=canonical,
                zone=zone.name,
                days_min=zone.days_min,
                days_max=zone.days_max,
                arrival_earliest=ships + timedelta(days=zone.days_min),
                arrival_latest=ships + timedelta(days=zone.days_max),
            )
        else:
            second = replies.render("shipping_time.delivery_unknown_region", region=region, **summary)
            facts["unknown_region"] = region
    else:
        second = replies.render("shipping_time.delivery_general", **summary)
    return Answer(text=join_lines(first, second), facts=facts)


def answer_cutoff(shop: "Shop") -> Answer:
    """The daily cut-off: paid before it ships that day (a dispatch day), after it the next dispatch day."""
    policy = shop.policy
    text = shop.replies.render(
        "shipping_time.cutoff",
        cutoff=hhmm(policy.dispatch.cutoff),
        weekdays=LIST_SEPARATOR.join(policy.dispatch.weekdays),
    )
    return Answer(text=text, facts={"cutoff": policy.dispatch.cutoff})


def answer_delivery_days(shop: "Shop", region: str) -> Answer:
    """How long a parcel takes from the warehouse to a region, alone (for an order already placed)."""
    policy = shop.policy
    canonical = policy.canonical_region(region)
    zone = policy.zone_of(canonical) if canonical else None
    if zone is None:
        return Answer(text=shop.replies.render("shipping_time.delivery_general", **_zone_summary(policy)),
                      facts={"region": None})
    text = shop.replies.render("shipping_time.delivery_only", region=canonical, warehouse=policy.shop.warehouse,
                               days=days_range(zone.days_min, zone.days_max))
    return Answer(text=text, facts={"region": canonical, "days_min": zone.days_min, "days_max": zone.days_max})


def answer_warehouse(shop: "Shop") -> Answer:
    """Where parcels ship from."""
    return Answer(text=shop.replies.render("shipping_time.warehouse", warehouse=shop.policy.shop.warehouse),
                  facts={"warehouse": shop.policy.shop.warehouse})


def answer_holiday(shop: "Shop", now: datetime, holiday: Holiday) -> Answer:
    """A coming closure asked about by name (元旦还发货吗, 五一放假吗): its days, the last moment to pay for an
    order to leave before it, what its note says, and the human agents' hours meanwhile. During the closure
    itself, the usual answer (when an order paid now ships) says it all."""
    policy, replies = shop.policy, shop.replies
    today = policy.local(now).date()
    if holiday.covers(today):
        return answer_shipping_time(shop, now)
    last_day = holiday.start - timedelta(days=1)
    while not is_dispatch_day(policy, last_day) and last_day > today:
        last_day -= timedelta(days=1)
    values = {
        "holiday": holiday.name,
        "holiday_start": format_date(replies, holiday.start),
        "holiday_end": format_date(replies, holiday.end),
        "holiday_note": holiday.note,
        "last_day": day_with_date(replies, last_day, today),
        "cutoff": hhmm(policy.dispatch.cutoff),
    }
    lines = [replies.render("shipping_time.holiday_named", **values)]
    if holiday.agents_off:
        lines.append(replies.render("shipping_time.holiday_agents_off", **values))
    elif holiday.agent_hours is not None:
        lines.append(replies.render("shipping_time.holiday_agents", start=hhmm(holiday.agent_hours.start),
                                    end=hhmm(holiday.agent_hours.end), **values))
    facts = {"holiday": holiday.name, "last_dispatch_day": last_day, "start": holiday.start, "end": holiday.end}
    return Answer(text=join_lines(*lines), facts=facts)


def answer_paying_later(shop: "Shop", now: datetime, at: Union[datetime, date]) -> Answer:
    """When an order paid at a later moment (五点以后, 明天上午) ships; for a whole day named without a time
    (周六拍, 后天付款), when it ships paid before and after that day's cut-off."""
    policy, replies = shop.policy, shop.replies
    local_now = policy.local(now)
    if not isinstance(at, datetime):
        label = day_label(replies, at, local_now.date())
        if is_dispatch_day(policy, at):
            after_cutoff = next_dispatch_day(policy, at)
            text = replies.render("shipping_time.later_day_ships", day=label, cutoff=hhmm(policy.dispatch.cutoff),
                                  when=day_with_date(replies, after_cutoff, local_now.date()))
            return Answer(text=text, facts={"dispatch_date": at, "after_cutoff": after_cutoff, "at": at})
        ships = next_dispatch_day(policy, at)
        text = replies.render("shipping_time.later_day_rest", day=label,
                              when=day_with_date(replies, ships, local_now.date()))
        return Answer(text=text, facts={"dispatch_date": ships, "at": at})
    local_at = policy.local(at)
    ships = dispatch_date(policy, at)
    day = day_label(replies, local_at.date(), local_now.date()) if local_at.date() != local_now.date() else ""
    values = {
        "at_time": day + hhmm(local_at.time()),
        "cutoff": hhmm(policy.dispatch.cutoff),
        "when": day_with_date(replies, ships, local_now.date()),
    }
    key = "shipping_time.later_same_day" if ships == local_at.date() else "shipping_time.later_next"
    return Answer(text=replies.render(key, **values), facts={"dispatch_date": ships, "at": at})


def answer_order_postage(shop: "Shop", region: Optional[str], amount: float) -> Answer:
    """Postage for one order's amount (after the coupon), in one line: free, the gap to free, or the fee."""
    policy, replies = shop.policy, shop.replies
    canonical = policy.canonical_region(region) if region else None
    rule = postage_for(policy, canonical, amount)
    values = {"amount": yuan(amount), "region": canonical or "", "fee": yuan(rule["fee"]),
              "threshold": yuan(rule["threshold"]) if rule["threshold"] is not None else "",
              "gap": yuan(rule["gap"])}
    if canonical is None:
        key = "shipping_fee.order_free_general" if rule["free"] else "shipping_fee.order_short_general"
        return Answer(text=replies.render(key, **values),
                      facts={"region": None, "free": rule["free"], "postage": float(rule["postage"])})
    if rule["free"]:
        key = "shipping_fee.order_free"
    elif rule["threshold"] is None:
        key = "shipping_fee.order_never_free"
    else:
        key = "shipping_fee.order_short"
    return Answer(text=replies.render(key, **values), facts={"region": canonical, **rule})


def postage_for(policy: Policy, region: Optional[str], order_amount: Optional[float] = None) -> Dict[str, Any]:
    """The postage rule for a canonical region, and what a given order amount pays.

    Args:
        policy: the shop policy.
        region: a canonical region name (see ``Policy.canonical_region``); None for the shop's standard rule
            (no region named yet).
        order_amount: the order's amount after coupons, if known.

    Returns:
        ``remote`` (bool), ``fee`` (postage when not free), ``threshold`` (free-shipping amount,
        None when the region never ships free), and with an amount: ``free`` (bool), ``gap``
        (yuan still needed for free shipping, 0 when free) and ``postage`` (what this order pays).

    Raises:
        ValueError: a negative order amount.
    """
    if order_amount is not None and order_amount < 0:
        raise ValueError(f"order_amount must not be negative: {order_amount}")
    entry = policy.remote_postage(region) if region else None
    if entry is not None:
        result: Dict[str, Any] = {"remote": True, "fee": entry.fee, "threshold": entry.free_threshold}
    else:
        result = {
            "remote": False,
            "fee": policy.postage.standard_fee,
            "threshold": policy.postage.free_threshold,
        }
    if order_amount is not None:
        threshold = result["threshold"]
        free = threshold is not None and order_amount >= threshold
        result.update(
            free=free,
            gap=0.0 if free or threshold is None else round(threshold - order_amount, 2),
            postage=0.0 if free else result["fee"],
        )
    return result


def answer_shipping_fee(
    shop: "Shop", region: Optional[str] = None, order_amount: Union[float, str, None] = None
) -> Answer:
    """Postage: the free-shipping rule, remote regions, and what a given order pays.

    Args:
        shop: the loaded shop.
        region: the delivery region as the buyer wrote it; without one the general rule is given
            and the buyer is asked where it goes.
        order_amount: the order's amount in yuan (after coupons; a number or "120"), if the buyer said.

    Returns:
        The reply; facts hold ``region`` (canonical or None), ``needs_region``, and for a known
        region the fields of :func:`postage_for`.

    Raises:
        ValueError: an order amount that is negative or not a number.
    """
    policy, replies = shop.policy, shop.replies
    order_amount = as_amount(order_amount)
    canonical = policy.canonical_region(region) if region else None
    if canonical is None:
        general = replies.render(
            "shipping_fee.general",
            threshold=yuan(policy.postage.free_threshold),
            standard_fee=yuan(policy.postage.standard_fee),
            remote_regions=LIST_SEPARATOR.join(e.region for e in policy.postage.remote),
        )
        unknown = replies.render("shipping_fee.unknown_region", region=region) if region else None
        facts = {
            "region": None,
            "needs_region": True,
            "threshold": policy.postage.free_threshold,
            "fee": policy.postage.standard_fee,
            "remote_regions": [e.region for e in policy.postage.remote],
        }
        if region:
            facts["unknown_region"] = region
        return Answer(
            text=join_lines(unknown, general, replies.render("shipping_fee.ask_region")), facts=facts
        )

    rule = postage_for(policy, canonical, order_amount)
    values = {
        "region": canonical,
        "fee": yuan(rule["fee"]),
        "threshold": yuan(policy.postage.free_threshold),
        "standard_fee": yuan(policy.postage.standard_fee),
        "remote_threshold": yuan(rule["threshold"]) if rule["threshold"] is not None else "",
    }
    if not rule["remote"]:
        first = replies.render("shipping_fee.rule_normal", **values)
    elif rule["threshold"] is not None:
        first = replies.render("shipping_fee.rule_remote_free_over", **values)
    else:
        first = replies.render("shipping_fee.rule_remote", **values)
    second = None
    if order_amount is not None:
        values.update(amount=yuan(order_amount), gap=yuan(rule["gap"]))
        if rule["free"]:
            second = replies.render("shipping_fee.amount_free", **values)
        elif rule["threshold"] is not None:
            second = replies.render("shipping_fee.amount_short", **values)
        else:
            second = replies.render("shipping_fee.amount_fee", **values)
    facts = {"region": canonical, "needs_region": False, **rule}
    return Answer(text=join_lines(first, second), facts=facts)


def courier_options(shop: "Shop") -> Tuple[List[Courier], str]:
    """The couriers a buyer may choose instead of the default, and their rendered list.

    Returns:
        (couriers, text such as ``圆通、韵达、顺丰（补12元）``).
    """
    policy, replies = shop.policy, shop.replies
    default = policy.courier(policy.default_courier)
    options = [c for c in policy.couriers if c.available and c is not default]
    parts = [
        replies.render("courier.option_surcharge", name=c.name, surcharge=yuan(c.surcharge))
        if c.surcharge > 0
        else replies.render("courier.option_free", name=c.name)
        for c in options
    ]
    return options, LIST_SEPARATOR.join(parts)


def answer_courier(shop: "Shop", courier: Optional[str] = None, region: Optional[str] = None) -> Answer:
    """Which courier the shop uses, and whether (and at what surcharge) a named one can be chosen.

    Args:
        shop: the loaded shop.
        courier: the courier the buyer named (顺丰, 京东快递, SF...), if any.
        region: the delivery region, if known: remote regions may have their own default courier.

    Returns:
        The reply; facts hold ``default``, ``courier`` (canonical name or None), ``known``,
        ``available``, ``surcharge`` and ``case``.
    """
    policy, replies = shop.policy, shop.replies
    default = policy.courier(policy.default_courier)
    assert default is not None  # guaranteed by Policy.cross_check at load time
    _, options_text = courier_options(shop)
    canonical_region = policy.canonical_region(region) if region else None
    regional = next((c for c in policy.couriers if canonical_region in c.default_for_regions), None)
    base = {"default": default.name, "options": options_text}

    if not courier:
        if regional is not None and regional.available:
            text = replies.render("courier.regional_default", courier=regional.name, region=canonical_region)
            return Answer(
                text=text,
                facts={
                    "case": "regional_default",
                    "default": regional.name,
                    "courier": regional.name,
                    "region": canonical_region,
                },
            )
        lines = [replies.render("courier.overview", **base)]
        for c in policy.couriers:
            if c.available and c.default_for_regions:
                lines.append(
                    replies.render(
                        "courier.overview_regional",
                        courier=c.name,
                        regions=LIST_SEPARATOR.join(c.default_for_regions),
                    )
                )
        unavailable = [c.name for c in policy.couriers if not c.available]
        if unavailable:
            lines.append(
                replies.render("courier.overview_unavailable", unavailable=LIST_SEPARATOR.join(unavailable))
            )
        return Answer(
            text=join_lines(*lines), facts={"case": "overview", "default": default.name, "courier": None}
        )

    found = policy.courier(courier)
    if found is None:
        text = replies.render("courier.unknown", courier=courier, **base)
        return Answer(
            text=text,
            facts={
                "case": "unknown",
                "default": default.name,
                "courier": None,
                "known": False,
                "available": False,
            },
        )
    facts: Dict[str, Any] = {
        "default": default.name,
        "courier": found.name,
        "known": True,
        "available": found.available,
        "surcharge": found.surcharge,
    }
    if not found.available:
        case = "unavailable"
        text = replies.render("courier.unavailable", courier=found.name, note=found.note or "", **base)
    elif found is regional:
        case = "regional_default"
        facts["surcharge"] = 0.0
        text = replies.render("courier.regional_default", courier=found.name, region=canonical_region)
    elif found is default:
        case = "is_default"
        text = replies.render("courier.is_default", courier=found.name)
    elif found.surcharge > 0:
        case = "surcharge"
        text = replies.render("courier.surcharge", courier=found.name, surcharge=yuan(found.surcharge))
    else:
        case = "free_choice"
        text = replies.render("courier.free_choice", courier=found.name)
    facts["case"] = case
    return Answer(text=text, facts=facts)
