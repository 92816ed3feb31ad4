"""The shop data and the clock as the actions see them: loaded once, reloaded when a file is edited."""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Optional, Tuple
from zoneinfo import ZoneInfo

from bot import clock
from bot.shop import Shop, load_shop
from bot.shop.conversation import Conversation, load_conversation
from bot.shop.data_files import DEFAULT_SHOP_DIR

# Where the shop's files are; tests point this at an edited copy.
SHOP_DIR_ENV = "XIAODIAN_SHOP_DIR"
# A fixed "now" (ISO 8601 with offset) for reproducible conversations in tests and demos.
NOW_ENV = clock.NOW_ENV


@dataclass(frozen=True)
class ShopContext:
    """What every action needs: the shop's policy and catalogue, and the conversation wording."""

    shop: Shop
    conversation: Conversation


_lock = threading.Lock()
_cached: Optional[Tuple[Tuple, ShopContext]] = None


def shop_dir() -> Path:
    """The folder with the shop's data files."""
    return Path(os.environ.get(SHOP_DIR_ENV) or DEFAULT_SHOP_DIR)


def _stamp(folder: Path) -> Tuple:
    # Modification times of the shop's files: an owner's edit shows in the next answer, no restart.
    return tuple(sorted((p.name, p.stat().st_mtime_ns) for p in folder.glob("*.yml")))


def current() -> ShopContext:
    """The shop data, reloaded when any of its files changed since the last call.

    Raises:
        ShopDataError: a file does not validate (the action server logs it; the previous good data
        is not kept, so a broken edit is noticed at once rather than silently ignored).
    """
    global _cached
    folder = shop_dir()
    stamp = (str(folder), _stamp(folder))
    with _lock:
        if _cached is None or _cached[0] != stamp:
            _cached = (stamp, ShopContext(load_shop(folder), load_conversation(folder)))
        return _cached[1]


def now(context: ShopContext) -> datetime:
    """The current time in the shop's timezone (or the fixed time of XIAODIAN_NOW)."""
    return clock.now(ZoneInfo(context.shop.policy.shop.timezone))
