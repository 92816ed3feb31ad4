"""Moments in the shop's timezone for tests: time is always passed in, never read from the clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    """A moment in shop time (Asia/Shanghai)."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)
