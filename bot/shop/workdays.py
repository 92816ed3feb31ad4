"""The shop's calendar: dispatch days, warehouse closures, and how a day is named to a buyer."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Optional

from bot.shop.replies import Replies
from bot.shop.schema import WEEKDAYS, Holiday, Policy

# A closure plus weekends never spans this many days; the bound only stops a policy listing no
# dispatch day at all (every weekday a holiday) from looping forever.
_SEARCH_DAYS = 366


def weekday_name(day: date) -> str:
    """周一 … 周日 for a date."""
    return WEEKDAYS[day.weekday()]


def is_dispatch_day(policy: Policy, day: date) -> bool:
    """Whether the warehouse ships on a calendar day.

    Args:
        policy: the shop policy.
        day: a date in the shop's timezone.

    Returns:
        True on a listed dispatch weekday or make-up day that no holiday closure covers.
    """
    if policy.holiday_on(day) is not None:
        return False
    return weekday_name(day) in policy.dispatch.weekdays or day in policy.dispatch.make_up_days


def next_dispatch_day(policy: Policy, after: date) -> date:
    """The first dispatch day strictly after a date.

    Raises:
        ValueError: the policy has no dispatch day within a year.
    """
    day = after
    for _ in range(_SEARCH_DAYS):
        day += timedelta(days=1)
        if is_dispatch_day(policy, day):
            return day
    raise ValueError(f"no dispatch day within {_SEARCH_DAYS} days after {after}")


def dispatch_date(policy: Policy, now: datetime) -> date:
    """The day an order paid at ``now`` leaves the warehouse.

    Paid before the cut-off on a dispatch day: that day; otherwise the next dispatch day.

    Args:
        policy: the shop policy.
        now: the payment time (timezone-aware).

    Returns:
        The dispatch date, in the shop's calendar.
    """
    local = policy.local(now)
    today = local.date()
    if is_dispatch_day(policy, today) and local.time() < policy.dispatch.cutoff:
        return today
    return next_dispatch_day(policy, today)


def format_date(replies: Replies, day: date) -> str:
    """A date as buyers read it, e.g. ``3月9日``."""
    return replies.render("calendar.date", month=day.month, day=day.day)


def day_label(replies: Replies, day: date, today: date) -> str:
    """今天 / 明天 / 后天, the weekday within the coming week, 下周X in the next calendar week, else the date.

    Args:
        replies: the templates holding the words.
        day: the day to name.
        today: the current day in the shop's timezone.
    """
    delta = (day - today).days
    if delta == 0:
        return replies.render("calendar.today")
    if delta == 1:
        return replies.render("calendar.tomorrow")
    if delta == 2:
        return replies.render("calendar.day_after_tomorrow")
    if 0 < delta < 7:
        return weekday_name(day)
    next_monday = today + timedelta(days=7 - today.weekday())
    if next_monday <= day < next_monday + timedelta(days=7):
        return replies.render("calendar.next_week", weekday=weekday_name(day))
    return format_date(replies, day)


def day_with_date(replies: Replies, day: date, today: date) -> str:
    """``明天（3月7日）``, ``周一（3月9日）``; a bare date when the label is already the date."""
    label = day_label(replies, day, today)
    text = format_date(replies, day)
    if label == text:
        return text
    return replies.render("calendar.day_with_date", label=label, date=text)


def holiday_between(policy: Policy, start: date, end: date) -> Optional[Holiday]:
    """The first holiday closure overlapping the days strictly between two dates, if any."""
    day = start + timedelta(days=1)
    while day < end:
        holiday = policy.holiday_on(day)
        if holiday is not None:
            return holiday
        day += timedelta(days=1)
    return None
