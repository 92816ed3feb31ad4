"""When human agents are on duty, and the answer telling a buyer so."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Optional

from bot.shop.fields import hhmm
from bot.shop.replies import Answer
from bot.shop.schema import Policy, TimeRange
from bot.shop.workdays import day_label, format_date

if TYPE_CHECKING:
    from bot.shop.loading import Shop

# Looking further ahead than the longest closure plus a day is pointless; it also bounds the loop
# for a policy where agents are never on duty.
_SEARCH_DAYS = 60


def agent_hours_on(policy: Policy, day: date) -> Optional[TimeRange]:
    """The human agents' hours on a calendar day.

    Args:
        policy: the shop policy.
        day: a date in the shop's timezone.

    Returns:
        The day's hours, or None when agents are off (a closure marked ``agents_off``).
    """
    holiday = policy.holiday_on(day)
    if holiday is not None:
        if holiday.agents_off:
            return None
        if holiday.agent_hours is not None:
            return holiday.agent_hours
    return policy.service_hours.daily


def agents_on_duty(policy: Policy, now: datetime) -> bool:
    """Whether a human agent can take over a chat at ``now`` (timezone-aware)."""
    local = policy.local(now)
    hours = agent_hours_on(policy, local.date())
    return hours is not None and hours.contains(local.time())


def next_on_duty(policy: Policy, now: datetime) -> Optional[datetime]:
    """When agents are next on duty: ``now`` itself while they are, else the next shift's start.

    Args:
        policy: the shop policy.
        now: the current time, timezone-aware.

    Returns:
        A time in the shop's timezone, or None if no shift starts within 60 days.
    """
    local = policy.local(now)
    if agents_on_duty(policy, local):
        return local
    for offset in range(_SEARCH_DAYS):
        day = local.date() + timedelta(days=offset)
        hours = agent_hours_on(policy, day)
        if hours is None:
            continue
        start = datetime.combine(day, hours.start, tzinfo=policy.tz)
        if start > local:
            return start
    return None


def next_on_duty_label(shop: "Shop", now: datetime) -> str:
    """The next shift's start as a buyer reads it: ``明天09:00``, ``2月26日09:00``."""
    policy = shop.policy
    local = policy.local(now)
    start = next_on_duty(policy, now)
    if start is None:
        return ""
    return f"{day_label(shop.replies, start.date(), local.date())}{hhmm(start.time())}"


def answer_service_hours(shop: "Shop", now: datetime) -> Answer:
    """When human agents answer, and whether one is on duty now.

    Args:
        shop: the loaded shop.
        now: the current time, timezone-aware.

    Returns:
        The reply; facts hold ``on_duty``, ``next_on_duty`` (datetime or None) and ``holiday``.
    """
    policy, replies = shop.policy, shop.replies
    local = policy.local(now)
    on_duty = agents_on_duty(policy, local)
    holiday = policy.holiday_on(local.date())
    nxt = next_on_duty(policy, local)
    facts = {"on_duty": on_duty, "next_on_duty": nxt, "holiday": holiday.name if holiday else None}
    label = next_on_duty_label(shop, local)
    if holiday is not None and holiday.agents_off:
        text = replies.render(
            "service_hours.holiday_off",
            holiday=holiday.name,
            holiday_start=format_date(replies, holiday.start),
            holiday_end=format_date(replies, holiday.end),
            next=label,
        )
    elif holiday is not None and holiday.agent_hours is not None and on_duty:
        hours = holiday.agent_hours
        text = replies.render(
            "service_hours.holiday_hours", holiday=holiday.name, start=hhmm(hours.start), end=hhmm(hours.end)
        )
    else:
        hours = agent_hours_on(policy, local.date()) or policy.service_hours.daily
        key = "service_hours.on_duty" if on_duty else "service_hours.off_duty"
        text = replies.render(key, start=hhmm(hours.start), end=hhmm(hours.end), next=label)
    return Answer(text=text, facts=facts)
