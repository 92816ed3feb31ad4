"""What time it is for the shop: the real clock, or the fixed time of ``XIAODIAN_NOW`` (ISO 8601).

Logic never reads the clock itself (it is passed ``now``); the processes read it here, once per use, so
tests, demos and the live stack can all run at one chosen moment (e.g. a Monday 40 minutes before the
16:00 dispatch cut-off) and agree on it.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone, tzinfo
from typing import Mapping, Optional

NOW_ENV = "XIAODIAN_NOW"


def now(zone: Optional[tzinfo] = None, env: Mapping[str, str] = os.environ) -> datetime:
    """The current time (timezone-aware, in ``zone``; default UTC), or the fixed one of XIAODIAN_NOW.

    Raises:
        ValueError: XIAODIAN_NOW is set but not an ISO 8601 time with a UTC offset.
    """
    fixed = env.get(NOW_ENV)
    zone = zone or timezone.utc
    if not fixed:
        return datetime.now(zone)
    value = datetime.fromisoformat(fixed)
    if value.tzinfo is None:
        raise ValueError(f"{NOW_ENV}={fixed!r} needs a UTC offset, e.g. 2026-11-23T15:20:00+08:00")
    return value.astimezone(zone)
